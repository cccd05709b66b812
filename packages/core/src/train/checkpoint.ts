// Checkpoints as data: model weights, optimizer tensors and the weight average if any (safetensors)
// plus checkpoint.json (position, optimizer meta, every Stateful part's state), without Node APIs.
import { decodeSafetensors, encodeSafetensors, type BaseHyper, type ModelEma, type Module, type Optimizer, type OptimizerStateDict } from '@crossmodal/nn';
import type { Backend, Tensor } from '@crossmodal/tensor';
import { isObject, type JsonValue, type Stateful } from './state.ts';

/** Which checkpoint: the best by a metric, the latest, or the one written when a run was stopped. */
export type CheckpointKind = 'best' | 'last' | 'interrupt';

/**
 * The files of a checkpoint, in the order they are written (checkpoint.json last: it marks it
 * complete). ema.safetensors is there only when checkpoint.json has an `ema` field.
 */
export const CHECKPOINT_FILES = { model: 'model.safetensors', optimizer: 'optimizer.safetensors', ema: 'ema.safetensors', meta: 'checkpoint.json' } as const;

/** The `format` field of checkpoint.json. */
export const CHECKPOINT_FORMAT = 'crossmodal-checkpoint';

/** checkpoint.json. */
export interface CheckpointMeta {
  /** Always {@link CHECKPOINT_FORMAT}. */
  readonly format: typeof CHECKPOINT_FORMAT;
  /** Layout version (1). */
  readonly version: 1;
  readonly kind: CheckpointKind;
  /** The epoch being trained when it was taken. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** Micro-batches of `epoch` already consumed. */
  readonly batchInEpoch: number;
  /** Hash of the run config ({@link hashConfig}); a resumed run warns when its own differs. */
  readonly configHash?: string;
  /** ISO time it was written. */
  readonly savedAt: string;
  /** The metrics that made it `best`. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** The optimizer's groups and step counts (its tensors are in optimizer.safetensors). */
  readonly optimizer: OptimizerStateDict['meta'];
  /** Each Stateful part's state by its key (`trainer`, `schedule`, `generator`, `earlyStopping`…). */
  readonly state: Readonly<Record<string, JsonValue>>;
  /** Present when ema.safetensors holds an average of the weights (`train.ema`). */
  readonly ema?: CheckpointEmaMeta;
}

/** checkpoint.json's account of the weight average in ema.safetensors. */
export interface CheckpointEmaMeta {
  /** The decay the average settles at. */
  readonly decay: number;
  /** Updates it has had (optimizer steps since averaging started, for a run from scratch). */
  readonly updates: number;
}

/** What a checkpoint holds in memory: live tensors to write, or tensors read back. */
export interface CheckpointData {
  /** The model's state dict. */
  readonly model: Readonly<Record<string, Tensor>>;
  /** The optimizer's state dict. */
  readonly optimizer: OptimizerStateDict;
  /** The weight average, laid out as `model` (`ModelEma.stateDict()`); present exactly when `meta.ema` is. */
  readonly ema?: Readonly<Record<string, Tensor>>;
  readonly meta: CheckpointMeta;
}

/** Where checkpoints go: a directory per kind on disk, or memory (tests, browsers). */
export interface CheckpointStore {
  /** Writes a checkpoint atomically, replacing the previous one of its kind; resolves to its location. */
  save(kind: CheckpointKind, data: CheckpointData): Promise<string>;
  /** Reads the checkpoint at `location` (tensors on `backend`, else the default one). */
  load(location: string, options?: { backend?: Backend }): Promise<CheckpointData>;
}

