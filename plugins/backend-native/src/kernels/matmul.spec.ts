// Native MatMul against the CPU oracle on shapes OpenBLAS takes different paths for (many small
// batched matrices, one large one, broadcast batch axes, every transpose flag), and the addon's
// boundary checks: a wrong dtype, a detached buffer or a size mismatch is an Error naming the op.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, matmul, randn, setBackend, manualSeed, type Tensor } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;

/** The product on the native backend and on the oracle, from the same host data. */
function both(aShape: number[], bShape: number[], opts: { transA?: boolean; transB?: boolean } = {}): [Float32Array, Float32Array] {
  const cpu = createCpuBackend();
  const run = (on: typeof cpu | NonNullable<typeof native>): Float32Array => {
    const prev = setBackend(on);
    try {
      manualSeed(3);
      const [a, b]: Tensor[] = [randn(aShape), randn(bShape)];
      return matmul(a!, b!, opts).dataSync() as Float32Array;
    } finally {
      setBackend(prev);
    }
  };
  return [run(native!), run(cpu)];
}

describe.skipIf(!native)('native MatMul', () => {
  it.each([
    ['96 small batched matrices (the attention-score shape)', [96, 37, 16], [96, 16, 37], {}],
    ['one large matrix (OpenBLAS threads inside)', [300, 257], [257, 190], {}],
    ['broadcast batch axes', [2, 1, 5, 7], [3, 7, 6], {}],
    ['transposed operands without copies', [4, 9, 5], [4, 7, 9], { transA: true, transB: true }],
    ['a zero inner dimension gives zeros', [3, 0], [0, 4], {}],
  ] as const)('%s', (_, aShape, bShape, opts) => {
    const [got, want] = both([...aShape], [...bShape], opts);
    expect(got.length).toBe(want.length);
    expect(allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, { atol: 1e-4, rtol: 1e-4 })).toBeNull();
  });

  const f = (n: number): Float32Array => new Float32Array(n);
  const offs = (...xs: number[]): Int32Array => Int32Array.from(xs);
  it.each([
    ['a wrong dtype', () => native!.addon.matmul(new Int32Array(4) as unknown as Float32Array, f(4), f(4), offs(0), offs(0), 2, 2, 2, false, false), 'native MatMul: a must be a Float32Array'],
    ['a detached buffer', () => {
      const a = f(4);
      const buf = a.buffer as ArrayBuffer;
      structuredClone(buf, { transfer: [buf] });
      native!.addon.matmul(a, f(4), f(4), offs(0), offs(0), 2, 2, 2, false, false);
    }, 'native MatMul: a is a detached buffer'],
    ['an output of the wrong size', () => native!.addon.matmul(f(4), f(4), f(3), offs(0), offs(0), 2, 2, 2, false, false), 'native MatMul: out has 3 elements, expected 4'],
    ['an operand too small for its batch offset', () => native!.addon.matmul(f(4), f(8), f(8), offs(0, 2), offs(0, 4), 2, 2, 2, false, false), 'native MatMul: a is too small for batch 1 of 2x2'],
    ['a missing argument', () => (native!.addon.matmul as unknown as (...a: unknown[]) => void)(f(4), f(4)), 'native MatMul: expected 10 arguments, got 2'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
