// Name maps between MultiHeadAttention's state dict (q, k, v, proj) and the reference layouts:
// torch.nn.MultiheadAttention (in_proj_weight [3E, E], out_proj) and timm's fused `qkv`.
import { concat, fmt, ShapeError, slice, Tensor } from '@crossmodal/tensor';

/**
 * Splits a fused projection along axis 0 into its three equal parts [q; k; v] (weights
 * [3·E, in] or biases [3·E]). The parts are new tensors owned by the caller.
 */
export function splitQkv(fused: Tensor, what = 'splitQkv'): [Tensor, Tensor, Tensor] {
  const rows = fused.shape[0] ?? 0;
  if (fused.rank < 1 || rows % 3 !== 0) throw new ShapeError(`${what}: ${fmt(fused.shape)} does not split into 3 equal parts along axis 0`);
  const e = rows / 3;
  return [slice(fused, [0], [e]), slice(fused, [e], [2 * e]), slice(fused, [2 * e], [3 * e])];
}

/** Takes `key` out of `rest`, or throws naming the layout and the keys it has. */
function take(rest: Map<string, Tensor>, key: string, layout: string): Tensor {
  const t = rest.get(key);
  if (!t) throw new Error(`${layout}: missing '${key}' (keys: ${[...rest.keys()].join(', ') || 'none'})`);
  rest.delete(key);
  return t;
}

function rejectLeftovers(rest: Map<string, Tensor>, layout: string): void {
  if (rest.size) throw new Error(`${layout}: unsupported keys ${[...rest.keys()].join(', ')} (add_bias_kv and friends are not mapped)`);
}

/**
 * Maps a torch.nn.MultiheadAttention state dict (its own keys, no prefix) onto
 * MultiHeadAttention's: `in_proj_weight` rows [q; k; v] (or `q_proj_weight`, `k_proj_weight`,
 * `v_proj_weight` when kdim ≠ embed_dim) and `in_proj_bias` → `q.*`, `k.*`, `v.*`;
 * `out_proj.*` → `proj.*`. Pure: returns new tensors (the caller owns them), `sd` is untouched.
 * A `bias=False` layer has neither bias: load the result into a MultiHeadAttention built with
 * `{ qkvBias: false, projBias: false }`.
 * @example
 * attn.loadStateDict(fromTorchMultiheadAttention(decodeSafetensors(bytes).tensors));
 */
export function fromTorchMultiheadAttention(sd: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const layout = 'fromTorchMultiheadAttention';
  const rest = new Map(Object.entries(sd));
  const out: Record<string, Tensor> = {};
  if (rest.has('in_proj_weight')) {
    [out['q.weight'], out['k.weight'], out['v.weight']] = splitQkv(take(rest, 'in_proj_weight', layout), `${layout} (in_proj_weight)`);
  } else {
    for (const p of ['q', 'k', 'v']) out[`${p}.weight`] = new Tensor(take(rest, `${p}_proj_weight`, layout));
  }
  if (rest.has('in_proj_bias')) {
    [out['q.bias'], out['k.bias'], out['v.bias']] = splitQkv(take(rest, 'in_proj_bias', layout), `${layout} (in_proj_bias)`);
  }
  out['proj.weight'] = new Tensor(take(rest, 'out_proj.weight', layout));
  if (rest.has('out_proj.bias')) out['proj.bias'] = new Tensor(take(rest, 'out_proj.bias', layout));
  rejectLeftovers(rest, layout);
  return out;
}

/**
 * The inverse of `fromTorchMultiheadAttention` for a layer with kvDim = dim and H·Dh = dim:
 * `q/k/v.*` concatenated into `in_proj_weight` / `in_proj_bias`, `proj.*` → `out_proj.*`.
 * Returns new tensors owned by the caller.
 */
export function toTorchMultiheadAttention(sd: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const layout = 'toTorchMultiheadAttention';
  const rest = new Map(Object.entries(sd));
  const out: Record<string, Tensor> = {};
  const ws = ['q', 'k', 'v'].map((p) => take(rest, `${p}.weight`, layout));
  out['in_proj_weight'] = concat(ws, 0);
  if (rest.has('q.bias')) out['in_proj_bias'] = concat(['q', 'k', 'v'].map((p) => take(rest, `${p}.bias`, layout)), 0);
  out['out_proj.weight'] = new Tensor(take(rest, 'proj.weight', layout));
  if (rest.has('proj.bias')) out['out_proj.bias'] = new Tensor(take(rest, 'proj.bias', layout));
  rejectLeftovers(rest, layout);
  return out;
}

/**
 * Maps timm's Attention (`qkv.weight` [3·D, D] rows [q; k; v], `qkv.bias`, `proj.*`) onto
 * MultiHeadAttention's separate `q`, `k`, `v` (for a layer built without `fusedQkv`).
 * Returns new tensors owned by the caller.
 */
export function fromTimmAttention(sd: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const layout = 'fromTimmAttention';
  const rest = new Map(Object.entries(sd));
  const out: Record<string, Tensor> = {};
  [out['q.weight'], out['k.weight'], out['v.weight']] = splitQkv(take(rest, 'qkv.weight', layout), `${layout} (qkv.weight)`);
  if (rest.has('qkv.bias')) [out['q.bias'], out['k.bias'], out['v.bias']] = splitQkv(take(rest, 'qkv.bias', layout), `${layout} (qkv.bias)`);
  for (const key of ['proj.weight', 'proj.bias']) if (rest.has(key)) out[key] = new Tensor(take(rest, key, layout));
  rejectLeftovers(rest, layout);
  return out;
}
