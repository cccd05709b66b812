// MatMul on OpenBLAS: batch and broadcast in offsets, transposes as BLAS flags (no copies).
import { defineKernel, MatMul } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable, batchOffsets } from './strides.ts';

export const matmulKernel = defineKernel(MatMul, NATIVE, (be: NativeBackend, { a, b }, { transA, transB }, outs) => {
  const o = outs.out!;
  const m = o.shape.at(-2)!;
  const n = o.shape.at(-1)!;
  const k = transA ? a.shape.at(-2)! : a.shape.at(-1)!;
  assertIndexable('MatMul', a.size, b.size, o.size);
  const batch = o.shape.slice(0, -2);
  // sgemm with beta = 0 writes every element (and the addon zeroes the output itself when k = 0).
  const offsA = batchOffsets(batch, a.shape.slice(0, -2), m * k);
  const offsB = batchOffsets(batch, b.shape.slice(0, -2), k * n);
  const out = be.outUninitialized(o);
  releaseOnThrow(be, [out], () =>
    be.addon.matmul(a.storage.data as Float32Array, b.storage.data as Float32Array, out.data as Float32Array, offsA, offsB, m, n, k, transA, transB));
  return out;
});
