// `crossmodal attention <checkpoint> (--index <n> | --image <file.png>)`: runs the checkpoint's
// model on one image with attention probabilities and writes the class token's attention per layer
// and head, each layer's head mean, attention rollout (mean/max/min head fusion) and one sheet.
import type { Batch, Dataset, Example, Model, RunConfig, Runtime } from '@crossmodal/core';
import { CenterCrop, collate, Compose, Resize } from '@crossmodal/data';
import { tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { decodePng, encodePng, toRgb, type HostArray } from '@crossmodal/viz';
import { writeFileAtomic } from '@crossmodal/core/node';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { loadCheckpointRun, modelName, withCheckpointModel } from '../checkpoint-run.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import type { Importer } from '../plugin-loader.ts';
import { checkNames } from '../preflight.ts';
import { attentionPictures } from '../study/attention-pictures.ts';
import { describePrediction } from '../study/prediction.ts';

type AttentionCommand = Extract<Command, { kind: 'attention' }>;

/** The image encoder of a model: its stream, the batch field it reads and its input geometry. */
interface ImageInput {
  readonly stream: string;
  readonly field: string;
  readonly size?: number;
  readonly channels: number;
}

/** The first encoder with an `imageSize` (ViT's option), else undefined. */
function imageInputOf(model: Model): ImageInput | undefined {
  for (const [stream, part] of Object.entries(model.config.encoders ?? {})) {
    if (typeof part['imageSize'] !== 'number') continue;
    const field = typeof part['field'] === 'string' ? part['field'] : 'image';
    return { stream, field, size: part['imageSize'], channels: typeof part['channels'] === 'number' ? part['channels'] : 3 };
  }
  return undefined;
}

/** The eval dataset (with `--split` applied); a UsageError when the config has none. */
async function evalDataset(runtime: Runtime, config: RunConfig, split: string | undefined): Promise<Dataset> {
  if (!config.data.eval) throw new UsageError('attention: the run config has no data.eval to take --index from; use --image <file.png> or pass --config');
  const { name, ...options } = config.data.eval;
  return runtime.datasets.create(name, { ...options, ...(split === undefined ? {} : { split }) }, runtime.createContext({ seed: config.seed, outputDir: config.output.dir }), 'data.eval');
}

/** fn(dataset), then the dataset closed whatever happened. */
async function withDataset<T>(dataset: Dataset, fn: (dataset: Dataset) => Promise<T>): Promise<T> {
  try {
    return await fn(dataset);
  } finally {
    await dataset.close?.();
  }
}

/**
 * Per-channel value range of the first examples' `field`: where the dataset maps pixels 0 and 1 (its
 * normalisation). [0, 1] when the split is empty or its images are not [channels, H, W].
 */
async function valueRange(dataset: Dataset, field: string, channels: number): Promise<{ min: number[]; max: number[] }> {
  if (dataset.size === 0) return { min: Array<number>(channels).fill(0), max: Array<number>(channels).fill(1) };
  const min = Array<number>(channels).fill(Infinity);
  const max = Array<number>(channels).fill(-Infinity);
  for (let i = 0; i < Math.min(dataset.size, 64); i++) {
    const value = (await dataset.get(i))[field];
    if (typeof value !== 'object' || value.shape[0] !== channels) return { min: min.fill(0), max: max.fill(1) };
    const plane = value.data.length / channels;
    for (let k = 0; k < channels; k++) {
      for (let j = 0; j < plane; j++) {
        const v = value.data[k * plane + j]!;
        if (v < min[k]!) min[k] = v;
        if (v > max[k]!) max[k] = v;
      }
    }
  }
  // NaN or ±inf pixels in the data would map every input pixel to NaN: fall back to [0, 1] per channel.
  for (let k = 0; k < channels; k++) {
    if (!Number.isFinite(min[k]!) || !Number.isFinite(max[k]!)) [min[k], max[k]] = [0, 1];
  }
  return { min, max };
}

/**
 * A PNG as the model's input [C, S, S]: converted to C channels (luma for grey), its shorter side
 * resized to S (bilinear, antialiased) and centre-cropped to S×S, as an eval pipeline does
 * (torchvision's Resize(S) + CenterCrop(S), no distortion of the aspect ratio); pixels 0..255 mapped
 * linearly onto [min, max] per channel (the eval data's range, so a normalised model sees what its
 * dataset would have given it).
 */
export function imageFromPng(bytes: Uint8Array, input: { size: number; channels: number }, range?: { min: number[]; max: number[] }): HostArray {
  const rgb = toRgb(decodePng(bytes));
  const { width, height } = rgb;
  const { size, channels } = input;
  if (channels !== 1 && channels !== 3) throw new UsageError(`attention: --image works for models with 1 or 3 input channels, this one has ${channels}`);
  const plane = width * height;
  const pixels = new Float32Array(channels * plane);
  if (channels === 1) {
    for (let i = 0; i < plane; i++) pixels[i] = (0.299 * rgb.data[i * 3]! + 0.587 * rgb.data[i * 3 + 1]! + 0.114 * rgb.data[i * 3 + 2]!) / 255;
  } else {
    for (let k = 0; k < 3; k++) for (let i = 0; i < plane; i++) pixels[k * plane + i] = rgb.data[i * 3 + k]! / 255;
  }
  const shaped = new Compose([new Resize(size), new CenterCrop(size)]).apply({ shape: [channels, height, width], data: pixels });
  const out = new Float32Array(shaped.data.length);
  for (let k = 0; k < channels; k++) {
    const lo = range?.min[k] ?? 0;
    const hi = range?.max[k] ?? 1;
    for (let i = 0; i < size * size; i++) out[k * size * size + i] = lo + shaped.data[k * size * size + i]! * (hi - lo);
  }
  return { shape: [channels, size, size], data: out };
}

interface AttentionInput {
  readonly batch: Batch;
  readonly image: () => HostArray;
  readonly what: string;
  /** The example's fields (--index only): its label is read from the head's target field. */
  readonly example?: Example;
  readonly classNames?: readonly string[];
}

/** A class index from an example's target field (a number or a one-element array), else undefined. */
function labelOf(example: Example | undefined, field: string): number | undefined {
  const value = example?.[field];
  const v = typeof value === 'number' ? value : value !== undefined && value.data.length === 1 ? value.data[0] : undefined;
  return v !== undefined && Number.isInteger(v) && v >= 0 ? v : undefined;
}

async function inputOf(command: AttentionCommand, runtime: Runtime, config: RunConfig, model: Model, backend: Backend, cwd: string): Promise<AttentionInput> {
  const input = imageInputOf(model);
  const field = input?.field ?? 'image';
  if (command.index !== undefined) {
    const index = command.index;
    // The dataset is only read here: closed (its files or region stores) as soon as the example is in hand.
    const { example, classNames } = await withDataset(await evalDataset(runtime, config, command.split), async (dataset) => {
      if (index >= dataset.size) throw new UsageError(`attention: --index ${index} is past the end of the eval split (${dataset.size} examples: 0..${dataset.size - 1})`);
      return { example: await dataset.get(index), classNames: dataset.info.classNames };
    });
    // The image is looked at after the forward pass, so a model without attention is named first.
    const image = (): HostArray => {
      const value = example[field];
      if (typeof value !== 'object' || value.shape.length !== 3) {
        throw new UsageError(`attention: example ${command.index} has no image field '${field}' [C, H, W] (fields: ${Object.keys(example).join(', ')})`);
      }
      return value;
    };
    return { batch: collate([example], { backend, indices: [command.index] }), image, what: `example ${command.index}`, example, ...(classNames ? { classNames } : {}) };
  }
  if (input?.size === undefined) throw new UsageError(`attention: model '${modelName(config)}' has no image encoder with an imageSize to resize --image to`);
  const path = resolve(cwd, command.image!);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`attention: cannot read --image '${command.image}': ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { range, classNames } = config.data.eval
    ? await withDataset(await evalDataset(runtime, config, command.split), async (dataset) => ({ range: await valueRange(dataset, field, input.channels), classNames: dataset.info.classNames }))
    : { range: undefined, classNames: undefined };
  const image = imageFromPng(bytes, { size: input.size, channels: input.channels }, range);
  return { batch: { [field]: tensor(image.data as Float32Array, [1, ...image.shape], { backend }) }, image: () => image, what: basename(path), ...(classNames ? { classNames } : {}) };
}

/** The encoder's attention maps for `stream`, layer order: `encoders.<stream>.layer<i>` (any maps when the stream is unknown). */
function layerMaps(attention: Record<string, Tensor>, stream: string | undefined): Tensor[] {
  const prefix = stream === undefined ? '' : `encoders.${stream}.`;
  return Object.entries(attention)
    .flatMap(([key, t]) => {
      const m = /\.?layer(\d+)$/.exec(key);
      return key.startsWith(prefix) && m ? [[Number(m[1]), t] as const] : [];
    })
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => t);
}

/** Writes the attention pictures; resolves to the exit code. */
export async function attentionCommand(command: AttentionCommand, io: CliIo, importer?: Importer): Promise<number> {
  const run = await loadCheckpointRun('attention', command.checkpoint, command, io.cwd, importer);
  const { runtime, config } = run;
  try {
    checkNames(runtime, config);
    const name = modelName(config);
    const { pictures, what, prediction } = await withCheckpointModel(run, async ({ model, backend }) => {
      const { batch, image, what, example, classNames } = await inputOf(command, runtime, config, model, backend, io.cwd);
      let maps: Tensor[] = [];
      let output: ReturnType<Model['forward']> | undefined;
      try {
        output = model.forward(batch, { returnProbs: true });
        maps = layerMaps(output.attention ?? {}, imageInputOf(model)?.stream);
        if (maps.length === 0) {
          throw new UsageError(`attention: model '${name}' returned no attention maps (attention: ${Object.keys(output.attention ?? {}).join(', ') || 'none'}); it needs a transformer encoder such as vit's`);
        }
        const probs = await Promise.all(maps.map(async (t) => ({ shape: [...t.shape], data: await t.data() })));
        // A classifier's [1, classes] scores: what it predicted, beside the label when the example has one.
        const prediction = output.logits.shape.length === 2 && output.logits.shape[0] === 1
          ? describePrediction(await output.logits.data(), labelOf(example, output.targets?.[0] ?? 'label'), classNames)
          : undefined;
        const title = `${name} ${what}`.toUpperCase() + (prediction ? `: ${prediction.short.toUpperCase()}` : '');
        return { pictures: attentionPictures(probs, image(), title), what, prediction };
      } finally {
        for (const t of Object.values(batch)) t.dispose();
        output?.logits.dispose();
        output?.loss?.dispose();
        for (const t of Object.values(output?.attention ?? {})) t.dispose();
      }
    });
    const picked = command.index !== undefined ? String(command.index) : basename(command.image!, extname(command.image!));
    // The average's pictures go beside the trained weights', not over them.
    const fallback = run.weights === 'ema' ? `${picked}-ema` : picked;
    const outDir = command.out === undefined ? join(run.runDir, 'attention', fallback) : resolve(io.cwd, command.out);
    await mkdir(outDir, { recursive: true });
    io.stdout(`attention of ${name}${run.weights === 'ema' ? ' (weight average)' : ''} on ${what}: ${pictures.length} pictures → ${relative(io.cwd, outDir) || '.'}\n`);
    if (prediction) io.stdout(`${what}: ${prediction.line}\n`);
    for (const picture of pictures) {
      const path = join(outDir, picture.file);
      await writeFileAtomic(path, encodePng(picture.image));
      io.stdout(`wrote ${relative(io.cwd, path)}\n`);
    }
    return EXIT.ok;
  } finally {
    await runtime.dispose();
  }
}
