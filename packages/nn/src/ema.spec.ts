// ModelEma: timm's decay rule, the average against a float64 host reference, no leaks, exact
// swap in/out, state dicts laid out as the model's, and clear errors.
import { describe, expect, it } from 'vitest';
import { arange, memory, noGrad, tensor, tidy, zeros, type Tensor } from '@crossmodal/tensor';
import { ModelEma } from './ema.ts';
import { Linear } from './layers/linear.ts';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';
import { StateDictError } from './state-dict.ts';

/** A Linear, a tied copy of its weight, a float buffer and an int buffer: every case the EMA sorts. */
class Net extends Module {
  readonly fc = new Linear(4, 3);
  readonly tied: Parameter;
  readonly scale = new Parameter(zeros([2]));
  constructor() {
    super();
    this.tied = this.fc.weight;
    this.registerBuffer('running', zeros([3]));
    this.registerBuffer('positionIds', arange(0, 5));
  }
}

/** Deterministic values in [-1, 1), rounded to float32 (what the tensors hold). */
function values(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  });
}

/** Stands in for an optimizer step: new values for every float tensor, assigned as optimizers do. */
function perturb(net: Net, step: number): void {
  noGrad(() =>
    tidy(() => {
      for (const [, t] of [...net.namedParameters(), ...net.namedBuffers()]) {
        if (t.dtype === 'float32') t.assign(tensor(values(step * 97 + t.size, t.size), [...t.shape]));
      }
    }),
  );
}

const floats = (t: Tensor): number[] => Array.from(t.dataSync());

describe('ModelEma.decayAt', () => {
  // Values of timm's ModelEmaV3.get_decay(step) with decay 0.9998, warmup_gamma 1, warmup_power 3/4,
  // update_after_step 0 (computed with Python: 1 - (1 + t) ** -0.75, t = step - 1).
  it("follows timm's warm-up: 0 on the first step, then 1 − (1 + t)^−¾ capped at decay", () => {
    const net = new Net();
    const ema = new ModelEma(net);
    expect(ema.decayAt(0)).toBe(0);
    expect(ema.decayAt(1)).toBe(0);
    expect(ema.decayAt(2)).toBeCloseTo(0.4053964424986395, 15);
    expect(ema.decayAt(10)).toBeCloseTo(0.8221720589961077, 15);
    expect(ema.decayAt(1000)).toBeCloseTo(0.9943765867480965, 15);
    expect(ema.decayAt(10_000)).toBeCloseTo(0.999, 15);
    expect(ema.decayAt(100_000)).toBe(0.9998);
    ema.dispose();
    net.dispose();
  });

  it('uses the full decay from the second step without warm-up, and copies until startStep has passed', () => {
    const net = new Net();
    const flat = new ModelEma(net, { decay: 0.99, warmup: false });
    expect([1, 2, 50].map((s) => flat.decayAt(s))).toEqual([0, 0.99, 0.99]);
    const late = new ModelEma(net, { decay: 0.9, warmup: false, startStep: 5 });
    expect([5, 6, 7].map((s) => late.decayAt(s))).toEqual([0, 0, 0.9]);
    const slow = new ModelEma(net, { warmupGamma: 10, warmupPower: 2 / 3 });
    expect(slow.decayAt(11)).toBeCloseTo(1 - 2 ** (-2 / 3), 15);
    for (const e of [flat, late, slow]) e.dispose();
    net.dispose();
  });

  it('rejects options out of range, naming the option and the value', () => {
    const net = new Net();
    expect(() => new ModelEma(net, { decay: 1.5 })).toThrow('ModelEma: decay must be a number in [0, 1], got 1.5');
    expect(() => new ModelEma(net, { warmupPower: 0 })).toThrow('ModelEma: warmupPower must be a finite number > 0, got 0');
    expect(() => new ModelEma(net, { startStep: -1 })).toThrow('ModelEma: startStep must be an integer ≥ 0, got -1');
    expect(() => new ModelEma(new Module())).toThrow('ModelEma: Module has no float32 parameters or buffers to average');
    net.dispose();
  });
});

