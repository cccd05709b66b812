// `crossmodal import <checkpoint> (--model <preset> | --config <run.yaml>) --out <dir>`: a foreign
// checkpoint (torch.save .pth/.pt/.bin, or safetensors) converted by the model plugin's weight
// importer into a crossmodal checkpoint directory, with a report of every key's fate. The CLI knows
// no architecture: it reads files, builds the model from the config and asks WEIGHT_IMPORTERS.
import {
  applyOverrides, ConfigError, createRuntime, deepMerge, encodeCheckpoint, formatIssues, importFormat, modelSchema,
  parseRunConfig, selectWeightImporter, WEIGHT_IMPORTERS, WeightImportError,
  type CheckpointMeta, type ImportGeometry, type Model, type ModelConfigInput, type RunConfig, type Runtime, type WeightImportReport,
} from '@crossmodal/core';
import { RESOLVED_CONFIG_FILE, readConfigFile } from '@crossmodal/core/node';
import {
  decodeSafetensors, hostToTensors, isTorchTensor, readSafetensorsHeader, StateDictError, unwrapStateDict, type SafetensorsDType, type TorchTensor,
} from '@crossmodal/nn';
import { loadTorchCheckpoint } from '@crossmodal/nn/node';
import { manualSeed, type Tensor } from '@crossmodal/tensor';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { loadPlugins, type Importer } from '../plugin-loader.ts';

type ImportCommand = Extract<Command, { kind: 'import' }>;

/** The report file written beside the checkpoint's files. */
export const IMPORT_REPORT_FILE = 'import-report.json';

/** Extensions of torch.save archives (all the same zip format) and of safetensors. */
const TORCH_EXTENSIONS = ['.pth', '.pt', '.bin'];
// DeiT and timm training checkpoints keep their argparse arguments beside the weights: inert data.
const OPAQUE_GLOBALS = ['argparse.Namespace'];

/** A foreign checkpoint's tensors and where in the file they were. */
interface ForeignCheckpoint {
  readonly tensors: Record<string, Tensor>;
  /** `torch.save` or `safetensors`. */
  readonly container: 'torch.save' | 'safetensors';
  /** The top-level entry holding the state dict, or null when it is the file's root. */
  readonly key: string | null;
  /** Stored dtypes (before conversion to float32), with counts. */
  readonly dtypes: Readonly<Record<string, number>>;
}

/** safetensors dtypes by torch's names, as a torch.save file's stored dtypes are reported. */
const TORCH_DTYPE_NAMES: Readonly<Record<SafetensorsDType, string>> = {
  BOOL: 'bool', U8: 'uint8', I8: 'int8', F8_E5M2: 'float8_e5m2', F8_E4M3: 'float8_e4m3fn', F8_E8M0: 'float8_e8m0fnu',
  I16: 'int16', U16: 'uint16', F16: 'float16', BF16: 'bfloat16', I32: 'int32', U32: 'uint32', F32: 'float32',
  I64: 'int64', U64: 'uint64', F64: 'float64', C64: 'complex64',
};

const count = (values: readonly string[]): Record<string, number> => values.reduce<Record<string, number>>((n, v) => ({ ...n, [v]: (n[v] ?? 0) + 1 }), {});
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The state-dict entry of a decoded .pth: `--key`, else the root when it maps names to tensors, else timm's order. */
function stateDictKey(root: unknown, key: string | undefined): string | null {
  if (key !== undefined) return key;
  if (root instanceof Map && [...root.values()].every(isTorchTensor)) return null;
  if (!(root instanceof Map)) return null; // unwrapStateDict names what it got
  return ['state_dict', 'model'].find((k) => root.get(k) instanceof Map) ?? null;
}

/** Reads `.pth`/`.pt`/`.bin` (torch.save zip, no pickle code run) or `.safetensors`; errors name the file. */
async function readForeign(path: string, shown: string, key: string | undefined): Promise<ForeignCheckpoint> {
  const ext = extname(path).toLowerCase();
  if (!TORCH_EXTENSIONS.includes(ext) && ext !== '.safetensors') {
    throw new UsageError(`import: '${shown}' has the extension '${ext || '(none)'}'; expected ${TORCH_EXTENSIONS.join(', ')} (torch.save) or .safetensors`);
  }
  if (!existsSync(path)) throw new UsageError(`import: no such file '${shown}'`);
  try {
    if (ext === '.safetensors') {
      if (key !== undefined) throw new UsageError(`import: --key selects an entry of a torch.save file; '${shown}' is safetensors, whose tensors are all at the top`);
      const bytes = await readFile(path);
      // The header's dtypes: decoding converts floats to float32 and integers to int32.
      const stored = Object.values(readSafetensorsHeader(bytes).tensors).map((e) => TORCH_DTYPE_NAMES[e.dtype]);
      const { tensors } = decodeSafetensors(bytes);
      return { tensors, container: 'safetensors', key: null, dtypes: count(stored) };
    }
    const root = await loadTorchCheckpoint(path, { opaqueGlobals: OPAQUE_GLOBALS });
    const entry = stateDictKey(root, key);
    const sd: Map<string, TorchTensor> = unwrapStateDict(root, entry === null ? {} : { key: entry });
    return { tensors: hostToTensors(sd), container: 'torch.save', key: entry, dtypes: count([...sd.values()].map((t) => t.sourceDtype)) };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = messageOf(error).replace(/^(safetensors|loadTorchCheckpoint|unwrapStateDict): /, '');
    throw new UsageError(`import: cannot read '${shown}': ${message.includes(path) ? message : `${message} (in ${shown})`}`, { cause: error });
  }
}

