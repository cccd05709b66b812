// Test helper shared by the optimizer specs (not a spec itself, so its tests are not duplicated).
import { expect } from 'vitest';
import { keep, tensor } from '@crossmodal/tensor';
import { Parameter } from '../parameter.ts';

/** Three steps on p = [1, −2] with fixed gradients; returns p after each step. */
export function threeSteps(make: (p: Parameter) => { step(): void; disposeState(): void }): number[][] {
  const grads = [[0.5, 1], [-1, 0.25], [2, -0.5]];
  const p = new Parameter(tensor([1, -2]));
  const opt = make(p);
  const out: number[][] = [];
  for (const g of grads) {
    p.grad?.dispose();
    p.grad = keep(tensor(g));
    opt.step();
    out.push(Array.from(p.dataSync()));
  }
  p.dispose();
  opt.disposeState();
  return out;
}

/** Element-wise closeness to 5 decimals. */
export function expectSteps(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
}

