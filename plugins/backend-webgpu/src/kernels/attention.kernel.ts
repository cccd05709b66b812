// WebGPU kernels of fused attention: the forward (online softmax; 4 query rows per invocation when
// Dh and Dv allow vec4, else one) and the backward in two passes (per query rows: dq, dmask; per
// keys: dk, dv). Where Dh and Dv allow vec4, the backward computes S and dP once into two
// [rows, Tk] scratch buffers and handles 4 rows or keys per invocation; otherwise (or when the
// scratch exceeds a binding) it recomputes P from q, k and the mask in each pass.
import { Attention, AttentionGrad, attentionDims, defineKernel } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { attentionMeta } from '../programs/attention-meta.ts';
import { attentionBlockProgram, attentionChunk, attentionProgram, type AttentionFlags } from '../programs/attention.program.ts';
import { attentionGradRowsProgram } from '../programs/attention-grad-rows.program.ts';
import { attentionGradKeysInputs, attentionGradKeysProgram } from '../programs/attention-grad-keys.program.ts';
import { attentionGradBlockKeysProgram, attentionGradBlockRowsProgram } from '../programs/attention-grad-block.program.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

const maskKind = (mask: { dtype: string } | undefined): AttentionFlags['mask'] => (!mask ? 'none' : mask.dtype === 'int32' ? 'i32' : 'f32');
/** Query rows per invocation of the register-blocked forward. */
const BLOCK_ROWS = 4;
/** Query rows (pass 1) and keys (pass 2) per invocation of the register-blocked backward. */
const GRAD_ROWS = 4;
const GRAD_KEYS = 4;
/** Whether Dh and Dv allow the vec4 register-blocked programs (both rows held in registers). */
const blockable = (d: { dh: number; dv: number }): boolean => d.dh % 4 === 0 && d.dv % 4 === 0 && d.dh >= 4 && d.dh <= 128 && d.dv >= 4 && d.dv <= 128;
const count = (batch: readonly number[]): number => batch.reduce((x, y) => x * y, 1);

const attentionKernel = defineKernel(Attention, WEBGPU, (b: WebGpuBackend, { q, k, v, mask }, attrs, outs) => {
  const d = attentionDims('Attention', { q, k, v, mask });
  const out = b.alloc(outs.out!.size * 4);
  const probs = attrs.returnProbs ? b.alloc(outs.probs!.size * 4) : undefined;
  const rows = count(d.batch) * d.tq;
  if (rows > 0) {
    const flags = { mask: maskKind(mask), dropout: attrs.dropoutP > 0, chunk: attentionChunk(d.dv) };
    const ins = [q.storage, k.storage, v.storage, ...(mask ? [mask.storage] : [])];
    const meta = attentionMeta(d, attrs, { q: q.shape, k: k.shape, v: v.shape, mask: mask?.shape });
    // vec4 q, k, v and several query rows per invocation where the widths allow (Dh ≤ 128 in registers).
    const block = blockable(d) && d.tk > 0;
    const program = block
      ? attentionBlockProgram({ ...flags, rows: BLOCK_ROWS, dchunk: attentionChunk(d.dh) }, probs !== undefined)
      : attentionProgram(flags, probs !== undefined);
    const invocations = block ? count(d.batch) * Math.ceil(d.tq / BLOCK_ROWS) : rows;
    b.run(program, ins, probs ? [out, probs] : [out], meta, dispatch1d(invocations));
  }
  const r: { out: GpuStorage; probs?: GpuStorage } = { out };
  if (probs) r.probs = probs;
  return r;
});

