// Scaled dot-product attention as one fused op (scores, mask, softmax, dropout, weighted sum) with
// a flash-attention-style backward op that recomputes the probabilities instead of saving them.
// Paper: https://arxiv.org/abs/1706.03762 (attention), https://arxiv.org/abs/2205.14135 (recompute)
import { defineOp, type TensorMeta } from '../op.ts';
import { broadcastShapes, fmt, ShapeError, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { Backend } from '../backend.ts';
import { runOp, runOpMulti, tidy } from '../engine.ts';
import { arange } from '../creation.ts';
import { add, less, mul } from './binary.op.ts';
import { expand } from './expand.op.ts';
import { matmul } from './matmul.op.ts';
import { reshape } from './reshape.op.ts';
import { where } from './where.op.ts';
import { Dropout, resolveSeed } from './dropout.op.ts';
import { Softmax, SoftmaxGrad, softmaxComposite } from './softmax.op.ts';

/** Attrs of Attention, all resolved (the user function fills the defaults). */
export interface AttentionAttrs {
  /** Multiplies q·kᵀ before the mask is applied (1/√Dh by default). */
  readonly scale: number;
  /** Query i attends keys j ≤ i + (Tk − Tq). */
  readonly causal: boolean;
  /** Dropout probability on the attention probabilities (0: none). */
  readonly dropoutP: number;
  /** u32 seed of the dropout mask (indexed by the flat position in [..., Tq, Tk]). */
  readonly seed: number;
  /** Whether the op also outputs `probs` (post-softmax, pre-dropout). */
  readonly returnProbs: boolean;
}

type AttnInputs = { q: Tensor; k: Tensor; v: Tensor; mask?: Tensor };
type AttnMetas = { q: TensorMeta; k: TensorMeta; v: TensorMeta; mask?: TensorMeta };

/** The sizes of an attention call: broadcast batch axes, query/key lengths and widths. */
export interface AttentionDims {
  readonly batch: Shape;
  readonly tq: number;
  readonly tk: number;
  readonly dh: number;
  readonly dv: number;
}

/** Checks q [..., Tq, Dh], k [..., Tk, Dh], v [..., Tk, Dv] and the mask; the error names every shape. */
export function attentionDims(name: string, { q, k, v, mask }: AttnMetas): AttentionDims {
  const all = `q ${fmt(q.shape)}, k ${fmt(k.shape)}, v ${fmt(v.shape)}${mask ? `, mask ${fmt(mask.shape)}` : ''}`;
  for (const [what, t] of [['q', q], ['k', k], ['v', v]] as const) {
    if (t.dtype !== 'float32') throw new TypeError(`${name}: ${what} must be float32, got ${t.dtype} (${all})`);
    if (t.shape.length < 2) throw new ShapeError(`${name}: ${what} needs rank >= 2 ([..., T, D]); got ${all}`);
  }
  const [tq, dh] = q.shape.slice(-2) as [number, number];
  const [tk, dk] = k.shape.slice(-2) as [number, number];
  const [tv, dv] = v.shape.slice(-2) as [number, number];
  if (dk !== dh || tv !== tk) throw new ShapeError(`${name}: expected q [..., Tq, Dh], k [..., Tk, Dh], v [..., Tk, Dv]; got ${all}`);
  const qkv = broadcastShapes(`${name} (batch axes)`, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
  if (!mask) return { batch: qkv, tq, tk, dh, dv };
  const scores = broadcastShapes(`${name} (mask against scores [..., ${tq}, ${tk}])`, [...qkv, tq, tk], mask.shape);
  if (scores.at(-2) !== tq || scores.at(-1) !== tk) {
    throw new ShapeError(`${name}: mask must broadcast to [..., ${tq}, ${tk}]; got ${all}`);
  }
  return { batch: scores.slice(0, -2), tq, tk, dh, dv };
}

/** Int32 [Tq, Tk]: 1 where query i may attend key j (j ≤ i + Tk − Tq), 0 in its future. */
function causalKeep(tq: number, tk: number, backend: Backend): Tensor {
  const j = reshape(arange(0, tk, 1, { backend }), [1, tk]);
  const i = reshape(arange(0, tq, 1, { backend }), [tq, 1]);
  return less(j, add(i, tk - tq + 1));
}

/** Masked, scaled scores [...batch, Tq, Tk]: scale·q·kᵀ, plus a float mask / −∞ where an int mask is 0. */
function scores(q: Tensor, k: Tensor, mask: Tensor | undefined, a: AttentionAttrs, dims: AttentionDims): Tensor {
  let s = mul(matmul(q, k, { transB: true }), a.scale);
  if (mask) s = mask.dtype === 'int32' ? where(mask, s, Number.NEGATIVE_INFINITY) : add(s, mask);
  if (a.causal) s = where(causalKeep(dims.tq, dims.tk, q.backend), s, Number.NEGATIVE_INFINITY);
  const full = [...dims.batch, dims.tq, dims.tk];
  // v may broadcast the batch further; the dropout mask is indexed over the full shape.
  return fmt(s.shape) === fmt(full) ? s : expand(s, full);
}

const dropoutOf = (p: Tensor, a: AttentionAttrs): Tensor =>
  a.dropoutP > 0 ? runOp(Dropout, { x: p }, { p: a.dropoutP, seed: a.seed }) : p;

/** The forward in other ops; `soft` is the fused Softmax op or its composite in primitives. */
function attend(inputs: AttnInputs, a: AttentionAttrs, soft: (s: Tensor) => Tensor): { out: Tensor; probs: Tensor } {
  const { q, k, v, mask } = inputs;
  const probs = soft(scores(q, k, mask, a, attentionDims('attention', inputs)));
  return { out: matmul(dropoutOf(probs, a), v), probs };
}

/** out = dropout(softmax(scale·q·kᵀ + mask))·v over the last two axes; `probs` on request. */
export const Attention = defineOp<AttnInputs, AttentionAttrs, 'out' | 'probs'>({
  name: 'Attention',
  inputs: ['q', 'k', 'v', 'mask'],
  outputs: ['out', 'probs'],
  inferShape(inputs, { returnProbs }) {
    const { batch, tq, tk, dv } = attentionDims('Attention', inputs);
    return { out: [...batch, tq, dv], ...(returnProbs ? { probs: [...batch, tq, tk] } : {}) };
  },
  grad: (dy, { q, k, v, mask }, { attrs, needs }) => {
    // One AttentionGrad serves every input: the engine runs a node's thunks in one scope.
    const want = { dq: needs['q'] === true, dk: needs['k'] === true, dv: needs['v'] === true, dmask: needs['mask'] === true };
    const { returnProbs: _, ...rest } = attrs;
    let r: { dq?: Tensor; dk?: Tensor; dv?: Tensor; dmask?: Tensor } | undefined;
    const get = () => (r ??= runOpMulti(AttentionGrad, { q, k, v, dOut: dy, mask }, { ...rest, ...want }));
    return { q: () => get().dq!, k: () => get().dk!, v: () => get().dv!, mask: () => get().dmask! };
  },
  composite: (inputs, attrs) => {
    const { out, probs } = attend(inputs, attrs, (s) => runOp(Softmax, { x: s }, { axis: s.rank - 1 }));
    return attrs.returnProbs ? { out, probs } : { out };
  },
});

/** Attrs of AttentionGrad: the forward's attrs plus which gradients to produce. */
export interface AttentionGradAttrs extends Omit<AttentionAttrs, 'returnProbs'> {
  /** d/dq, shape [...batch, Tq, Dh]. */
  readonly dq: boolean;
  /** d/dk, shape [...batch, Tk, Dh]. */
  readonly dk: boolean;
  /** d/dv, shape [...batch, Tk, Dv]. */
  readonly dv: boolean;
  /** d/d(float additive mask), e.g. a learned relative-position bias. */
  readonly dmask: boolean;
}

type AttnGradInputs = AttnInputs & { dOut: Tensor };

/**
 * The attention backward, recomputing P = softmax(S) from q, k and the mask:
 * dV = P̃ᵀ·dO (P̃ the dropped-out P), dP̃ = dO·Vᵀ, dP = dropout(dP̃) with the same seed,
 * dS = P·(dP − Σ dP·P), dQ = scale·dS·K, dK = scale·dSᵀ·Q, dMask = dS. Outputs have the broadcast
 * batch shape (the engine sums them to each input's shape). Not differentiable itself.
 */
export const AttentionGrad = defineOp<AttnGradInputs, AttentionGradAttrs, 'dq' | 'dk' | 'dv' | 'dmask'>({
  name: 'AttentionGrad',
  inputs: ['q', 'k', 'v', 'dOut', 'mask'],
  outputs: ['dq', 'dk', 'dv', 'dmask'],
  inferShape(inputs, want) {
    const { batch, tq, tk, dh, dv } = attentionDims('AttentionGrad', inputs);
    if (fmt(inputs.dOut.shape) !== fmt([...batch, tq, dv])) {
      throw new ShapeError(`AttentionGrad: dOut ${fmt(inputs.dOut.shape)} must match out ${fmt([...batch, tq, dv])}`);
    }
    if (want.dmask && inputs.mask?.dtype !== 'float32') throw new TypeError('AttentionGrad: dmask needs a float32 additive mask');
    return {
      ...(want.dq ? { dq: [...batch, tq, dh] } : {}),
      ...(want.dk ? { dk: [...batch, tk, dh] } : {}),
      ...(want.dv ? { dv: [...batch, tk, dv] } : {}),
      ...(want.dmask ? { dmask: [...batch, tq, tk] } : {}),
    };
  },
  composite: ({ q, k, v, dOut, mask }, a) => {
    const fwd = { ...a, returnProbs: false };
    const s = scores(q, k, mask, fwd, attentionDims('AttentionGrad', { q, k, v, mask }));
    const axis = { axis: s.rank - 1 };
    const p = runOp(Softmax, { x: s }, axis); // [..., Tq, Tk], recomputed
    const dp = dropoutOf(matmul(dOut, v, { transB: true }), fwd); // dP̃ = dO·Vᵀ through the same mask
    const ds = runOp(SoftmaxGrad, { y: p, dy: dp }, axis); // d(scale·q·kᵀ + mask)
    const dsScaled = a.dq || a.dk ? mul(ds, a.scale) : undefined;
    return {
      ...(a.dq ? { dq: matmul(dsScaled!, k) } : {}),
      ...(a.dk ? { dk: matmul(dsScaled!, q, { transA: true }) } : {}),
      ...(a.dv ? { dv: matmul(dropoutOf(p, fwd), dOut, { transA: true }) } : {}),
      ...(a.dmask ? { dmask: ds } : {}),
    };
  },
});

/** Options of `scaledDotProductAttention` and `attentionComposite`. */
export interface AttentionOptions {
  /**
   * Float32: an additive mask (0 to attend, −∞ or a large negative number to mask) broadcastable to
   * [..., Tq, Tk]. Int32: a boolean mask where NON-ZERO means KEEP (attend) and 0 means masked,
   * the convention of Hugging Face's `attention_mask` (reshape a [B, Tk] key-padding mask to
   * [B, 1, 1, Tk]). NOTE: the opposite of PyTorch's `key_padding_mask`, where true means masked.
   */
  mask?: Tensor;
  /** Multiplies q·kᵀ; default 1/√Dh. */
  scale?: number;
  /** Query i attends only keys j ≤ i + (Tk − Tq) (aligned at the end, as for a KV cache). */
  causal?: boolean;
  /** Dropout on the probabilities, in [0, 1); default 0 (pass 0 at evaluation). */
  dropoutP?: number;
  /** u32 seed of the dropout mask; drawn from the global generator when omitted. */
  seed?: number;
  /** Also return the probabilities [..., Tq, Tk] (post-softmax, pre-dropout). */
  returnProbs?: boolean;
}

/** What attention returns: the output [..., Tq, Dv] and, on request, the probabilities. */
export type AttentionResult = {
  readonly out: Tensor;
  readonly probs?: Tensor;
};

function resolveAttrs(what: string, q: Tensor, opts: AttentionOptions): AttentionAttrs {
  const { scale = 1 / Math.sqrt(q.shape.at(-1) ?? 1), causal = false, dropoutP = 0, returnProbs = false } = opts;
  if (!(dropoutP >= 0 && dropoutP < 1)) throw new RangeError(`${what}: dropoutP must be in [0, 1), got ${dropoutP}`);
  if (!Number.isFinite(scale)) throw new RangeError(`${what}: scale must be finite, got ${scale}`);
  const seed = dropoutP > 0 ? resolveSeed(what, opts.seed) : 0;
  return { scale, causal, dropoutP, seed, returnProbs };
}

/**
 * softmax(scale·q·kᵀ + mask)·v with q [..., Tq, Dh], k [..., Tk, Dh], v [..., Tk, Dv]; leading
 * axes broadcast (typically [B, H]). A query row whose keys are all masked gets probabilities 0
 * and output 0 (PyTorch gives NaN), so padding rows do not poison a batch. The backward
 * recomputes the probabilities (nothing of size Tq·Tk is saved).
 * @example
 * const { out, probs } = scaledDotProductAttention(q, k, v, { mask: keep, returnProbs: true }); // keep: int32 [B, 1, 1, Tk]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): AttentionResult {
  const attrs = resolveAttrs('scaledDotProductAttention', q, opts);
  const r = runOpMulti(Attention, { q, k, v, mask: opts.mask }, attrs);
  return attrs.returnProbs ? { out: r.out!, probs: r.probs! } : { out: r.out! };
}

/**
 * The same computation as `scaledDotProductAttention`, built from primitives (matmul, mul, add,
 * where, max, exp, sum, div, Dropout) with autograd through each: the reference the fused op and
 * its backward are checked against. Same seed, same dropout mask.
 */
export function attentionComposite(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): AttentionResult {
  const attrs = resolveAttrs('attentionComposite', q, opts);
  return tidy(() => {
    const { out, probs } = attend({ q, k, v, mask: opts.mask }, attrs, (s) => softmaxComposite(s, -1));
    return attrs.returnProbs ? { out, probs } : { out };
  });
}
