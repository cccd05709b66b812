// CPU oracle kernels for the neural-network ops (softmax family, layer norm, dropout, attention):
// one row at a time in double precision, rounded to float32 on store.
import type { AnyKernel } from '../../backend.ts';
import { defineKernel } from '../../backend.ts';
import { LayerNorm, LayerNormGrad } from '../../ops/layer-norm.op.ts';
import { LogSoftmax, Softmax } from '../../ops/softmax.op.ts';
import { Dropout, dropoutScale } from '../../ops/dropout.op.ts';
import { dropoutKeeps } from '../../random.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';
import { broadcastIndex, reductionPlan } from '../indexing.ts';
import { Attention, type AttentionAttrs } from '../../ops/attention.op.ts';

/** Softmax of one row in place; a row of only −∞ becomes zeros (see `softmax`), NaN propagates. */
function softmaxRow(row: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of row) m = Number.isNaN(m) || Number.isNaN(v) ? Number.NaN : Math.max(m, v);
  if (m === Number.NEGATIVE_INFINITY) return void row.fill(0);
  let s = 0;
  for (let j = 0; j < row.length; j++) s += row[j] = Math.exp(row[j]! - m);
  for (let j = 0; j < row.length; j++) row[j] = row[j]! / s;
}

/** log-softmax of one row in place; a row of only −∞ stays −∞ (see `logSoftmax`). */
function logSoftmaxRow(row: Float64Array): void {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of row) m = Number.isNaN(m) || Number.isNaN(v) ? Number.NaN : Math.max(m, v);
  if (m === Number.NEGATIVE_INFINITY) return;
  let s = 0;
  for (const v of row) s += Math.exp(v - m);
  const lse = m + Math.log(s);
  for (let j = 0; j < row.length; j++) row[j] = row[j]! - lse;
}

/** Applies `f` to every row of x along `axis` (rows gathered through the reduction plan). */
const rowwise = (op: typeof Softmax, f: (row: Float64Array) => void) =>
  defineKernel(op, CPU, (_: CpuBackend, { x }, { axis }) => {
    const { outer, inner } = reductionPlan(x.shape, [axis]);
    const src = x.storage.data;
    const out = new Float32Array(x.size);
    const row = new Float64Array(inner.length);
    for (let i = 0; i < outer.length; i++) {
      for (let j = 0; j < inner.length; j++) row[j] = src[outer[i]! + inner[j]!]!;
      f(row);
      for (let j = 0; j < inner.length; j++) out[outer[i]! + inner[j]!] = row[j]!;
    }
    return new CpuStorage(out);
  });

const layerNormKernel = defineKernel(LayerNorm, CPU, (_: CpuBackend, { x, weight, bias }, { eps }) => {
  const d = x.shape.at(-1)!;
  // Rows are the leading axes; an empty row (D = 0) gets mean 0 and rstd 0, as the GPU kernels give.
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const src = x.storage.data;
  const w = weight?.storage.data;
  const b = bias?.storage.data;
  const out = new Float32Array(x.size);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    if (d === 0) continue;
    let mu = 0;
    for (let j = 0; j < d; j++) mu += src[base + j]!;
    mu /= d;
    let variance = 0; // biased (÷D), as PyTorch's layer_norm
    for (let j = 0; j < d; j++) variance += (src[base + j]! - mu) ** 2;
    const rs = 1 / Math.sqrt(variance / d + eps);
    for (let j = 0; j < d; j++) out[base + j] = (src[base + j]! - mu) * rs * (w ? w[j]! : 1) + (b ? b[j]! : 0);
    mean[r] = mu;
    rstd[r] = rs;
  }
  return { out: new CpuStorage(out), mean: new CpuStorage(mean), rstd: new CpuStorage(rstd) };
});

const layerNormGradKernel = defineKernel(LayerNormGrad, CPU, (_: CpuBackend, { dy, x, mean, rstd, weight }, want) => {
  const d = x.shape.at(-1)!;
  const rows = d === 0 ? 0 : x.size / d;
  const [g, xs, mu, rs] = [dy.storage.data, x.storage.data, mean.storage.data, rstd.storage.data];
  const w = weight?.storage.data;
  const dx = new Float32Array(x.size);
  const dw = new Float64Array(d);
  const db = new Float64Array(d);
  const xhat = new Float64Array(d);
  const dxhat = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const base = r * d;
    let meanG = 0;
    let meanGX = 0;
    for (let j = 0; j < d; j++) {
      xhat[j] = (xs[base + j]! - mu[r]!) * rs[r]!;
      dxhat[j] = g[base + j]! * (w ? w[j]! : 1);
      meanG += dxhat[j]! / d;
      meanGX += (dxhat[j]! * xhat[j]!) / d;
      dw[j] = dw[j]! + g[base + j]! * xhat[j]!;
      db[j] = db[j]! + g[base + j]!;
    }
    for (let j = 0; j < d; j++) dx[base + j] = rs[r]! * (dxhat[j]! - meanG - xhat[j]! * meanGX);
  }
  return {
    ...(want.dx ? { dx: new CpuStorage(dx) } : {}),
    ...(want.dweight ? { dweight: new CpuStorage(Float32Array.from(dw)) } : {}),
    ...(want.dbias ? { dbias: new CpuStorage(Float32Array.from(db)) } : {}),
  };
});