/** A stable short hash of a JSON-ready config (FNV-1a over JSON with sorted keys), as 8 hex digits. */
export function hashConfig(config: unknown): string {
  const stable = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(stable) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : v;
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(stable(config)) ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Encodes a checkpoint as named files, checkpoint.json last. Reads tensors with `await data()` (any backend). */
export async function encodeCheckpoint(data: CheckpointData): Promise<{ name: string; bytes: Uint8Array }[]> {
  // checkpoint.json's `ema` is what tells a reader to open ema.safetensors: the two go together.
  if ((data.ema === undefined) !== (data.meta.ema === undefined)) {
    throw new Error(`checkpoint: the weight average and checkpoint.json's 'ema' field go together; got ${data.ema ? 'the average without the field' : "the field without the average"}`);
  }
  const metadata = { format: CHECKPOINT_FORMAT, kind: data.meta.kind, step: String(data.meta.step) };
  return [
    { name: CHECKPOINT_FILES.model, bytes: await encodeSafetensors(data.model, { metadata }) },
    { name: CHECKPOINT_FILES.optimizer, bytes: await encodeSafetensors(data.optimizer.tensors, { metadata }) },
    ...(data.ema ? [{ name: CHECKPOINT_FILES.ema, bytes: await encodeSafetensors(data.ema, { metadata: { ...metadata, weights: 'ema' } }) }] : []),
    { name: CHECKPOINT_FILES.meta, bytes: new TextEncoder().encode(`${JSON.stringify(data.meta, null, 2)}\n`) },
  ];
}

/** Parses and checks checkpoint.json; `where` names the file in errors. */
export function parseCheckpointMeta(text: string, where: string): CheckpointMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw new Error(`checkpoint: ${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  checkMeta(meta, where);
  return meta;
}

function checkMeta(meta: unknown, where: string): asserts meta is CheckpointMeta {
  const m = (typeof meta === 'object' && meta !== null ? meta : {}) as Record<string, unknown>;
  if (m['format'] !== CHECKPOINT_FORMAT || m['version'] !== 1) {
    throw new Error(`checkpoint: ${where} is not a ${CHECKPOINT_FORMAT} version 1 file (format ${JSON.stringify(m['format'])}, version ${JSON.stringify(m['version'])})`);
  }
  for (const field of ['epoch', 'step', 'batchInEpoch']) {
    if (typeof m[field] !== 'number') throw new Error(`checkpoint: ${where} field '${field}' must be a number, got ${JSON.stringify(m[field])}`);
  }
  const optimizer = m['optimizer'] as Record<string, unknown> | undefined;
  if (!Array.isArray(optimizer?.['groups']) || typeof optimizer['steps'] !== 'object' || !isObject((m['state'] ?? null) as JsonValue)) {
    throw new Error(`checkpoint: ${where} must hold 'optimizer' { groups, steps } and a 'state' object`);
  }
  const ema = m['ema'] as Record<string, unknown> | undefined;
  if (ema !== undefined && (typeof ema !== 'object' || ema === null || typeof ema['decay'] !== 'number' || !Number.isInteger(ema['updates']))) {
    throw new Error(`checkpoint: ${where} field 'ema' must be { decay: number, updates: integer }, got ${JSON.stringify(ema)}`);
  }
}

/** Decodes the files of a checkpoint; `read(name)` returns a file's bytes. */
export async function decodeCheckpoint(read: (name: string) => Promise<Uint8Array>, where: string, backend?: Backend): Promise<CheckpointData> {
  const meta = parseCheckpointMeta(new TextDecoder().decode(await read(CHECKPOINT_FILES.meta)), `${where}/${CHECKPOINT_FILES.meta}`);
  const options = backend ? { backend } : {};
  const model = decodeSafetensors(await read(CHECKPOINT_FILES.model), options).tensors;
  let tensors: Record<string, Tensor> = {};
  try {
    tensors = decodeSafetensors(await read(CHECKPOINT_FILES.optimizer), options).tensors;
    const ema = meta.ema ? decodeSafetensors(await read(CHECKPOINT_FILES.ema), options).tensors : undefined;
    return { model, optimizer: { tensors, meta: meta.optimizer }, ...(ema ? { ema } : {}), meta };
  } catch (error) {
    for (const t of [...Object.values(model), ...Object.values(tensors)]) t.dispose();
    throw error;
  }
}

/** What a checkpoint is restored into. */
export interface RestoreTarget {
  readonly model: Module;
  readonly optimizer: Optimizer<BaseHyper>;
  /** Parts whose state is restored by key; a key the checkpoint lacks leaves that part as it is. */
  readonly parts: readonly Stateful[];
  /** The run's weight average: restored from the checkpoint's, or (none there) restarted from the restored weights. */
  readonly ema?: ModelEma | undefined;
}

/** Loads weights, optimizer state, the weight average and every part's state; frees the checkpoint's tensors. */
export function restoreCheckpoint(data: CheckpointData, target: RestoreTarget): void {
  try {
    target.model.loadStateDict(data.model);
    target.optimizer.loadStateDict(data.optimizer);
    if (target.ema && data.ema && data.meta.ema) {
      target.ema.loadStateDict(data.ema);
      target.ema.updates = data.meta.ema.updates;
    } else target.ema?.reset();
    for (const part of target.parts) {
      const state = data.meta.state[part.stateKey];
      if (state !== undefined) part.loadState(state);
    }
  } finally {
    disposeCheckpoint(data);
  }
}

/** Frees the tensors of checkpoint data read back from a store. */
export function disposeCheckpoint(data: CheckpointData): void {
  for (const t of Object.values(data.model)) t.dispose();
  for (const t of Object.values(data.optimizer.tensors)) t.dispose();
  for (const t of Object.values(data.ema ?? {})) t.dispose();
}
