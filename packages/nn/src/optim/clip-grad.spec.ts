// clipGradNorm: 2-, 1- and max-norms, the non-finite guard, and the async twin.
import { describe, expect, it } from 'vitest';
import { keep, memory, tensor } from '@crossmodal/tensor';
import { Parameter } from '../parameter.ts';
import { clipGradNorm, clipGradNormAsync } from './clip-grad.ts';

function params(...grads: number[][]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(tensor(g.map(() => 0)));
    p.grad = keep(tensor(g));
    return p;
  });
}
const grads = (ps: Parameter[]): number[][] => ps.map((p) => Array.from(p.grad!.dataSync()));
const dispose = (ps: Parameter[]): void => ps.forEach((p) => p.dispose());

describe('clipGradNorm', () => {
  it('scales every gradient by maxNorm / total 2-norm and returns the total norm', () => {
    const ps = params([3, 0], [0, 4]); // total norm 5
    const before = memory();
    expect(clipGradNorm(ps, 1)).toBeCloseTo(5, 6);
    const [g0, g1] = grads(ps);
    expect(g0![0]).toBeCloseTo(0.6, 5);
    expect(g1![1]).toBeCloseTo(0.8, 5);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().storages).toBe(before.storages);
    dispose(ps);
  });

  it('leaves gradients alone under the limit and skips parameters without one', () => {
    const ps = params([0.3, 0.4]);
    const none = new Parameter(tensor([1]));
    expect(clipGradNorm([...ps, none], 1)).toBeCloseTo(0.5, 6);
    expect(grads(ps)[0]![0]).toBeCloseTo(0.3, 6);
    expect(clipGradNorm([none], 1)).toBe(0);
    dispose([...ps, none]);
  });

  it('supports the 1-norm and the max norm', () => {
    const a = params([1, -2], [3]);
    expect(clipGradNorm(a, 100, 1)).toBeCloseTo(6, 6);
    expect(clipGradNorm(a, 1.5, Infinity)).toBeCloseTo(3, 6);
    expect(grads(a)[1]![0]).toBeCloseTo(1.5, 5);
    expect(() => clipGradNorm(a, 1, 0)).toThrow('clipGradNorm: normType must be > 0 or Infinity, got 0');
    dispose(a);
  });

  it('throws on a NaN or infinite norm unless told not to', () => {
    const ps = params([1, Number.NaN]);
    expect(() => clipGradNorm(ps, 1)).toThrow(/clipGradNorm: the total 2-norm of the gradients is NaN; a gradient holds NaN or Infinity/);
    expect(clipGradNorm(ps, 1, 2, { errorIfNonfinite: false })).toBeNaN();
    const inf = params([Number.POSITIVE_INFINITY]);
    expect(() => clipGradNorm(inf, 1, Infinity)).toThrow(/is Infinity/);
    dispose([...ps, ...inf]);
  });

  it('rejects a maxNorm that is NaN, missing, infinite or negative, leaving the gradients alone', async () => {
    const ps = params([3, 4]);
    for (const bad of [Number.NaN, undefined, -1, Infinity]) {
      const msg = `clipGradNorm: maxNorm must be a finite number >= 0, got ${String(bad)}`;
      expect(() => clipGradNorm(ps, bad as number)).toThrow(msg);
      await expect(clipGradNormAsync(ps, bad as number)).rejects.toThrow(msg.replace('clipGradNorm', 'clipGradNormAsync'));
    }
    expect(grads(ps)).toEqual([[3, 4]]);
    // 0 is a valid limit: every gradient becomes (almost) zero.
    clipGradNorm(ps, 0);
    expect(grads(ps)[0]!.every((v) => Math.abs(v) < 1e-6)).toBe(true);
    dispose(ps);
  });

  it('has an async twin for backends read asynchronously', async () => {
    const ps = params([3, 4]);
    await expect(clipGradNormAsync(ps, 2.5)).resolves.toBeCloseTo(5, 6);
    expect(grads(ps)[0]![1]).toBeCloseTo(2, 5);
    dispose(ps);
  });
});