/** The raw run config: `--config` (or nothing), then `--model` as model.preset, then `--set`. */
async function rawConfig(command: ImportCommand, cwd: string): Promise<{ raw: Record<string, unknown>; source: string; dir: string }> {
  const path = command.config === undefined ? undefined : resolve(cwd, command.config);
  const base = path === undefined ? {} : await readConfigFile(path);
  const sets = [...(command.model === undefined ? [] : [`model.preset=${command.model}`]), ...command.overrides];
  const raw = applyOverrides(base, sets) as Record<string, unknown>;
  return { raw, source: command.config ?? '--model/--set', dir: path === undefined ? cwd : dirname(path) };
}

/** A full run config when the raw one makes one (required with --config), else undefined. */
function runConfigOf(raw: Record<string, unknown>, source: string, required: boolean): RunConfig | undefined {
  try {
    return parseRunConfig(raw, source);
  } catch (error) {
    if (required || !(error instanceof ConfigError)) throw error;
    return undefined;
  }
}

/** The checkpoint.json of an imported checkpoint: step 0, no optimizer state, where it came from. */
function importMeta(source: string, report: WeightImportReport, key: string | null): CheckpointMeta & { imported: Record<string, unknown> } {
  return {
    format: 'crossmodal-checkpoint', version: 1, kind: 'last', epoch: 0, step: 0, batchInEpoch: 0,
    savedAt: new Date().toISOString(), optimizer: { groups: [], steps: {} }, state: {},
    imported: { source, stateDictKey: key, importer: report.importer, format: report.format },
  };
}

/** Writes every file into a temporary sibling, then renames it to `out`: no half-written directory. */
async function writeAtomically(out: string, files: readonly { name: string; bytes: Uint8Array | string }[]): Promise<void> {
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    for (const { name, bytes } of files) await writeFile(join(tmp, name), bytes);
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** `{a,b,c}.suffix` for keys that differ in one segment only (q/k/v), else the keys joined. */
function brace(keys: readonly string[]): string {
  const parts = keys.map((k) => k.split('.'));
  const diff = parts[0]!.map((_, i) => i).filter((i) => parts.some((p) => p[i] !== parts[0]![i]));
  if (diff.length !== 1 || parts.some((p) => p.length !== parts[0]!.length)) return keys.join(' + ');
  const i = diff[0]!;
  return [...parts[0]!.slice(0, i), `{${parts.map((p) => p[i]).join(',')}}`, ...parts[0]!.slice(i + 1)].join('.');
}

/** The importer's config overrides as `  config        encoders.vision.eps = 1e-12` lines. */
function formatOverrides(overrides: ModelConfigInput): string[] {
  const leaves = (node: unknown, path: string): string[] => (node !== null && typeof node === 'object' && !Array.isArray(node)
    ? Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k))
    : [`  config        ${path} = ${JSON.stringify(node)}`]);
  return leaves(overrides, '');
}

/** The report as the lines the command prints. */
export function formatImportReport(report: WeightImportReport): string[] {
  const renamed = report.mapped.filter((m) => !m.to.endsWith(`.${m.from}`) && m.to !== m.from).length;
  const lines = [`  mapped        ${report.mapped.length} key(s) one to one${renamed ? ` (${renamed} renamed)` : ''}`];
  for (const j of report.joined) lines.push(`  joined        ${brace(j.from)} → ${j.to}`);
  for (const s of report.split) lines.push(`  split         ${s.from} → ${brace(s.to)}`);
  for (const r of report.resized) lines.push(`  resized       ${r.key} [${r.from.join(', ')}] → [${r.to.join(', ')}] (${r.method})`);
  for (const r of report.reinitialised) lines.push(`  reinitialised ${r.key}: ${r.reason}`);
  for (const s of report.skipped) lines.push(`  skipped       ${s.key}: ${s.reason}`);
  return lines;
}

/**
 * Loads an importer's state dict into `model`, then frees the tensors the importer made (a joined
 * qkv, a resampled position embedding): every value that is neither a source tensor nor one of the
 * model's own. loadStateDict shares their storage, so the model keeps its values, but a handle left
 * alive would pin that storage after the model lets it go. They are freed also when the load throws.
 */
