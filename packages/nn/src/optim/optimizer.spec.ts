// The optimizer base: parameter groups, state dicts that resume exactly, and flat memory.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, keep, manualSeed, memory, randn, tensor, tidy, type Tensor } from '@crossmodal/tensor';
import { Linear } from '../layers/linear.ts';
import { Parameter } from '../parameter.ts';
import { Adam, AdamW } from './adam.ts';
import { SGD } from './sgd.ts';

/** One training step of a tiny regression: forward, backward, step, zeroGrad. */
function trainStep(model: Linear, opt: { step(): void; zeroGrad(): void }, x: Tensor, y: Tensor): number {
  const loss = tidy(() => {
    const l = model.forward(x).sub(y).pow(2).mean();
    l.backward();
    return l.item();
  });
  opt.step();
  opt.zeroGrad();
  return loss;
}

describe('Optimizer', () => {
  it('applies each group its own hyperparameters', () => {
    const a = new Parameter(tensor([1]));
    const b = new Parameter(tensor([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    for (const p of [a, b]) p.grad = keep(tensor([1]));
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6); // 1 − 0.1·1
    expect(b.item()).toBeCloseTo(0, 6); // 1 − 0.5·(1 + 1·1)
    opt.zeroGrad();
    expect([a.grad, b.grad]).toEqual([null, null]);
    a.dispose();
    b.dispose();
  });

  it('skips parameters without a gradient (no state, no step count)', () => {
    const a = new Parameter(tensor([1, 2]));
    const b = new Parameter(tensor([3]));
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = keep(tensor([1, 1]));
    opt.step();
    expect(Array.from(b.dataSync())).toEqual([3]);
    const sd = opt.stateDict();
    expect(sd.meta.steps).toEqual({ 0: 1 });
    expect(Object.keys(sd.tensors)).toEqual(['0.expAvg', '0.expAvgSq']);
    opt.disposeState();
    a.dispose();
    b.dispose();
  });

  it('resumes exactly from its state dict', () => {
    manualSeed(0);
    const x = randn([8, 3]);
    const y = randn([8, 2]);
    const a = new Linear(3, 2);
    const b = new Linear(3, 2);
    b.loadStateDict(a.stateDict());
    const optA = new AdamW(a.parameters(), { lr: 0.05, amsgrad: true });
    for (let i = 0; i < 4; i++) trainStep(a, optA, x, y);

    const optB = new AdamW(b.parameters(), { lr: 0.05, amsgrad: true });
    trainStep(b, optB, x, y);
    trainStep(b, optB, x, y);
    const saved = optB.stateDict();
    expect(saved.meta.groups).toEqual([{ lr: 0.05, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: true, params: [0, 1] }]);
    expect(saved.meta.steps).toEqual({ 0: 2, 1: 2 });
    expect(Object.keys(saved.tensors)).toEqual(['0.expAvg', '0.expAvgSq', '0.maxExpAvgSq', '1.expAvg', '1.expAvgSq', '1.maxExpAvgSq']);
    // A fresh optimizer on the same parameters, restored from a copy of the dict.
    const copy = { tensors: Object.fromEntries(Object.entries(saved.tensors).map(([k, t]) => [k, t.clone()])), meta: JSON.parse(JSON.stringify(saved.meta)) };
    optB.disposeState();
    const optC = new AdamW(b.parameters(), { lr: 1 });
    optC.loadStateDict(copy);
    for (const t of Object.values(copy.tensors)) t.dispose();
    expect(optC.paramGroups[0]!.lr).toBe(0.05);
    trainStep(b, optC, x, y);
    trainStep(b, optC, x, y);
    expect(Array.from(b.weight.dataSync())).toEqual(Array.from(a.weight.dataSync()));
    expect(Array.from(b.bias!.dataSync())).toEqual(Array.from(a.bias!.dataSync()));
    for (const t of [x, y]) t.dispose();
    optA.disposeState();
    optC.disposeState();
    a.dispose();
    b.dispose();
  });

  it('rejects a state dict for other groups or shapes', () => {
    const p = new Parameter(tensor([1, 2]));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const t = tensor([1, 2, 3]);
    expect(() => opt.loadStateDict({ tensors: {}, meta: { groups: [], steps: {} } })).toThrow('SGD.loadStateDict: groups of sizes [] do not match this optimizer\'s [1]');
    const groups = [{ lr: 0.1, params: [0] }];
    expect(() => opt.loadStateDict({ tensors: { '0.momentumBuffer': t }, meta: { groups, steps: { 0: 1 } } })).toThrow(
      "SGD.loadStateDict: '0.momentumBuffer' has shape [3], parameter 0 has [2]",
    );
    expect(() => opt.loadStateDict({ tensors: { '5.momentumBuffer': t }, meta: { groups, steps: {} } })).toThrow("tensor key '5.momentumBuffer' does not name a parameter index below 1");
    const ints = tensor([1, 2], undefined, { dtype: 'int32' });
    expect(() => opt.loadStateDict({ tensors: { '0.momentumBuffer': ints }, meta: { groups, steps: { 0: 1 } } })).toThrow(
      "SGD.loadStateDict: '0.momentumBuffer' is int32, expected float32 as parameter 0",
    );
    expect(opt.stateDict().tensors).toEqual({});
    for (const x of [t, ints]) x.dispose();
    p.dispose();
  });

  it("moves buffers that live on another backend to their parameter's", () => {
    const p = new Parameter(tensor([1, 2]));
    const other = createCpuBackend();
    const buf = tensor([0.5, -1], undefined, { backend: other });
    expect(buf.backend).not.toBe(p.backend);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict({ tensors: { '0.momentumBuffer': buf }, meta: { groups: [{ lr: 0.1, params: [0] }], steps: { 0: 1 } } });
    buf.dispose();
    const loaded = opt.stateDict().tensors['0.momentumBuffer']!;
    expect(loaded.backend).toBe(p.backend);
    expect(Array.from(loaded.dataSync())).toEqual([0.5, -1]);
    // The next step mixes buffer and gradient: b = 0.9·[0.5, −1] + [1, 1]; p = [1, 2] − 0.1·b.
    p.grad = keep(tensor([1, 1]));
    opt.step();
    expect(Array.from(p.dataSync()).map((v) => Number(v.toFixed(5)))).toEqual([0.855, 1.99]);
    opt.disposeState();
    p.grad.dispose();
    p.dispose();
  });

  it("refuses another optimizer's state and bad hyperparameters, and is left as it was", () => {
    const p = new Parameter(tensor([1, 2]));
    p.grad = tensor([0.5, -0.5]);
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    sgd.step();
    const adam = new AdamW([p], { lr: 1e-3 });
    expect(() => adam.loadStateDict(sgd.stateDict())).toThrow(
      "AdamW.loadStateDict: tensor '0.momentumBuffer' is a 'momentumBuffer' buffer, which AdamW does not keep (its buffers: expAvg, expAvgSq, maxExpAvgSq); is this another optimizer's state?",
    );
    const sgdGroups = sgd.stateDict().meta.groups;
    expect(() => adam.loadStateDict({ tensors: {}, meta: { groups: sgdGroups, steps: {} } })).toThrow(
      "AdamW.loadStateDict: group 0: 'momentum' is not a AdamW hyperparameter (lr, betas, eps, weightDecay, amsgrad); is this another optimizer's state?",
    );
    adam.step();
    const good = adam.stateDict();
    const bad = { tensors: good.tensors, meta: { ...good.meta, groups: [{ ...good.meta.groups[0]!, lr: 'x' }] } };
    expect(() => adam.loadStateDict(bad as unknown as typeof good)).toThrow('AdamW.loadStateDict: group 0: \'lr\' is "x", expected a number');
    const negative = { tensors: good.tensors, meta: { ...good.meta, groups: [{ ...good.meta.groups[0]!, eps: -1 }] } };
    expect(() => adam.loadStateDict(negative)).toThrow('AdamW: eps must be >= 0, got -1');
    // Nothing was applied: the same lr, and the step's buffers are still there.
    expect(adam.paramGroups[0]!.lr).toBe(1e-3);
    expect(Object.keys(adam.stateDict().tensors).sort()).toEqual(['0.expAvg', '0.expAvgSq']);
    sgd.disposeState();
    adam.disposeState();
    p.grad.dispose();
    p.dispose();
  });

  it.each([
    ['SGD with momentum', (ps: Parameter[]) => new SGD(ps, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4 })],
    ['Adam', (ps: Parameter[]) => new Adam(ps, { lr: 0.01, weightDecay: 1e-4 })],
    ['AdamW with amsgrad', (ps: Parameter[]) => new AdamW(ps, { lr: 0.01, amsgrad: true })],
  ])('%s: 100 steps keep live tensors and storages flat', (_name, make) => {
    manualSeed(1);
    const x = randn([16, 4]);
    const y = randn([16, 3]);
    const model = new Linear(4, 3);
    const opt = make(model.parameters());
    const first = trainStep(model, opt, x, y);
    const after1 = memory();
    let last = first;
    for (let i = 0; i < 100; i++) {
      last = trainStep(model, opt, x, y);
      const m = memory();
      expect([m.tensors, m.storages, m.savedTensors]).toEqual([after1.tensors, after1.storages, after1.savedTensors]);
    }
    expect(last).toBeLessThan(first);
    for (const t of [x, y]) t.dispose();
    opt.disposeState();
    model.dispose();
  });
});
