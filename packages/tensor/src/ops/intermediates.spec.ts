// Composite entry points (mean, sumTo, 1-D matmul, rank-0 softmax) dispose their intermediates:
// only the output stays alive, and with requires-grad inputs the graph's saved handles all go
// once the output and inputs are disposed, with or without a backward pass.
import { describe, expect, it } from 'vitest';
import { logSoftmax, matmul, mean, memory, softmax, sumTo, tensor, type Tensor } from '../index.ts';

type Case = [name: string, inputs: () => Tensor[], fn: (...xs: Tensor[]) => Tensor];
const cases: Case[] = [
  ['mean over all axes', () => [tensor([[1, 2], [3, 4]])], (x) => mean(x!)],
  ['mean over one axis', () => [tensor([[1, 2], [3, 4]])], (x) => mean(x!, 1, true)],
  ['sumTo a broadcast shape', () => [tensor([[1, 2], [3, 4]])], (x) => sumTo(x!, [1, 2])],
  ['matmul vector · matrix', () => [tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])], (a, b) => matmul(a!, b!)],
  ['matmul matrix · vector', () => [tensor([[1, 2], [3, 4]]), tensor([5, 6])], (a, b) => matmul(a!, b!)],
  ['matmul vector · vector', () => [tensor([1, 2]), tensor([3, 4])], (a, b) => matmul(a!, b!)],
  ['softmax of a scalar', () => [tensor(2)], (x) => softmax(x!)],
  ['logSoftmax of a scalar', () => [tensor(2)], (x) => logSoftmax(x!)],
];

const counts = () => {
  const m = memory();
  return { tensors: m.tensors, savedTensors: m.savedTensors };
};

describe.each(cases)('%s', (_, inputs, fn) => {
  it('leaves only its output alive', () => {
    const xs = inputs();
    const before = memory().tensors;
    const y = fn(...xs);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
    for (const x of xs) x.dispose();
  });

  it('frees every saved handle of requires-grad inputs once output and inputs are disposed', () => {
    const start = counts();
    const xs = inputs().map((x) => x.requireGrad());
    const y = fn(...xs);
    expect(memory().savedTensors).toBeGreaterThan(start.savedTensors);
    y.dispose();
    for (const x of xs) x.dispose();
    expect(counts()).toEqual(start);
  });

  it('frees everything after a backward pass', () => {
    const start = counts();
    const xs = inputs().map((x) => x.requireGrad());
    const y = fn(...xs);
    const loss = y.sum();
    loss.backward();
    for (const x of xs) expect(x.grad?.shape).toEqual(x.shape);
    for (const t of [loss, y, ...xs]) t.dispose();
    expect(counts()).toEqual(start);
  });
});
