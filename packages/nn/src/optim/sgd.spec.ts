// SGD against torch.optim.SGD's equations, computed by hand for three steps.
import { describe, expect, it } from 'vitest';
import { tensor } from '@crossmodal/tensor';
import { Parameter } from '../parameter.ts';
import { expectSteps, threeSteps } from './three-steps.spec-helper.ts';
import { SGD, type SGDOptions } from './sgd.ts';

const sgd = (options: SGDOptions) => threeSteps((p) => new SGD([p], options));

describe('SGD', () => {
  it('plain: p ← p − lr·g', () => {
    expectSteps(sgd({ lr: 0.1 }), [[0.95, -2.1], [1.05, -2.125], [0.85, -2.075]]);
  });

  it('momentum with dampening and weight decay, as torch.optim.SGD', () => {
    // Step 1: g = [0.5, 1] + 0.01·[1, −2] = [0.51, 0.98]; b = g; p = [1, −2] − 0.1·b = [0.949, −2.098].
    // Step 2: g = [−1, 0.25] + 0.01·p = [−0.99051, 0.22902]; b = 0.9·b + 0.9·g = [−0.432459, 1.088118];
    //         p = [0.949, −2.098] − 0.1·b = [0.9922459, −2.2068118].
    expectSteps(sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }), [
      [0.949, -2.098],
      [0.9922459, -2.2068118],
      [0.85027419, -2.25775629],
    ]);
  });

  it('Nesterov: p ← p − lr·(g + μ·b)', () => {
    // Step 1: b = g = [0.5, 1]; p = [1, −2] − 0.1·([0.5, 1] + 0.9·[0.5, 1]) = [0.905, −2.19].
    expectSteps(sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), [[0.905, -2.19], [1.0545, -2.3185], [0.71905, -2.31665]]);
  });

  it('keeps the defaults for options given as undefined', () => {
    // { dampening: undefined } must not replace the default 0: from step 2, b = 0.9·b + (1 − NaN)·g.
    const withUndefined = sgd({ lr: 0.1, momentum: 0.9, dampening: undefined, nesterov: undefined, weightDecay: undefined });
    const plain = sgd({ lr: 0.1, momentum: 0.9 });
    expect(withUndefined.flat().every(Number.isFinite)).toBe(true);
    expect(withUndefined).toEqual(plain);
  });

  it('checks its hyperparameters', () => {
    const p = new Parameter(tensor([1]));
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow('SGD: nesterov needs momentum > 0 and dampening 0, got momentum=0 dampening=0');
    expect(() => new SGD([p], { lr: -1 })).toThrow('SGD: lr must be >= 0, got -1');
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: Number.NaN })).toThrow('SGD: dampening must be a finite number, got NaN');
    expect(() => new SGD([{ params: [p], dampening: Infinity }], { lr: 0.1 })).toThrow('SGD: dampening must be a finite number, got Infinity');
    expect(() => new SGD([p], { lr: 0.1, momentum: Infinity })).toThrow('SGD: momentum must be a finite number >= 0, got Infinity');
    expect(() => new SGD([], { lr: 1 })).toThrow('SGD: got no parameters to optimize');
    expect(() => new SGD([p, p], { lr: 1 })).toThrow(/appears in more than one place/);
    p.dispose();
  });
});
