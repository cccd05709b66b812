// CPU oracle matmul: a triple loop per batch with double-precision accumulation.
import { defineKernel } from '../../backend.ts';
import { MatMul } from '../../ops/matmul.op.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';
import { broadcastIndex } from '../indexing.ts';

export const matmulKernel = defineKernel(MatMul, CPU, (_: CpuBackend, { a, b }, { transA, transB }, outs) => {
  const o = outs.out!;
  const m = o.shape.at(-2)!;
  const n = o.shape.at(-1)!;
  const k = transA ? a.shape.at(-2)! : a.shape.at(-1)!;
  const batch = o.shape.slice(0, -2);
  // Which matrix of a and b each output batch element reads (broadcast batch axes).
  const ia = broadcastIndex(batch, a.shape.slice(0, -2));
  const ib = broadcastIndex(batch, b.shape.slice(0, -2));
  const out = new Float32Array(o.size);
  const A = a.storage.data;
  const B = b.storage.data;
  // Strides of op(A) over (row i, inner p) and of op(B) over (inner p, column j), as stored.
  const [ai, ap] = transA ? [1, m] : [k, 1];
  const [bp, bj] = transB ? [1, k] : [n, 1];
  for (let t = 0; t < ia.length; t++) {
    const baseA = ia[t]! * m * k;
    const baseB = ib[t]! * k * n;
    const baseO = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        let offA = baseA + i * ai;
        let offB = baseB + j * bj;
        for (let p = 0; p < k; p++, offA += ap, offB += bp) acc += A[offA]! * B[offB]!;
        out[baseO + i * n + j] = acc;
      }
    }
  }
  return new CpuStorage(out);
});
