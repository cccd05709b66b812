// The `vit` weight importer: timm and Hugging Face ViT checkpoints → a runtime model with one `vit`
// encoder (the presets: vit encoder + classification head), as timm's checkpoint_filter_fn does it:
// HF names renamed (q/k/v joined into qkv), the position embedding resampled to the model's grid,
// and the head replaced by the model's fresh one when the class count differs.
import {
  WeightImportError, type ForeignStateDict, type ImportGeometry, type Model, type ModelConfigInput, type ResizedKey,
  type ResolvedModelConfig, type WeightImporter, type WeightImportOptions, type WeightImportReport, type WeightImportResult,
} from '@crossmodal/core';
import { fmt, type Tensor } from '@crossmodal/tensor';
import { resizePosEmbed } from './pos-embed.ts';
import { CHECKPOINT_LAYER_NORM_EPS, fromHuggingFaceVit, isHuggingFaceVit, PRE_LOGITS, WeightMappingError, type KeyMapping, type StateDict } from './weights.ts';

type Report = { -readonly [K in keyof WeightImportReport]: WeightImportReport[K] extends readonly (infer E)[] ? E[] : WeightImportReport[K] };

/**
 * What configOverrides reads: the geometry, and the checkpoint's naming (`timm`, `hf`) when the
 * caller detected it before building the model, which sets the LayerNorm eps the checkpoint was
 * trained with (HF's ViTConfig.layer_norm_eps 1e-12, timm's 1e-6) unless the config sets one.
 */

/** The stream of the model's one `vit` encoder (the importer accepts only such models). */
const vitStream = (model: Model['config']): string | undefined => {
  const streams = Object.entries(model.encoders ?? {});
  return streams.length === 1 && streams[0]![1].name === 'vit' && !model.fusion ? streams[0]![0] : undefined;
};

const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);

/** What the timm-named source says about the architecture, for the hint of a shape mismatch. */
function describeArch(sd: Readonly<StateDict>): string {
  const patch = sd['patch_embed.proj.weight'];
  const fc1 = sd['blocks.0.mlp.fc1.weight'];
  const depth = new Set(Object.keys(sd).flatMap((k) => /^blocks\.(\d+)\./.exec(k)?.[1] ?? [])).size;
  const fields = [
    patch && `dim ${patch.shape[0]}, channels ${patch.shape[1]}, patchSize ${patch.shape[2]}`,
    `depth ${depth}`,
    fc1 && `mlpDim ${fc1.shape[0]}`,
    sd['pos_embed'] && `pos_embed ${fmt(sd['pos_embed'].shape)}`,
    sd['head.weight'] && `${sd['head.weight'].shape[0]} classes`,
  ];
  return fields.filter(Boolean).join(', ');
}

/**
 * The source in timm names, with how each timm key was made; HF keys go through fromHuggingFaceVit.
 * `created`: the tensors it made (HF's joined qkv), not the source's.
 */
