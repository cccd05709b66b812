// The conformance suite run against the oracle's own composites: a backend that has only the
// primitive kernels, so every fused op (softmax, layer norm, attention, GELU…) runs its composite
// and must match the oracle's fused kernel, forward and gradients.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, type Backend } from '../index.ts';
import { allOps, compareBackends, conformanceCases, cpuWithoutKernels, opsWithoutKernel } from './index.ts';

const FUSED = ['Softmax', 'LogSoftmax', 'SoftmaxGrad', 'LayerNorm', 'LayerNormGrad', 'Attention', 'AttentionGrad', 'Gelu', 'GeluGrad', 'AdamStep'];
const reference = createCpuBackend();
const full = createCpuBackend();
const compositeOnly = cpuWithoutKernels(...FUSED);

describe('conformance suite', () => {
  it('covers every op the engine exports', () => {
    const covered = new Set(conformanceCases.flatMap((c) => c.ops));
    expect(allOps.size).toBeGreaterThanOrEqual(45);
    expect([...allOps.keys()].filter((name) => !covered.has(name))).toEqual([]);
  });

  it('lists the ops the CPU oracle runs as composites', () => {
    expect(opsWithoutKernel(reference)).toEqual(['AttentionGrad', 'GeluGrad', 'SoftmaxGrad']);
  });

  it('has unique case names', () => {
    const names = conformanceCases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(conformanceCases.map((c) => [c.name, c] as const))('%s: composites match the fused oracle kernels', async (_, c) => {
    const msg = await compareBackends(c.run, c.inputs, compositeOnly, reference, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 3 });
    expect(msg).toBeNull();
  });

  it('reports a disagreement, naming the output', async () => {
    const broken: Backend = { ...full, kernels: new Map(full.kernels) };
    const exp = full.kernels.get('Exp')!;
    (broken.kernels as Map<string, typeof exp>).set('Exp', { ...exp, run: (b: never, i: never, a: never, o: never) => full.kernels.get('Neg')!.run(b, i, a, o) });
    const msg = await compareBackends((x) => x!.exp(), [{ shape: [3] }], broken, reference);
    expect(msg).toMatch(/^output 'out': 3 of 3 elements differ/);
  });
});
