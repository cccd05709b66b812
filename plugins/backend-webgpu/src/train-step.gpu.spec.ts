// A transformer training step on WebGPU against the CPU oracle (same weights, data and dropout
// seeds: the loss and every gradient agree), then many steps that must leak no tensor, storage
// or pooled GPU buffer, with no op of the step left to a composite.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, memory, type Backend } from '@crossmodal/tensor';
import { opsWithoutKernel } from '@crossmodal/tensor/testing';
import { clipGradNormAsync } from '@crossmodal/nn';
import { relError, tinyLossAndGrads as lossAndGrads, tinySetup as setup } from '@crossmodal/nn/testing';
import { testBackend, withGpuDevice } from './testing/index.ts';
import type { WebGpuBackend } from './webgpu-backend.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
/**
 * Steps of the leak test: the 1,000 (a step is ~40 ms on lavapipe here, so ~40 s);
 * `LEAK_STEPS=n` overrides it for a quick local run or a longer soak.
 */
const LEAK_STEPS = Number(process.env['LEAK_STEPS'] ?? 1000);

const FUSED = ['AdamStep', 'Attention', 'AttentionGrad', 'Dropout', 'Gelu', 'GeluGrad', 'LayerNorm', 'LayerNormGrad', 'LogSoftmax'];

/** A CPU oracle that records every op name the engine looks a kernel up for. */
function recordingCpu(): { backend: Backend; used: Set<string> } {
  const cpu = createCpuBackend();
  const used = new Set<string>();
  const kernels = new Map(cpu.kernels);
  const get = kernels.get.bind(kernels);
  kernels.get = (name: string) => (used.add(name), get(name));
  return { backend: { ...cpu, kernels }, used };
}

describe.skipIf(!gpu)('a transformer training step on WebGPU', () => {
  it('has a WebGPU kernel for every op the step dispatches (no composite fallback)', () => {
    const { backend: cpu, used } = recordingCpu();
    const s = setup(cpu);
    lossAndGrads(s, 11).dispose();
    s.opt.step();
    // The fused ops are what the step is made of (the oracle also records its composites' ops).
    expect([...used].filter((op) => FUSED.includes(op)).sort()).toEqual([...FUSED].sort());
    expect(opsWithoutKernel(gpu!).filter((op) => used.has(op))).toEqual([]);
    s.dispose();
  });

  it('gives the loss and every parameter gradient of the CPU oracle (≤ 1e-4 relative)', async () => {
    const cpu = setup(createCpuBackend());
    const dev = setup(gpu!);
    await withGpuDevice(gpu!, async () => {
      const [lc, lg] = [lossAndGrads(cpu, 11), lossAndGrads(dev, 11)];
      const [vc, vg] = [(await lc.data())[0]!, (await lg.data())[0]!];
      expect(Math.abs(vg - vc) / Math.abs(vc)).toBeLessThan(1e-4);
      const gradsC = cpu.model.namedParameters();
      const gradsG = new Map(dev.model.namedParameters());
      expect(gradsC.length).toBe(gradsG.size);
      const worst: [string, number][] = [];
      for (const [name, p] of gradsC) {
        const q = gradsG.get(name)!;
        expect(await q.data()).toEqual(await p.data()); // identical initial weights
        worst.push([name, relError(await q.grad!.data(), await p.grad!.data())]);
      }
      expect(worst.filter(([, e]) => !(e <= 1e-4))).toEqual([]);
      for (const l of [lc, lg]) l.dispose();
    });
    for (const s of [cpu, dev]) s.dispose();
  });

  it(`keeps memory() and the GPU buffer pool flat over ${LEAK_STEPS} AdamW steps after the first`, async () => {
    const dev = setup(gpu!);
    const g: WebGpuBackend = gpu!;
    const losses: number[] = [];
    let first: { tensors: number; storages: number; bytes: number; live: number } | undefined;
    await withGpuDevice(g, async () => {
      for (let step = 0; step < LEAK_STEPS; step++) {
        const l = lossAndGrads(dev, 1000 + step);
        await clipGradNormAsync(dev.model.parameters(), 1);
        dev.opt.step();
        dev.opt.zeroGrad();
        if (step % 25 === 0 || step === LEAK_STEPS - 1) losses.push((await l.data())[0]!);
        l.dispose();
        const m = memory();
        const now = { tensors: m.tensors, storages: m.storages, bytes: m.bytes, live: g.poolStats().live };
        first ??= now;
        expect(now).toEqual(first);
        expect(m.savedTensors).toBe(0);
      }
    });
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    dev.dispose();
  }, Math.max(120_000, LEAK_STEPS * 400));
});