function toTimm(source: ForeignStateDict, format: string, what: string): { sd: StateDict; mapping: readonly KeyMapping[]; skipped: string[]; created: readonly Tensor[] } {
  if (format === 'timm') return { sd: { ...source }, mapping: Object.keys(source).map((k) => ({ from: [k], to: [k] })), skipped: [], created: [] };
  try {
    const converted = fromHuggingFaceVit(source);
    return { sd: converted.stateDict, mapping: converted.mapping, skipped: [...converted.skipped], created: converted.created };
  } catch (error) {
    if (error instanceof WeightMappingError) throw new WeightImportError(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * The position embedding resampled to the model's grid when the token counts differ (same width
 * D): the prefix rows (class token) kept, the grid resized (timm's resample_abs_pos_embed).
 */
function fitPosEmbed(pos: Tensor, own: Tensor, o: { key: string; prefix: number; mode: 'bicubic' | 'bilinear'; what: string }): { value: Tensor; resized?: ResizedKey } {
  const { key, prefix, mode, what } = o;
  if (sameShape(pos, own)) return { value: pos };
  const [, T, D] = own.shape as [number, number, number];
  if (pos.rank !== 3 || pos.shape[2] !== D) return { value: pos }; // a width mismatch: listed with the other mis-shaped keys
  const grid = Math.round(Math.sqrt(T - prefix));
  const side = Math.round(Math.sqrt(pos.shape[1]! - prefix));
  if (side * side !== pos.shape[1]! - prefix) {
    throw new WeightImportError(`${what}: pos_embed ${fmt(pos.shape)} is not ${prefix} prefix token(s) + a square grid, so it cannot be resampled to the model's ${fmt(own.shape)}`);
  }
  const value = resizePosEmbed(pos, [grid, grid], { prefixTokens: prefix, mode, antialias: true });
  const method = `${mode}, antialias, grid ${side}×${side} → ${grid}×${grid}, ${prefix} prefix token(s) kept`;
  return { value, resized: { key, from: [...pos.shape], to: [...own.shape], method } };
}

/**
 * The checkpoint's classifier goes to `head.fc` when it fits; otherwise it is skipped and every
 * `head.*` key of the model keeps its fresh initialisation (timm's reset_classifier), with why.
 */
function fitHead(sd: StateDict, own: Readonly<StateDict>, out: Record<string, Tensor>, report: Report, take: (timm: string, to: string, value: Tensor) => void): void {
  const srcHead = Object.keys(sd).filter((k) => k.startsWith('head.'));
  const fits = srcHead.length > 0 && srcHead.every((k) => {
    const to = k.replace(/^head\./, 'head.fc.');
    return own[to] !== undefined && sameShape(sd[k]!, own[to]);
  });
  const got = sd['head.weight']?.shape[0];
  const want = own['head.fc.weight']?.shape[0];
  if (fits) srcHead.forEach((k) => take(k, k.replace(/^head\./, 'head.fc.'), sd[k]!));
  else {
    const why = want === undefined ? "the model's head has no Linear classifier head.fc to take it" : `replaced by a fresh head for ${want} classes`;
    for (const k of srcHead) report.skipped.push({ key: k, reason: why });
  }
  for (const key of Object.keys(own).filter((k) => k.startsWith('head.') && !(k in out))) {
    const reason = got === undefined
      ? 'the checkpoint has no classifier'
      : want !== undefined && got !== want
        ? `class count ${got} in the checkpoint, ${want} in the model (pass --num-classes ${got} to keep the checkpoint's head)`
        : "the checkpoint's classifier does not fit the model's head";
    report.reinitialised.push({ key, reason });
    out[key] = own[key]!;
  }
}

/**
 * Converts into the composed model's keys; see {@link vitWeightImporter}. The tensors it makes (a
 * joined qkv, a resampled pos_embed) are disposed here when it throws, else they are the caller's.
 */
function convert(source: ForeignStateDict, model: Model, options: WeightImportOptions): WeightImportResult {
  const what = options.source;
  const stream = vitStream(model.config);
  if (stream === undefined) throw new WeightImportError(`${what}: the vit importer needs a model with one 'vit' encoder and no fusion`);
  const converted = toTimm(source, options.format, what);
  const made = [...converted.created];
  try {
    return convertTimm(converted, model, options, { stream, made });
  } catch (error) {
    for (const t of made) if (!t.isDisposed) t.dispose();
    throw error;
  }
}

/** {@link convert} from timm names; pushes every tensor it makes onto `made`. */
function convertTimm(converted: ReturnType<typeof toTimm>, model: Model, options: WeightImportOptions, { stream, made }: { stream: string; made: Tensor[] }): WeightImportResult {
  const what = options.source;
  const { sd, mapping, skipped } = converted;
  const own = model.stateDict();
  const out: Record<string, Tensor> = {};
  const report: Report = {
    importer: 'vit', format: options.format, mapped: [], joined: [], split: [], resized: [], reinitialised: [],
    skipped: skipped.map((s) => ({ key: s.replace(/ \(.*$/, ''), reason: s.replace(/^\S+ \((.*)\)$/, '$1') })), missing: [], unexpected: [],
  };
  const origin = new Map(mapping.map((m) => [m.to[0]!, m.from]));
  const take = (timm: string, to: string, value: Tensor): void => {
    out[to] = value;
    const from = origin.get(timm) ?? [timm];
    if (from.length > 1) report.joined.push({ from, to });
    else report.mapped.push({ from: from[0]!, to });
  };
  if (Object.keys(sd).some((k) => k.startsWith('fc_norm.'))) {
    throw new WeightImportError(`${what}: fc_norm.* belongs to timm's 'avg' pooling (LayerNorm after the mean), which the vit encoder + classification head does not have`);
  }
  const prefix = model.config.encoders?.[stream]?.['classToken'] === false ? 0 : 1;
  for (const [key, value] of Object.entries(sd)) {
    if (key.startsWith('head.')) continue;
    if (PRE_LOGITS.test(key)) {
      report.skipped.push({ key, reason: PRE_LOGITS.reason });
      continue;
    }
    const to = `encoders.${stream}.${key}`;
    if (key === 'pos_embed' && own[to]) {
      const { value: fitted, resized } = fitPosEmbed(value, own[to], { key: to, prefix, mode: options.interpolation ?? 'bicubic', what });
      if (resized) {
        made.push(fitted);
        report.resized.push(resized);
      }
      take(key, to, fitted);
    } else take(key, to, value);
  }
  fitHead(sd, own, out, report, take);
  // The report follows the model's key order (a checkpoint's order is the writer's: sorted, for safetensors).
  const rank = new Map(Object.keys(own).map((k, i) => [k, i]));
  const byModel = (a: { to: string }, b: { to: string }): number => (rank.get(a.to) ?? Infinity) - (rank.get(b.to) ?? Infinity);
  report.mapped.sort(byModel);
  report.joined.sort(byModel);
  report.missing.push(...Object.keys(own).filter((k) => !(k in out)));
  report.unexpected.push(...Object.keys(out).filter((k) => !(k in own)));
  const misShaped = Object.keys(out).filter((k) => own[k] && !sameShape(out[k]!, own[k]));
  if (report.missing.length || report.unexpected.length || misShaped.length) {
    const lines = [`${what} (${options.format} names) does not fit the model:`];
    if (report.missing.length) lines.push(`  missing keys (${report.missing.length}): ${report.missing.join(', ')}`);
    if (report.unexpected.length) lines.push(`  unexpected keys (${report.unexpected.length}): ${report.unexpected.join(', ')}`);
    if (misShaped.length) lines.push(`  mis-shaped keys (${misShaped.length}):`, ...misShaped.map((k) => `    ${k}: model ${fmt(own[k]!.shape)}, checkpoint ${fmt(out[k]!.shape)}`));
    lines.push(`  the checkpoint has ${describeArch(sd)}; set the model's fields to match (--set model.encoders.${stream}.<field>=…)`);
    throw new WeightImportError(lines.join('\n'));
  }
  return { stateDict: out, report };
}

/**
 * Imports timm (`cls_token`, `blocks.<i>.attn.qkv.weight`, `head.weight`…) and Hugging Face
 * ViTModel / ViTForImageClassification (`[vit.]embeddings.…`, `classifier.…`) checkpoints into a
 * model with one `vit` encoder and no fusion: keys go under `encoders.<stream>.`, the classifier to
 * `head.fc.`. A position embedding of another grid is resampled (bicubic by default, antialiased,
 * class token kept); a classifier of another class count is replaced by the model's fresh head;
 * timm's `pre_logits.*` representation layer is skipped, as timm's checkpoint_filter_fn does.
 * `configOverrides` given the detected `format` (ImportGeometry.format) also sets the
 * LayerNorm eps of the checkpoint family (HF 1e-12, timm 1e-6) unless the config has one.
 * The result's tensors that are neither the source's nor the model's own (a joined qkv, a resampled
 * pos_embed) are new: dispose them after `loadStateDict`, which shares their storage. On an error
 * the importer disposes them itself.
 * @example
 * const { stateDict, report } = vitWeightImporter.convert(tensors, model, { format: 'hf', source: 'vit.safetensors' });
 * model.loadStateDict(stateDict);
 */
export const vitWeightImporter: WeightImporter = {
  name: 'vit',
  description: "models with one 'vit' encoder and no fusion, from timm or Hugging Face ViTModel/ViTForImageClassification checkpoints",
  formats: ['timm', 'hf'],
  accepts: (model) => vitStream(model) !== undefined,
  detect(keys) {
    const sd = Object.fromEntries(keys.map((k) => [k, null])) as unknown as StateDict;
    if (isHuggingFaceVit(sd)) return 'hf';
    return keys.includes('patch_embed.proj.weight') || keys.some((k) => /^blocks\.\d+\.attn\.qkv\./.test(k)) ? 'timm' : undefined;
  },
  configOverrides(model: ResolvedModelConfig, { numClasses, imageSize, format }: ImportGeometry): ModelConfigInput {
    const stream = vitStream(model)!;
    // The checkpoint family's LayerNorm eps (HF 1e-12, timm 1e-6), unless the config names one.
    const eps = model.encoders[stream]!['eps'] === undefined && (format === 'hf' || format === 'timm') ? CHECKPOINT_LAYER_NORM_EPS[format] : undefined;
    const encoder = { ...(imageSize === undefined ? {} : { imageSize }), ...(eps === undefined ? {} : { eps }) };
    return {
      ...(Object.keys(encoder).length === 0 ? {} : { encoders: { [stream]: encoder } }),
      ...(numClasses === undefined ? {} : { head: { numClasses } }),
    };
  },
  convert,
};
