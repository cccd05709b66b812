// Checkpoint key maps for ViT: ours ARE timm's names, so timm checkpoints need no renaming;
// Hugging Face ViTModel / ViTForImageClassification names map onto them (query/key/value joined
// into timm's fused qkv), and composed runtime models nest the same keys under their parts.
import { concat, type Tensor } from '@crossmodal/tensor';

/** A state dict: tensors by dotted name. */
export type StateDict = Record<string, Tensor>;

/** One renaming: the source key(s) and the key they became (several sources when joined or split). */
export interface KeyMapping {
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** A converted state dict and how every key got there. */
export interface ConvertedStateDict {
  /** The converted tensors (sources renamed unchanged are the same Tensor objects). */
  readonly stateDict: StateDict;
  /**
   * The tensors the conversion made (joined qkv, split q/k/v): the caller owns them and disposes
   * them once loaded. `loadStateDict` shares their storage, so disposing them after the load frees
   * nothing the model uses, while a handle kept alive pins that storage after the model lets it go.
   */
  readonly created: readonly Tensor[];
  /** Every renaming, in source order. */
  readonly mapping: readonly KeyMapping[];
  /** Source keys with no counterpart, dropped on purpose (HF's pooler and mask token), with why. */
  readonly skipped: readonly string[];
}

/** A key that no rule of a conversion knows. */
export class WeightMappingError extends Error {
  override readonly name = 'WeightMappingError';
}

// HF names of one encoder layer → timm's (qkv handled apart: three sources, one target).
const HF_LAYER: readonly [string, string][] = [
  ['layernorm_before', 'norm1'],
  ['attention.output.dense', 'attn.proj'],
  ['layernorm_after', 'norm2'],
  ['intermediate.dense', 'mlp.fc1'],
  ['output.dense', 'mlp.fc2'],
];
const HF_TOP: readonly [string, string][] = [
  ['embeddings.cls_token', 'cls_token'],
  ['embeddings.position_embeddings', 'pos_embed'],
  ['embeddings.patch_embeddings.projection.weight', 'patch_embed.proj.weight'],
  ['embeddings.patch_embeddings.projection.bias', 'patch_embed.proj.bias'],
  ['layernorm.weight', 'norm.weight'],
  ['layernorm.bias', 'norm.bias'],
];
const HF_UNUSED = [/^pooler\./, /^embeddings\.mask_token$/];
const QKV = ['query', 'key', 'value'] as const;

/**
 * The LayerNorm epsilon each checkpoint family trains with: timm's ViTs use
 * `partial(nn.LayerNorm, eps=1e-6)`, Hugging Face's ViTConfig has `layer_norm_eps = 1e-12`.
 */
export const CHECKPOINT_LAYER_NORM_EPS: Readonly<Record<'timm' | 'hf', number>> = { timm: 1e-6, hf: 1e-12 };

/**
 * timm's representation layer (`pre_logits.fc.*` in the old ImageNet-21k checkpoints), which
 * timm's checkpoint_filter_fn drops; the reason goes in import reports.
 */
export const PRE_LOGITS = {
  test: (key: string): boolean => /^pre_logits\./.test(key),
  reason: "timm's representation layer (pre_logits), unused by the classifier; timm's checkpoint_filter_fn drops it too",
} as const;

/** True when the keys look like a Hugging Face ViT checkpoint (`[vit.]embeddings.…`). */
export const isHuggingFaceVit = (sd: Readonly<StateDict>): boolean =>
  Object.keys(sd).some((k) => /^(vit\.)?embeddings\.patch_embeddings\./.test(k));

/**
 * Hugging Face ViT names → ours (timm's). Accepts ViTModel keys (`embeddings.…`) and
 * ViTForImageClassification keys (`vit.embeddings.…`, `classifier.…` → `head.…`); per layer,
 * `attention.attention.{query,key,value}` are stacked into `attn.qkv` (rows [q; k; v]). The
 * pooler (ViTModel's, unused by ViT classifiers) and the mask token are skipped and listed.
 * Unknown keys throw a WeightMappingError listing them. The joined qkv tensors are new (`created`):
 * dispose them after loading.
 * @example
 * const { stateDict, created } = fromHuggingFaceVit(decodeSafetensors(bytes).tensors);
 * vit.loadStateDict(stateDict);
 * created.forEach((t) => t.dispose());   // the model keeps the storage it shares
 */
export function fromHuggingFaceVit(sd: Readonly<StateDict>): ConvertedStateDict {
  const out: StateDict = {};
  const mapping: KeyMapping[] = [];
  const skipped: string[] = [];
  const unknown: string[] = [];
  const qkv = new Map<string, Partial<Record<(typeof QKV)[number], string>>>(); // 'N.weight' → sources
  const put = (from: string[], to: string, value: Tensor): void => {
    out[to] = value;
    mapping.push({ from, to: [to] });
  };
  for (const [key, value] of Object.entries(sd)) {
    const k = key.replace(/^vit\./, '');
    const top = HF_TOP.find(([hf]) => hf === k);
    const layer = /^encoder\.layer\.(\d+)\.(.+)\.(weight|bias)$/.exec(k);
    const head = /^classifier\.(weight|bias)$/.exec(key);
    if (top) put([key], top[1], value);
    else if (head) put([key], `head.${head[1]}`, value);
    else if (HF_UNUSED.some((re) => re.test(k))) skipped.push(`${key} (no counterpart in timm's ViT)`);
    else if (layer) {
      const [n, part, kind] = [layer[1]!, layer[2]!, layer[3]!];
      const q = /^attention\.attention\.(query|key|value)$/.exec(part);
      const rule = HF_LAYER.find(([hf]) => hf === part);
      if (q) qkv.set(`${n}.${kind}`, { ...qkv.get(`${n}.${kind}`), [q[1] as (typeof QKV)[number]]: key });
      else if (rule) put([key], `blocks.${n}.${rule[1]}.${kind}`, value);
      else unknown.push(key);
    } else unknown.push(key);
  }
  if (unknown.length) throw new WeightMappingError(`fromHuggingFaceVit: no rule for ${unknown.length} key(s): ${unknown.join(', ')}`);
  // Every layer is checked before any tensor is made, so that an error leaves nothing behind.
  for (const [nk, parts] of qkv) {
    const [n, kind] = nk.split('.') as [string, string];
    const missing = QKV.filter((p) => !parts[p]);
    if (missing.length) {
      throw new WeightMappingError(`fromHuggingFaceVit: layer ${n} has attention ${QKV.filter((p) => parts[p]).join('/')} ${kind} but no ${missing.join('/')} ${kind}; expected all three`);
    }
  }
  const created: Tensor[] = [];
  try {
    for (const [nk, parts] of qkv) {
      const [n, kind] = nk.split('.') as [string, string];
      const from = QKV.map((p) => parts[p]!);
      const joined = concat(from.map((f) => sd[f]!), 0); // [3·D, D] or [3·D]
      created.push(joined);
      put(from, `blocks.${n}.attn.qkv.${kind}`, joined);
    }
  } catch (error) {
    disposeAll(created); // q, k and v of mismatched widths: concat throws
    throw error;
  }
  return { stateDict: out, mapping, skipped, created };
}

/** Disposes the tensors still alive (what a failed conversion made). */
function disposeAll(tensors: readonly Tensor[]): void {
  for (const t of tensors) if (!t.isDisposed) t.dispose();
}

/**
 * Ours (timm's) → Hugging Face names: the inverse of {@link fromHuggingFaceVit}; `attn.qkv` is
 * split into query/key/value. `prefix` is `'vit.'` for ViTForImageClassification (default, with
 * `head` → `classifier`) or `''` for ViTModel (which has no head: a `head.*` key then throws).
 * The q/k/v slices are new tensors (`created`), the caller's to dispose.
 */
export function toHuggingFaceVit(sd: Readonly<StateDict>, { prefix = 'vit.' }: { prefix?: '' | 'vit.' } = {}): ConvertedStateDict {
  const out: StateDict = {};
  const mapping: KeyMapping[] = [];
  const unknown: string[] = [];
  const created: Tensor[] = [];
  for (const [key, value] of Object.entries(sd)) {
    const top = HF_TOP.find(([, ours]) => ours === key);
    const block = /^blocks\.(\d+)\.(.+)\.(weight|bias)$/.exec(key);
    const head = /^head\.(weight|bias)$/.exec(key);
    if (top) {
      out[prefix + top[0]] = value;
      mapping.push({ from: [key], to: [prefix + top[0]] });
    } else if (head && prefix === 'vit.') {
      out[`classifier.${head[1]}`] = value;
      mapping.push({ from: [key], to: [`classifier.${head[1]}`] });
    } else if (block && block[2] === 'attn.qkv') {
      const rows = value.shape[0]! / 3; // [3·D, …] → 3 × [D, …]
      const to = QKV.map((p) => `${prefix}encoder.layer.${block[1]}.attention.attention.${p}.${block[3]}`);
      to.forEach((name, i) => {
        const part = value.slice([i * rows, ...value.shape.slice(1).map(() => 0)], [(i + 1) * rows, ...value.shape.slice(1)]);
        created.push((out[name] = part));
      });
      mapping.push({ from: [key], to });
    } else if (block && HF_LAYER.some(([, ours]) => ours === block[2])) {
      const hf = HF_LAYER.find(([, ours]) => ours === block[2])![0];
      const name = `${prefix}encoder.layer.${block[1]}.${hf}.${block[3]}`;
      out[name] = value;
      mapping.push({ from: [key], to: [name] });
    } else unknown.push(key);
  }
  if (unknown.length) {
    disposeAll(created);
    throw new WeightMappingError(`toHuggingFaceVit: no Hugging Face name for ${unknown.length} key(s): ${unknown.join(', ')}`);
  }
  return { stateDict: out, mapping, skipped: [], created };
}

/**
 * timm names → a composed runtime model's (`runtime.models.build` with the `vit` encoder and the
 * `classification` head): backbone keys go under `encoders.<stream>.`, `head.*` → `head.fc.*`.
 * `fc_norm` (timm's 'avg' pooling) has no place in a composed model and throws.
 * @example
 * model.loadStateDict(timmToComposed(adapted.stateDict).stateDict);
 */
export function timmToComposed(sd: Readonly<StateDict>, { stream = 'vision' }: { stream?: string } = {}): ConvertedStateDict {
  const out: StateDict = {};
  const mapping: KeyMapping[] = [];
  const fcNorm = Object.keys(sd).filter((k) => k.startsWith('fc_norm.'));
  if (fcNorm.length) {
    throw new WeightMappingError(`timmToComposed: ${fcNorm.join(', ')} belong to timm's 'avg' pooling, which the composed vit encoder + classification head does not have; load into VisionTransformer instead`);
  }
  for (const [key, value] of Object.entries(sd)) {
    const to = key.startsWith('head.') ? `head.fc.${key.slice(5)}` : `encoders.${stream}.${key}`;
    out[to] = value;
    mapping.push({ from: [key], to: [to] });
  }
  return { stateDict: out, mapping, skipped: [], created: [] };
}