function loadConverted(model: Model, stateDict: Readonly<Record<string, Tensor>>, source: Readonly<Record<string, Tensor>>): void {
  const kept = new Set([...Object.values(source), ...Object.values(model.stateDict())]);
  try {
    model.loadStateDict(stateDict);
  } finally {
    for (const t of Object.values(stateDict)) if (!kept.has(t) && !t.isDisposed) t.dispose();
  }
}

/** Converts the checkpoint and writes the directory; resolves to the exit code. */
export async function importCommand(command: ImportCommand, io: CliIo, importer?: Importer): Promise<number> {
  const out = resolve(io.cwd, command.out);
  if (existsSync(out)) throw new UsageError(`import: --out '${command.out}' already exists; name a new directory for the imported checkpoint`);
  const { raw, source, dir } = await rawConfig(command, io.cwd);
  const given = runConfigOf(raw, source, command.config !== undefined);
  const model = raw['model'] as ModelConfigInput | undefined;
  const checked = modelSchema.safeParse(model);
  if (!checked.success) throw new ConfigError(source, formatIssues(checked.error.issues, model, modelSchema, `${source}: model`));
  const foreign = await readForeign(resolve(io.cwd, command.checkpoint), command.checkpoint, command.key);
  let runtime: Runtime | undefined;
  try {
    runtime = createRuntime(await loadPlugins(given?.plugins ?? (raw['plugins'] as string[] | undefined), dir, importer));
    const name = model!.preset ?? 'model';
    const weightImporter = selectWeightImporter(runtime.resolveAll(WEIGHT_IMPORTERS), runtime.models.resolveConfig(model!), name);
    // The naming first: an importer may set fields from it (model-vit: HF's LayerNorm eps 1e-12).
    const format = importFormat(weightImporter, Object.keys(foreign.tensors), command.format);
    const geometry: ImportGeometry = {
      format,
      ...(command.numClasses === undefined ? {} : { numClasses: command.numClasses }),
      ...(command.imageSize === undefined ? {} : { imageSize: command.imageSize }),
    };
    const overrides = weightImporter.configOverrides(runtime.models.resolveConfig(model!), geometry);
    const finalModel = deepMerge({ ...model! }, { ...overrides }) as ModelConfigInput;
    const config = runConfigOf({ ...raw, model: finalModel }, source, command.config !== undefined);
    manualSeed(config?.seed ?? 0); // the fresh parts (a new head) are reproducible
    const built = runtime.models.build(finalModel, { seed: config?.seed ?? 0, ...(config ? { outputDir: config.output.dir } : {}) });
    try {
      const options = { format, source: command.checkpoint, ...(command.interpolation ? { interpolation: command.interpolation } : {}) };
      const { stateDict, report } = weightImporter.convert(foreign.tensors, built, options);
      loadConverted(built, stateDict, foreign.tensors);
      const where = foreign.key === null ? `the ${foreign.container} file's top level` : `'${foreign.key}'`;
      const jsonReport = { source: command.checkpoint, container: foreign.container, stateDictKey: foreign.key, dtypes: foreign.dtypes, configOverrides: overrides, model: finalModel, ...report };
      const files = [
        ...(await encodeCheckpoint({ model: built.stateDict(), optimizer: { tensors: {}, meta: { groups: [], steps: {} } }, meta: importMeta(command.checkpoint, report, foreign.key) })),
        { name: IMPORT_REPORT_FILE, bytes: `${JSON.stringify(jsonReport, null, 2)}\n` },
        ...(config ? [{ name: RESOLVED_CONFIG_FILE, bytes: `${JSON.stringify(config, null, 2)}\n` }] : []),
      ];
      await writeAtomically(out, files);
      io.stdout(`import ${command.checkpoint} (${foreign.container}, state dict at ${where}, ${report.format} names) with importer '${report.importer}'\n`);
      io.stdout(`  into model ${JSON.stringify(finalModel)}\n${[...formatOverrides(overrides), ...formatImportReport(report)].join('\n')}\n`);
      if (!config) io.stdout(`no ${RESOLVED_CONFIG_FILE} (a run config needs data and an optimizer): import with --config <run.yaml>, or give eval and attention a config with the model above\n`);
      io.stdout(`wrote ${relative(io.cwd, out) || '.'} (${files.map((f) => f.name).join(', ')})\n`);
      return EXIT.ok;
    } finally {
      built.dispose();
    }
  } catch (error) {
    if (error instanceof WeightImportError || error instanceof StateDictError) throw new UsageError(`import: ${error.message}`, { cause: error });
    throw error;
  } finally {
    for (const t of Object.values(foreign.tensors)) if (!t.isDisposed) t.dispose();
    await runtime?.dispose();
  }
}
