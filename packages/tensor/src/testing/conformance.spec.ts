// The conformance suite run against the oracle's own composites: a backend that has only the
// primitive kernels, so every fused op (softmax, layer norm, attention, GELU, dropout…) runs its
// composite and must match the oracle's fused kernel, forward and gradients. Only the cases that
// run a fused op are compared here: in the others both sides run the same kernels.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, tensor, type Backend, type Tensor } from '../index.ts';
import { allOps, compareBackends, conformanceCases, cpuWithoutKernels, expectAllClose, makeInputs, opsWithoutKernel } from './index.ts';

const FUSED = ['Softmax', 'LogSoftmax', 'SoftmaxGrad', 'LayerNorm', 'LayerNormGrad', 'Attention', 'AttentionGrad', 'Gelu', 'GeluGrad', 'AdamStep', 'Dropout'];
const reference = createCpuBackend();
const full = createCpuBackend();
const compositeOnly = cpuWithoutKernels(...FUSED);
/** The cases compared here: those that run a fused op (the other backends run every case). */
const compared = conformanceCases.filter((c) => c.ops.some((op) => FUSED.includes(op)));

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

  it('lists as fused every op that has a composite', () => {
    const withComposite = [...allOps.values()].filter((op) => (op as { composite?: unknown }).composite).map((op) => op.name);
    expect([...FUSED].sort()).toEqual(withComposite.sort());
  });

  it('compares only cases that run a composite, and each composite in at least one', () => {
    for (const c of compared) expect(c.ops.some((op) => !compositeOnly.kernels.has(op)), c.name).toBe(true);
    expect(FUSED.filter((op) => !compared.some((c) => c.ops.includes(op)))).toEqual([]);
  });

  it.each(compared.map((c) => [c.name, c] as const))('%s: composites match the fused oracle kernels', async (_, c) => {
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

describe("conformance cases for LayerNorm's eps, on the reference", () => {
  type Stats = { out: Tensor; mean: Tensor; rstd: Tensor };
  /** Runs a named case on the reference with the inputs compareBackends makes for seed 3. */
  const runCase = (name: string): { data: number[][]; r: Stats } => {
    const c = conformanceCases.find((k) => k.name === name);
    if (!c) throw new Error(`no conformance case '${name}'`);
    const data = makeInputs(c.inputs, 3);
    const xs = data.map((d, i) => tensor(d, c.inputs[i]!.shape, { backend: reference, dtype: c.inputs[i]!.kind === 'int' ? 'int32' : 'float32' }));
    return { data: data.map((d) => Array.from(d)), r: c.run(...xs) as Stats };
  };

  it('constant rows: out is the bias and rstd is 1/√ε', () => {
    const { data, r } = runCase('layerNorm eps constant rows');
    const [rows, , bias] = data as [number[], number[], number[]];
    expectAllClose(r.out, { shape: [6, 32], data: rows.flatMap(() => bias) }, { atol: 1e-6, rtol: 0 });
    expect(Array.from(r.mean.dataSync())).toEqual(rows);
    expectAllClose(r.rstd, { shape: [6], data: rows.map(() => 1 / Math.sqrt(1e-3)) }, { atol: 0, rtol: 1e-6 });
  });

  it('low-variance rows: eps changes the output by far more than the tolerance', () => {
    const { data, r } = runCase('layerNorm eps low-variance rows');
    const [x, w, b] = data as [number[], number[], number[]];
    const d = 24;
    const norm = (eps: number): number[] =>
      Array.from({ length: x.length / d }, (_, i) => x.slice(i * d, (i + 1) * d).map((v) => Math.fround(v * Math.fround(1e-3)))).flatMap((row) => {
        const mu = row.reduce((s, v) => s + v, 0) / d;
        const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / d;
        return row.map((v, j) => ((v - mu) / Math.sqrt(variance + eps)) * w[j]! + b[j]!);
      });
    expectAllClose(r.out, { shape: [5, d], data: norm(1e-5) }, { atol: 1e-4, rtol: 1e-4 });
    const withoutEps = norm(0);
    const worst = Math.max(...Array.from(r.out.dataSync(), (v, i) => Math.abs(v - withoutEps[i]!)));
    expect(worst).toBeGreaterThan(0.1); // a thousand times the case's tolerance
  });
});