const attentionGradKernel = defineKernel(AttentionGrad, WEBGPU, (b: WebGpuBackend, { q, k, v, dOut, mask }, a, outs) => {
  const d = attentionDims('AttentionGrad', { q, k, v, mask });
  const r: { dq?: GpuStorage; dk?: GpuStorage; dv?: GpuStorage; dmask?: GpuStorage } = {};
  for (const name of ['dq', 'dk', 'dv', 'dmask'] as const) if (outs[name]) r[name] = b.alloc(outs[name].size * 4);
  const [rows, keyRows] = [count(d.batch) * d.tq, count(d.batch) * d.tk];
  const meta = attentionMeta(d, a, { q: q.shape, k: k.shape, v: v.shape, mask: mask?.shape });
  const base = { mask: maskKind(mask), dropout: a.dropoutP > 0 };
  const named: Record<string, GpuStorage> = { q: q.storage, k: k.storage, v: v.storage, dO: dOut.storage, ...(mask ? { mask: mask.storage } : {}) };
  // The blocked passes keep scores and dP in two [rows, Tk] scratch buffers, which must fit a binding.
  const scratch = rows * d.tk * 4;
  if (blockable(d) && rows > 0 && d.tk > 0 && scratch <= b.device.limits.maxStorageBufferBindingSize) {
    const f = { ...base, dchunk: attentionChunk(d.dh), vchunk: attentionChunk(d.dv) };
    const blockMeta = [count(d.batch), ...meta.slice(1)];
    const sds = r.dmask ?? b.alloc(scratch);
    const dpp = b.alloc(scratch);
    const ins = ['q', 'k', 'v', 'dO', ...(mask ? ['mask'] : [])].map((n) => named[n]!);
    const rowsProgram = attentionGradBlockRowsProgram({ ...f, rows: GRAD_ROWS }, a.dq);
    b.run(rowsProgram, ins, [sds, dpp, ...(r.dq ? [r.dq] : [])], blockMeta, dispatch1d(count(d.batch) * Math.ceil(d.tq / GRAD_ROWS)));
    if (a.dk || a.dv) {
      const keyIns = [...(a.dk ? [q.storage] : []), ...(a.dv ? [dOut.storage] : []), ...(a.dk ? [sds] : []), ...(a.dv ? [dpp] : [])];
      const keysProgram = attentionGradBlockKeysProgram({ ...f, rows: GRAD_KEYS }, { dk: a.dk, dv: a.dv });
      b.run(keysProgram, keyIns, [...(r.dk ? [r.dk] : []), ...(r.dv ? [r.dv] : [])], blockMeta, dispatch1d(count(d.batch) * Math.ceil(d.tk / GRAD_KEYS)));
    }
    if (!r.dmask) b.release(sds);
    b.release(dpp);
    return r;
  }
  // Pass 1 writes each row's softmax max, Σ and D = Σ dP·P, which pass 2 reads per query row.
  const stats = b.alloc(rows * 3 * 4);
  if (rows > 0) {
    const program = attentionGradRowsProgram({ ...base, chunk: attentionChunk(d.dh) }, { dq: a.dq, dmask: a.dmask });
    const ins = ['q', 'k', 'v', 'dO', ...(mask ? ['mask'] : [])].map((n) => named[n]!);
    b.run(program, ins, [stats, ...(r.dq ? [r.dq] : []), ...(r.dmask ? [r.dmask] : [])], meta, dispatch1d(rows));
  }
  if ((a.dk || a.dv) && keyRows > 0) {
    const want = { dk: a.dk, dv: a.dv, chunkK: attentionChunk(d.dh), chunkV: attentionChunk(d.dv) };
    const ins = attentionGradKeysInputs(base.mask, a.dk).map((n) => (n === 'stats' ? stats : named[n]!));
    const keyMeta = [keyRows, ...meta.slice(1)];
    b.run(attentionGradKeysProgram(base, want), ins, [...(r.dk ? [r.dk] : []), ...(r.dv ? [r.dv] : [])], keyMeta, dispatch1d(keyRows));
  }
  // Queue order keeps the recorded passes reading it before any later reuse of the buffer.
  b.release(stats);
  return r;
});

/** Attention and AttentionGrad on WebGPU. */
export const attentionKernels = [attentionKernel, attentionGradKernel] as const;