describe('ModelEma', () => {
  it('averages float parameters and buffers once each, in model order, and not the int buffers', () => {
    const net = new Net();
    const ema = new ModelEma(net);
    // The root's own parameters come first (pre-order), so the tied weight goes by its root name.
    expect(ema.names).toEqual(['tied', 'scale', 'fc.bias', 'running']);
    ema.dispose();
    net.dispose();
  });

  it('matches a float64 reference of the decay rule over 30 steps to 1e-6', () => {
    const net = new Net();
    const ema = new ModelEma(net, { decay: 0.9 });
    const reference = new Map<string, number[]>();
    for (const [name, t] of [...net.namedParameters(), ...net.namedBuffers()]) reference.set(name, floats(t));
    for (let step = 1; step <= 30; step++) {
      perturb(net, step);
      const d = ema.update(step);
      expect(d).toBe(ema.decayAt(step));
      for (const name of ema.names) {
        const w = floats(net.stateDict()[name]!);
        reference.set(name, reference.get(name)!.map((e, i) => e + (1 - d) * (w[i]! - e)));
      }
    }
    expect(ema.updates).toBe(30);
    const sd = ema.stateDict();
    let worst = 0;
    for (const name of ema.names) {
      floats(sd[name]!).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference.get(name)![i]!))));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    // The average lags behind the weights, so after 30 perturbations it differs from them.
    expect(floats(sd['fc.weight']!)).not.toEqual(floats(net.fc.weight));
    ema.dispose();
    net.dispose();
  });

  it('copies the weights exactly on the first step (decay 0)', () => {
    const net = new Net();
    const ema = new ModelEma(net);
    perturb(net, 3);
    ema.update(1);
    expect(floats(ema.stateDict()['fc.weight']!)).toEqual(floats(net.fc.weight));
    ema.dispose();
    net.dispose();
  });

  it('leaves no tensor or storage behind after updates, and dispose frees the averages', () => {
    const start = memory();
    const net = new Net();
    const ema = new ModelEma(net);
    perturb(net, 1);
    ema.update(1);
    perturb(net, 2);
    const before = memory();
    for (let step = 2; step < 6; step++) ema.update(step);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().storages).toBe(before.storages);
    ema.dispose();
    net.dispose();
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().storages).toBe(start.storages);
  });

  it('swaps the average in and restores the trained weights bit for bit, also when the body throws', async () => {
    const net = new Net();
    const ema = new ModelEma(net, { decay: 0.5, warmup: false });
    for (let step = 1; step <= 4; step++) {
      perturb(net, step);
      ema.update(step);
    }
    const trained = net.fc.weight.dataSync().slice();
    const average = floats(ema.stateDict()['fc.weight']!);
    const seen = await ema.withEmaWeights(() => floats(net.fc.weight));
    expect(seen).toEqual(average);
    expect(net.fc.weight.dataSync()).toEqual(trained);
    expect(Buffer.from(net.fc.weight.dataSync().buffer).equals(Buffer.from(trained.buffer))).toBe(true);
    await expect(ema.withEmaWeights(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(ema.swappedIn).toBe(false);
    expect(net.fc.weight.dataSync()).toEqual(trained);
    // The tied name sees the same swap: it is the same tensor.
    ema.swapIn();
    expect(floats(net.tied)).toEqual(average);
    expect(() => ema.update(5)).toThrow('ModelEma.update: the average is swapped into the model; swapOut() first');
    expect(() => ema.swapIn()).toThrow('ModelEma.swapIn: the average is already swapped in');
    ema.swapOut();
    expect(() => ema.swapOut()).toThrow('ModelEma.swapOut: the average is not swapped in');
    ema.dispose();
    net.dispose();
  });

  it("lays its state dict out as the model's and loads it back into another EMA", () => {
    const net = new Net();
    const ema = new ModelEma(net, { decay: 0.5, warmup: false });
    perturb(net, 1);
    ema.update(1);
    perturb(net, 2);
    ema.update(2);
    const sd = ema.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(net.stateDict()));
    expect(sd['tied']).toBe(sd['fc.weight']);
    expect(sd['positionIds']).toBe(net.stateDict()['positionIds']);
    const other = new ModelEma(net);
    expect(other.loadStateDict(sd)).toEqual({ missing: [], unexpected: [] });
    for (const name of ema.names) expect(floats(other.stateDict()[name]!)).toEqual(floats(sd[name]!));
    // A tied tensor may come under its other name.
    const byAlias = { 'fc.weight': sd['tied']!, scale: sd['scale']!, 'fc.bias': sd['fc.bias']!, running: sd['running']! };
    const third = new ModelEma(net);
    expect(third.loadStateDict(byAlias)).toEqual({ missing: [], unexpected: [] });
    expect(floats(third.stateDict()['tied']!)).toEqual(floats(sd['tied']!));
    // The model's own weights are untouched by loading an average.
    expect(floats(net.fc.weight)).not.toEqual(floats(sd['fc.weight']!));
    for (const e of [ema, other, third]) e.dispose();
    net.dispose();
  });

  it('rejects unknown, missing and mis-shaped keys in one error, writing nothing', () => {
    const net = new Net();
    const ema = new ModelEma(net);
    const before = floats(ema.stateDict()['scale']!);
    const bad = { 'fc.weight': zeros([2, 2]), scale: tensor([5, 5]), extra: zeros([1]) };
    expect(() => ema.loadStateDict(bad)).toThrow(StateDictError);
    // 'tied' came under its alias 'fc.weight': mis-shaped, not also missing.
    expect(() => ema.loadStateDict(bad)).toThrow(
      [
        'loadStateDict: the state dict does not fit ModelEma of Net:',
        '  missing keys (2): fc.bias, running',
        '  unexpected keys (1): extra',
        '  mis-shaped keys (1):',
        '    tied: expected [3, 4] float32, got [2, 2] float32',
      ].join('\n'),
    );
    expect(() => ema.loadStateDict({ scale: tensor([5, 5]) })).toThrow('missing keys (3): tied, fc.bias, running');
    expect(() => ema.loadStateDict(bad, { strict: false })).toThrow('tied: expected [3, 4] float32, got [2, 2] float32');
    expect(ema.loadStateDict({ scale: tensor([5, 5]), extra: zeros([1]) }, { strict: false })).toEqual({ missing: ['tied', 'fc.bias', 'running'], unexpected: ['extra'] });
    expect(floats(ema.stateDict()['scale']!)).toEqual([5, 5]);
    ema.loadStateDict({ scale: tensor(before, [2]) }, { strict: false });
    expect(floats(ema.stateDict()['scale']!)).toEqual(before);
    ema.dispose();
    expect(() => ema.update(1)).toThrow('ModelEma.update: the average was disposed');
    net.dispose();
  });
});
