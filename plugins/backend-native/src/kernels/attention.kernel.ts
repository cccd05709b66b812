// Native kernels: fused Attention (probabilities on request) and AttentionGrad (dq, dk, dv, dmask as
// wanted), both on OpenBLAS sgemms per batch matrix with the softmax in between.
import { Attention, AttentionGrad, attentionDims, defineKernel, type AnyKernel, type AttentionDims, type KernelInput, type Shape } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable, batchOffsets } from './strides.ts';

type In = KernelInput<NativeStorage>;
type Layout = [offsQ: Int32Array, offsK: Int32Array, offsV: Int32Array, offsM: Int32Array, tq: number, tk: number, dh: number, dv: number, msq: number, msk: number];

const f32 = (s: NativeStorage): Float32Array => s.data as Float32Array;
const f32Of = (s: NativeStorage | undefined): Float32Array | null => (s ? f32(s) : null);
const lead = (s: Shape): Shape => s.slice(0, -2);

/** Offsets of every batch matrix of q, k, v and the mask, and the mask's query/key strides. */
function layout(op: string, d: AttentionDims, q: In, k: In, v: In, mask: In | undefined): Layout {
  const rows = d.batch.reduce((a, b) => a * b, 1) * d.tq;
  assertIndexable(op, q.size, k.size, v.size, mask?.size ?? 0, rows * d.tk, rows * d.dv, rows * d.dh);
  const { batch, tq, tk, dh, dv } = d;
  let offsM: Int32Array = new Int32Array(0);
  let msq = 0;
  let msk = 0;
  if (mask) {
    // A mask of rank < 2 broadcasts over queries: view it as [..., 1, len].
    const ms = mask.shape.length >= 2 ? mask.shape : [...Array<number>(2 - mask.shape.length).fill(1), ...mask.shape];
    const [mq, mk] = ms.slice(-2) as [number, number];
    offsM = batchOffsets(batch, lead(ms), mq * mk);
    msq = mq === 1 ? 0 : mk;
    msk = mk === 1 ? 0 : 1;
  }
  return [batchOffsets(batch, lead(q.shape), tq * dh), batchOffsets(batch, lead(k.shape), tk * dh), batchOffsets(batch, lead(v.shape), tk * dv), offsM, tq, tk, dh, dv, msq, msk];
}

const attentionKernel = defineKernel(Attention, NATIVE, (be: NativeBackend, { q, k, v, mask }, a, outs) => {
  const d = attentionDims('Attention', { q, k, v, mask });
  const where = layout('Attention', d, q, k, v, mask); // checks the sizes before anything is allocated
  const out = be.out(outs.out!);
  const probs = outs.probs ? be.out(outs.probs) : undefined;
  releaseOnThrow(be, [out, probs], () =>
    be.addon.attention(f32(q.storage), f32(k.storage), f32(v.storage), mask ? (mask.storage.data as Float32Array | Int32Array) : null, f32(out), f32Of(probs),
      ...where, a.scale, a.causal, a.dropoutP, a.seed));
  return probs ? { out, probs } : { out };
});

const attentionGradKernel = defineKernel(AttentionGrad, NATIVE, (be: NativeBackend, { q, k, v, dOut, mask }, a, outs) => {
  const d = attentionDims('AttentionGrad', { q, k, v, mask });
  const where = layout('AttentionGrad', d, q, k, v, mask);
  const r: { dq?: NativeStorage; dk?: NativeStorage; dv?: NativeStorage; dmask?: NativeStorage } = {};
  for (const name of ['dq', 'dk', 'dv', 'dmask'] as const) if (outs[name]) r[name] = be.out(outs[name]);
  releaseOnThrow(be, [r.dq, r.dk, r.dv, r.dmask], () =>
    be.addon.attentionGrad(f32(q.storage), f32(k.storage), f32(v.storage), f32(dOut.storage), mask ? (mask.storage.data as Float32Array | Int32Array) : null,
      f32Of(r.dq), f32Of(r.dk), f32Of(r.dv), f32Of(r.dmask), ...where, a.scale, a.causal, a.dropoutP, a.seed));
  return r;
});

export const attentionKernels: readonly AnyKernel[] = [attentionKernel, attentionGradKernel];
