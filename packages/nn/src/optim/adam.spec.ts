// Adam and AdamW against torch's equations, computed by hand for three steps.
import { describe, expect, it } from 'vitest';
import { keep, tensor } from '@crossmodal/tensor';
import { Parameter } from '../parameter.ts';
import { Adam, AdamW } from './adam.ts';
import { expectSteps, threeSteps } from './three-steps.spec-helper.ts';

describe('Adam', () => {
  it('adds L2 decay to the gradient and bias-corrects both moments, as torch.optim.Adam', () => {
    // Step 1: g = [0.5, 1] + 0.1·[1, −2] = [0.6, 0.8]; m = 0.1·g; v = 0.001·g²;
    //         m̂ = g, √v̂ = |g| ⇒ p = p − 0.1·sign(g) (up to eps) = [0.9, −2.1].
    expectSteps(threeSteps((p) => new Adam([p], { lr: 0.1, weightDecay: 0.1 })), [
      [0.9, -2.1],
      [0.92526352, -2.17064004],
      [0.87761726, -2.16867427],
    ]);
  });

  it('amsgrad divides by the running max of v', () => {
    const grads = [[2, -2], [0.1, 0.1], [0.1, -0.1]];
    const run = (amsgrad: boolean): number[] => {
      const p = new Parameter(tensor([1, -2]));
      const opt = new Adam([p], { lr: 0.1, betas: [0.9, 0.5], amsgrad });
      for (const g of grads) {
        p.grad?.dispose();
        p.grad = keep(tensor(g));
        opt.step();
      }
      const out = Array.from(p.dataSync());
      p.dispose();
      opt.disposeState();
      return out;
    };
    expectSteps([run(true), run(false)], [[0.79458554, -1.80542488], [0.72591403, -1.74372884]]);
  });

  it('checks betas and eps', () => {
    const p = new Parameter(tensor([1]));
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow('Adam: betas must be in [0, 1), got [0.9, 1]');
    expect(() => new AdamW([p], { eps: -1 })).toThrow('AdamW: eps must be >= 0, got -1');
    p.dispose();
  });
});

describe('AdamW', () => {
  it('decays the parameter itself, p ← p·(1 − lr·wd), before the Adam step', () => {
    // Step 1: p = [1, −2]·(1 − 0.01) = [0.99, −1.98]; then −0.1·sign(g): [0.89, −2.08].
    expectSteps(threeSteps((p) => new AdamW([p], { lr: 0.1, weightDecay: 0.1 })), [
      [0.89, -2.08],
      [0.91771035, -2.14225975],
      [0.86656769, -2.15069233],
    ]);
  });

  it("defaults to torch's hyperparameters (lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.01)", () => {
    const p = new Parameter(tensor([1]));
    const { params, ...hyper } = new AdamW([p]).paramGroups[0]!;
    expect(params).toEqual([p]);
    expect(hyper).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false });
    p.dispose();
  });
});
