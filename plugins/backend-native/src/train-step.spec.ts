// A transformer training step on the native backend against the CPU oracle (same weights, data and
// dropout seeds: the loss and every gradient agree), bit-identical repeats for a thread count, and
// 1,000 steps that leak no tensor, storage or native byte, with no op of the step left to a composite.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, memory, setBackend } from '@crossmodal/tensor';
import { opsWithoutKernel } from '@crossmodal/tensor/testing';
import { clipGradNorm } from '@crossmodal/nn';
import { relError, tinyLossAndGrads, tinySetup, type TinySetup } from '@crossmodal/nn/testing';
import { testBackend } from './testing.ts';
import type { NativeBackend } from './native-backend.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
/** Steps of the leak test: the 1,000 (a step takes a few ms here); `LEAK_STEPS=n` overrides. */
const LEAK_STEPS = Number(process.env['LEAK_STEPS'] ?? 1000);

/** Every parameter gradient of a setup, by name. */
const grads = (s: TinySetup): Map<string, Float32Array> =>
  new Map(s.model.namedParameters().map(([name, p]) => [name, p.grad!.dataSync() as Float32Array]));

describe.skipIf(!native)('a transformer training step on the native backend', () => {
  it('has a native kernel for every op (no composite fallback)', () => {
    expect(opsWithoutKernel(native!)).toEqual([]);
  });

  it('gives the loss and every parameter gradient of the CPU oracle (≤ 1e-4 relative)', () => {
    const [sc, sn] = [tinySetup(createCpuBackend()), tinySetup(native!)];
    const [lc, ln] = [tinyLossAndGrads(sc, 11), tinyLossAndGrads(sn, 11)];
    const [vc, vn] = [lc.dataSync()[0]!, ln.dataSync()[0]!];
    expect(Math.abs(vn - vc) / Math.abs(vc)).toBeLessThan(1e-4);
    const [gc, gn] = [grads(sc), grads(sn)];
    expect([...gn.keys()]).toEqual([...gc.keys()]);
    const worst = [...gc].map(([name, g]) => [name, relError(gn.get(name)!, g)] as const);
    expect(worst.filter(([, e]) => !(e <= 1e-4))).toEqual([]);
    [lc, ln].forEach((l) => l.dispose());
    [sc, sn].forEach((s) => s.dispose());
  });

  it('is bit-identical when repeated with the same thread count (1 and 2 threads)', () => {
    const before = native!.threads;
    try {
      for (const threads of [1, 2]) {
        native!.addon.setThreads(threads);
        const runs = [0, 1].map(() => {
          const s = tinySetup(native!);
          tinyLossAndGrads(s, 7).dispose();
          const g = grads(s);
          s.dispose();
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
    const s = tinySetup(n);
    const prev = setBackend(n);
    const losses: number[] = [];
    let first: { tensors: number; storages: number; bytes: number; native: number } | undefined;
    try {
      for (let step = 0; step < LEAK_STEPS; step++) {
        const l = tinyLossAndGrads(s, 1000 + step);
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
    s.dispose();
  });
});