const dropoutKernel = defineKernel(Dropout, CPU, (_: CpuBackend, { x }, { p, seed }) => {
  const scale = dropoutScale(p);
  const src = x.storage.data;
  const out = new Float32Array(x.size);
  // x·mask (not a select): a dropped −x gives −0 and a dropped NaN stays NaN, as x·mask does in PyTorch.
  for (let i = 0; i < out.length; i++) out[i] = src[i]! * (dropoutKeeps(seed, i, p) ? scale : 0);
  return new CpuStorage(out);
});

type Input = { readonly storage: CpuStorage; readonly shape: readonly number[]; readonly dtype: string };

/** Scores of query row i of batch element t into `row`: scale·q·kᵀ, then the mask, then causality. */
function scoreRow(row: Float64Array, t: number, i: number, ctx: AttentionCtx): void {
  const { q, k, dh, tq, tk, iq, ik, im, mask, a } = ctx;
  const qBase = (iq[t]! * tq + i) * dh;
  for (let j = 0; j < tk; j++) {
    const kBase = (ik[t]! * tk + j) * dh;
    let acc = 0;
    for (let c = 0; c < dh; c++) acc += q[qBase + c]! * k[kBase + c]!;
    let s = a.scale * acc;
    if (mask && im) {
      const m = mask.storage.data[im[(t * tq + i) * tk + j]!]!;
      s = mask.dtype === 'int32' ? (m !== 0 ? s : Number.NEGATIVE_INFINITY) : s + m;
    }
    if (a.causal && j > i + tk - tq) s = Number.NEGATIVE_INFINITY;
    row[j] = s;
  }
}

interface AttentionCtx {
  readonly q: Float32Array | Int32Array;
  readonly k: Float32Array | Int32Array;
  readonly mask: Input | undefined;
  readonly iq: Int32Array;
  readonly ik: Int32Array;
  readonly im: Int32Array | undefined;
  readonly dh: number;
  readonly tq: number;
  readonly tk: number;
  readonly a: AttentionAttrs;
}

const attentionKernel = defineKernel(Attention, CPU, (_: CpuBackend, { q, k, v, mask }, a, outs) => {
  const o = outs.out!;
  const [tq, dv] = o.shape.slice(-2) as [number, number];
  const [tk, dh] = k.shape.slice(-2) as [number, number];
  const batch = o.shape.slice(0, -2);
  const ctx: AttentionCtx = {
    q: q.storage.data, k: k.storage.data, mask, dh, tq, tk, a,
    iq: broadcastIndex(batch, q.shape.slice(0, -2)),
    ik: broadcastIndex(batch, k.shape.slice(0, -2)),
    im: mask ? broadcastIndex([...batch, tq, tk], mask.shape) : undefined,
  };
  const iv = broadcastIndex(batch, v.shape.slice(0, -2));
  const vs = v.storage.data;
  const out = new Float32Array(o.size);
  const probs = outs.probs ? new Float32Array(outs.probs.size) : undefined;
  const row = new Float64Array(tk);
  const keepScale = a.dropoutP > 0 ? dropoutScale(a.dropoutP) : 1;
  for (let t = 0; t < iv.length; t++) {
    for (let i = 0; i < tq; i++) {
      scoreRow(row, t, i, ctx);
      softmaxRow(row);
      const pBase = (t * tq + i) * tk; // flat index into [...batch, Tq, Tk]: probs and the dropout mask
      if (probs) probs.set(row, pBase);
      // Dropout multiplies the float32-rounded probability by the float32 scale, like the composite.
      if (a.dropoutP > 0) for (let j = 0; j < tk; j++) row[j] = dropoutKeeps(a.seed, pBase + j, a.dropoutP) ? Math.fround(row[j]!) * keepScale : 0;
      for (let c = 0; c < dv; c++) {
        let acc = 0;
        for (let j = 0; j < tk; j++) acc += row[j]! * vs[(iv[t]! * tk + j) * dv + c]!;
        out[(t * tq + i) * dv + c] = acc;
      }
    }
  }
  return probs ? { out: new CpuStorage(out), probs: new CpuStorage(probs) } : { out: new CpuStorage(out) };
});

/** The NN kernels of the CPU oracle (SoftmaxGrad and AttentionGrad run their composites). */
export const nnKernels: readonly AnyKernel[] = [
  rowwise(Softmax, softmaxRow),
  rowwise(LogSoftmax, logSoftmaxRow),
  layerNormKernel,
  layerNormGradKernel,
  dropoutKernel,
  attentionKernel,
];
