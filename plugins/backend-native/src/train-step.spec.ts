// A transformer training step on the native backend against the CPU oracle (same weights, data and
// dropout seeds: the loss and every gradient agree), bit-identical repeats for a thread count, and
// 1,000 steps that leak no tensor, storage or native byte, with no op of the step left to a composite.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, crossEntropy, manualSeed, memory, randn, setBackend, tensor, tidy, zeros, type Backend, type Tensor } from '@crossmodal/tensor';
import { opsWithoutKernel } from '@crossmodal/tensor/testing';
import { AdamW, clipGradNorm, LayerNorm, Linear, Module, Parameter, TransformerLayer, truncNormal_ } from '@crossmodal/nn';
import { testBackend } from './testing.ts';
import type { NativeBackend } from './native-backend.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const [B, T, D, H, CLASSES] = [4, 5, 16, 2, 5];
/** Steps of the leak test: the 1,000 (a step takes a few ms here); `LEAK_STEPS=n` overrides. */
const LEAK_STEPS = Number(process.env['LEAK_STEPS'] ?? 1000);

/** A 2-layer pre-norm transformer with learned positions and a head on the mean-pooled states. */
class TinyClassifier extends Module {
  readonly pos = new Parameter(truncNormal_(zeros([T, D])));
  readonly blocks = [0, 1].map(() => new TransformerLayer({ dim: D, heads: H, mlpDim: 4 * D, dropout: 0.1, attnDropout: 0.1, eps: 1e-6 }));
  readonly norm = new LayerNorm(D, { eps: 1e-6 });
  readonly head = new Linear(D, CLASSES);

  /** x [B, T, D] → logits [B, CLASSES] */
  forward(x: Tensor): Tensor {
    let h = x.add(this.pos);
    for (const block of this.blocks) h = block.forward(h).out;
    return this.head.forward(this.norm.forward(h).mean(1));
  }
}

interface Setup {
  model: TinyClassifier;
  x: Tensor;
  y: Tensor;
  opt: AdamW;
  dispose: () => void;
}

/** The model, data and optimizer built on `on` from seed 0 (host-side init: equal on every backend). */
function setup(on: Backend): Setup {
  const prev = setBackend(on);
  try {
    manualSeed(0);
    const x = randn([B, T, D]);
    const y = tensor([0, 3, 1, 4], [B], { dtype: 'int32' });
    const model = new TinyClassifier();
    const opt = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
    return { model, x, y, opt, dispose: () => [x, y].forEach((t) => t.dispose()) };
  } finally {
    setBackend(prev);
  }
}

/** Forward and backward of one step on `on` (dropout seeds drawn from `seed`); returns the loss tensor. */
function lossAndGrads(on: Backend, { model, x, y }: Setup, seed: number): Tensor {
  const prev = setBackend(on);
  try {
    manualSeed(seed);
    return tidy(() => {
      const l = crossEntropy(model.forward(x), y);
      l.backward();
      return l;
    });
  } finally {
    setBackend(prev);
  }
}

const teardown = (s: Setup): void => {
  s.opt.disposeState();
  s.model.dispose();
  s.dispose();
};

/** ‖a − b‖ / max(‖b‖, 1e-4) (the floor: gradients that are 0 in exact arithmetic are rounding noise on both sides). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [num, den] = [0, 0];
  for (let i = 0; i < b.length; i++) [num, den] = [num + (a[i]! - b[i]!) ** 2, den + b[i]! ** 2];
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-4);
}

/** Every parameter gradient of a setup, by name. */
const grads = (s: Setup): Map<string, Float32Array> =>
  new Map(s.model.namedParameters().map(([name, p]) => [name, p.grad!.dataSync() as Float32Array]));

describe.skipIf(!native)('a transformer training step on the native backend', () => {
  it('has a native kernel for every op (no composite fallback)', () => {
    expect(opsWithoutKernel(native!)).toEqual([]);
  });

  it('gives the loss and every parameter gradient of the CPU oracle (≤ 1e-4 relative)', () => {
    const cpu = createCpuBackend();
    const [sc, sn] = [setup(cpu), setup(native!)];
    const [lc, ln] = [lossAndGrads(cpu, sc, 11), lossAndGrads(native!, sn, 11)];
    const [vc, vn] = [lc.dataSync()[0]!, ln.dataSync()[0]!];
    expect(Math.abs(vn - vc) / Math.abs(vc)).toBeLessThan(1e-4);
    const [gc, gn] = [grads(sc), grads(sn)];
    expect([...gn.keys()]).toEqual([...gc.keys()]);
    const worst = [...gc].map(([name, g]) => [name, relError(gn.get(name)!, g)] as const);
    expect(worst.filter(([, e]) => !(e <= 1e-4))).toEqual([]);
    [lc, ln].forEach((l) => l.dispose());
    [sc, sn].forEach(teardown);
  });

  it('is bit-identical when repeated with the same thread count (1 and 2 threads)', () => {
    const before = native!.threads;
    try {
      for (const threads of [1, 2]) {
        native!.addon.setThreads(threads);
        const runs = [0, 1].map(() => {
          const s = setup(native!);
          lossAndGrads(native!, s, 7).dispose();
          const g = grads(s);
          teardown(s);
          return g;
        });
        for (const [name, g] of runs[0]!) expect(runs[1]!.get(name), `${name} at ${threads} threads`).toEqual(g);
      }
    } finally {
      native!.addon.setThreads(before);
    }
  });

  it(`keeps memory() and native bytes flat over ${LEAK_STEPS} AdamW steps after the first`, () => {
    const n: NativeBackend = native!;
    const s = setup(n);
    const prev = setBackend(n);
    const losses: number[] = [];
    let first: { tensors: number; storages: number; bytes: number; native: number } | undefined;
    try {
      for (let step = 0; step < LEAK_STEPS; step++) {
        const l = lossAndGrads(n, s, 1000 + step);
        clipGradNorm(s.model.parameters(), 1);
        s.opt.step();
        s.opt.zeroGrad();
        if (step % 25 === 0 || step === LEAK_STEPS - 1) losses.push(l.dataSync()[0]!);
        l.dispose();
        const m = memory();
        const now = { tensors: m.tensors, storages: m.storages, bytes: m.bytes, native: n.memory().bytes };
        first ??= now;
        expect(now).toEqual(first);
        expect(m.savedTensors).toBe(0);
      }
    } finally {
      setBackend(prev);
    }
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    teardown(s);
  });
});
