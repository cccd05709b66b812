// Command-line parsing: argv → one command, or a UsageError saying what is wrong and what was
// expected. Hand-written (no flags library) so messages are ours and it runs the same in Deno.
import { UsageError } from './errors.ts';

/** A parsed command line. */
export type Command =
  | { readonly kind: 'help'; readonly topic?: CommandName }
  | { readonly kind: 'version' }
  | { readonly kind: 'train'; readonly config: string; readonly overrides: readonly string[]; readonly resume?: string }
  | ({ readonly kind: 'eval'; readonly config: string; readonly checkpoint: string; readonly overrides: readonly string[] } & WeightsOption)
  | { readonly kind: 'list'; readonly config?: string; readonly overrides: readonly string[] }
  | ({ readonly kind: 'attention'; readonly checkpoint: string; readonly index?: number; readonly image?: string; readonly out?: string; readonly split?: string } & RunSource & WeightsOption)
  | ({ readonly kind: 'average'; readonly checkpoints: readonly string[]; readonly out: string; readonly greedy: boolean } & RunSource & WeightsOption)
  | ({ readonly kind: 'pos-embed'; readonly checkpoint: string; readonly out?: string } & WeightsOption)
  | { readonly kind: 'curves'; readonly runs: readonly string[]; readonly out?: string; readonly labels?: readonly string[]; readonly smoothing?: number; readonly maxStep?: number; readonly json?: string }
  | ({ readonly kind: 'import'; readonly checkpoint: string; readonly out: string } & ImportOptions & RunSource);

/** `crossmodal import`'s choices besides the file and the run config. */
export interface ImportOptions {
  /** The preset to build (sets model.preset). */
  readonly model?: string;
  readonly numClasses?: number;
  readonly imageSize?: number;
  readonly interpolation?: 'bicubic' | 'bilinear';
  /** `auto` or a source naming the model's importer knows (`timm`, `hf`). */
  readonly format?: string;
  /** The top-level entry of a .pth that holds the state dict (`state_dict_ema`). */
  readonly key?: string;
}

/** Which of a checkpoint's weights to use: `--weights ema` takes the moving average (ema.safetensors). */
export interface WeightsOption {
  /** Absent: the trained weights (model.safetensors). */
  readonly weights?: WeightsChoice;
}

/** The values of `--weights`. */
export type WeightsChoice = 'trained' | 'ema';

/** Where the study commands get a checkpoint's run config: `--config`, else the run's resolved-config.json. */
export interface RunSource {
  readonly config?: string;
  readonly overrides: readonly string[];
}

/** The commands `crossmodal` knows. */
export const COMMANDS = ['train', 'eval', 'list', 'attention', 'average', 'pos-embed', 'curves', 'import'] as const;
/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** Flags that take a value, per command (`--set` may repeat). */
export const VALUE_FLAGS: Readonly<Record<CommandName, readonly string[]>> = {
  train: ['--set', '--resume', '--backend'],
  eval: ['--set', '--checkpoint', '--backend', '--weights'],
  list: ['--set', '--backend'],
  attention: ['--index', '--image', '--out', '--split', '--config', '--set', '--backend', '--weights'],
  average: ['--out', '--config', '--set', '--backend', '--weights'],
  'pos-embed': ['--out', '--weights'],
  curves: ['--out', '--labels', '--smoothing', '--max-step', '--json'],
  import: ['--model', '--config', '--set', '--num-classes', '--image-size', '--interpolation', '--format', '--key', '--out'],
};

/** Flags that take no value, per command. */
export const SWITCHES: Readonly<Partial<Record<CommandName, readonly string[]>>> = {
  average: ['--greedy'],
};

/** Flags and positionals of one command's arguments. */
interface Parsed {
  readonly positionals: string[];
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
  readonly help: boolean;
}

/** Splits `args` into positionals and `--flag value` / `--flag=value` pairs allowed for `command`. */
function scan(command: CommandName, args: readonly string[]): Parsed {
  const parsed: Parsed = { positionals: [], values: new Map(), switches: new Set(), help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      return { ...parsed, help: true };
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const switches = SWITCHES[command] ?? [];
    if (switches.includes(flag)) {
      if (eq > 0) throw new UsageError(`${command}: ${flag} takes no value (got '${arg}')`);
      parsed.switches.add(flag);
      continue;
    }
    if (!VALUE_FLAGS[command].includes(flag)) {
      throw new UsageError(`${command}: unknown option '${flag}' (options: ${[...VALUE_FLAGS[command], ...switches].join(', ')}, --help)`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`${command}: ${flag} needs a value`);
    if (flag !== '--set' && parsed.values.has(flag)) throw new UsageError(`${command}: ${flag} given twice`);
    parsed.values.set(flag, [...(parsed.values.get(flag) ?? []), value]);
  }
  return parsed;
}

/** `--set` values, with `--backend <name>` as the override `backend=<name>` after them. */
function overridesOf(p: Parsed): string[] {
  const backend = p.values.get('--backend')?.[0];
  return [...(p.values.get('--set') ?? []), ...(backend === undefined ? [] : [`backend=${backend}`])];
}

/** Exactly `count` positionals, named for the message. */
function positionals(command: CommandName, p: Parsed, names: readonly string[], optional = false): (string | undefined)[] {
  if (p.positionals.length > names.length) {
    throw new UsageError(`${command}: unexpected argument '${p.positionals[names.length]}' (usage: crossmodal ${command} ${names.map((n) => `<${n}>`).join(' ')})`);
  }
  if (!optional && p.positionals.length < names.length) {
    throw new UsageError(`${command}: missing <${names[p.positionals.length]}> (usage: crossmodal ${command} ${names.map((n) => `<${n}>`).join(' ')})`);
  }
  return names.map((_, i) => p.positionals[i]);
}

const isCommand = (name: string): name is CommandName => (COMMANDS as readonly string[]).includes(name);

/**
 * Parses the arguments after the program name.
 * @example
 * parseArgs(['train', 'spirals.yaml', '--set', 'optimizer.lr=1e-3']);
 * // { kind: 'train', config: 'spirals.yaml', overrides: ['optimizer.lr=1e-3'] }
 */
export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help' };
    if (!isCommand(topic)) throw new UsageError(`help: unknown command '${topic}' (commands: ${COMMANDS.join(', ')})`);
    return { kind: 'help', topic };
  }
  if (!isCommand(first)) throw new UsageError(`unknown command '${first}' (commands: ${COMMANDS.join(', ')}; see crossmodal --help)`);
  const p = scan(first, rest);
  if (p.help) return { kind: 'help', topic: first };
  const overrides = overridesOf(p);
  if (first === 'train') {
    const [config] = positionals('train', p, ['config']);
    const resume = p.values.get('--resume')?.[0];
    return { kind: 'train', config: config!, overrides, ...(resume === undefined ? {} : { resume }) };
  }
  if (first === 'eval') {
    const [config] = positionals('eval', p, ['config']);
    const checkpoint = p.values.get('--checkpoint')?.[0];
    if (checkpoint === undefined) throw new UsageError('eval: missing --checkpoint <path> (a checkpoint directory written by train)');
    return { kind: 'eval', config: config!, checkpoint, overrides, ...weightsOf('eval', p) };
  }
  if (first === 'list') {
    const [config] = positionals('list', p, ['config'], true);
    return { kind: 'list', overrides, ...(config === undefined ? {} : { config }) };
  }
  if (first === 'import') return parseImport(p, overrides);
  return parseStudy(first, p, overrides);
}

/** A whole number ≥ `min` from a flag's value, if given. */
function wholeNumber(command: CommandName, p: Parsed, flag: string, min: number): number | undefined {
  const text = p.values.get(flag)?.[0];
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${command}: ${flag} must be a whole number ≥ ${min}, got '${text}'`);
  return Number(text);
}

/** `import <checkpoint> (--model <preset> | --config <run.yaml>) --out <dir> …`. */
function parseImport(p: Parsed, overrides: string[]): Command {
  const [checkpoint] = positionals('import', p, ['checkpoint']);
  const out = p.values.get('--out')?.[0];
  if (out === undefined) throw new UsageError('import: missing --out <dir> (where the converted checkpoint goes)');
  const model = p.values.get('--model')?.[0];
  const config = p.values.get('--config')?.[0];
  if (model === undefined && config === undefined) throw new UsageError('import: give --model <preset> or --config <run.yaml> (the model the weights go into)');
  const interpolation = p.values.get('--interpolation')?.[0];
  if (interpolation !== undefined && interpolation !== 'bicubic' && interpolation !== 'bilinear') {
    throw new UsageError(`import: --interpolation must be 'bicubic' or 'bilinear', got '${interpolation}'`);
  }
  return {
    kind: 'import', checkpoint: checkpoint!, out, overrides,
    ...maybe('model', model), ...maybe('config', config), ...maybe('interpolation', interpolation as ImportOptions['interpolation']),
    ...maybe('numClasses', wholeNumber('import', p, '--num-classes', 1)), ...maybe('imageSize', wholeNumber('import', p, '--image-size', 1)),
    ...maybe('format', p.values.get('--format')?.[0]), ...maybe('key', p.values.get('--key')?.[0]),
  };
}

/** The value of a flag given at most once, if given. */
const valueOf = (p: Parsed, flag: string): string | undefined => p.values.get(flag)?.[0];

/** `{ key: value }` when the value is given, else `{}` (optional fields stay absent). */
const maybe = <K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [k in K]: V }));

/** `--weights trained|ema`, when given. */
function weightsOf(command: CommandName, p: Parsed): WeightsOption {
  const weights = valueOf(p, '--weights');
  if (weights !== undefined && weights !== 'trained' && weights !== 'ema') {
    throw new UsageError(`${command}: --weights must be 'trained' (the default) or 'ema' (the moving average of train.ema), got '${weights}'`);
  }
  return maybe('weights', weights as WeightsChoice | undefined);
}

/** The study commands: attention, average, pos-embed, curves. */
function parseStudy(command: Exclude<CommandName, 'train' | 'eval' | 'list' | 'import'>, p: Parsed, overrides: string[]): Command {
  const out = valueOf(p, '--out');
  if (command === 'attention') {
    const [checkpoint] = positionals(command, p, ['checkpoint']);
    const indexText = valueOf(p, '--index');
    const image = valueOf(p, '--image');
    if ((indexText === undefined) === (image === undefined)) {
      throw new UsageError('attention: give exactly one of --index <n> (an example of the eval split) or --image <file.png>');
    }
    const index = indexText === undefined ? undefined : Number(indexText);
    if (index !== undefined && !(Number.isInteger(index) && index >= 0 && /^\d+$/.test(indexText!))) {
      throw new UsageError(`attention: --index must be a whole number ≥ 0, got '${indexText}'`);
    }
    return {
      kind: 'attention', checkpoint: checkpoint!, overrides,
      ...maybe('index', index), ...maybe('image', image), ...maybe('out', out), ...maybe('split', valueOf(p, '--split')), ...maybe('config', valueOf(p, '--config')),
      ...weightsOf(command, p),
    };
  }
  if (command === 'average') {
    if (p.positionals.length === 0) throw new UsageError('average: missing <checkpoint>... (usage: crossmodal average <checkpoint>... --out <dir>)');
    if (out === undefined) throw new UsageError('average: missing --out <dir> (where the averaged checkpoint goes)');
    const greedy = p.switches.has('--greedy');
    return { kind: 'average', checkpoints: [...p.positionals], out, greedy, overrides, ...maybe('config', valueOf(p, '--config')), ...weightsOf(command, p) };
  }
  if (command === 'pos-embed') {
    const [checkpoint] = positionals(command, p, ['checkpoint']);
    return { kind: 'pos-embed', checkpoint: checkpoint!, ...maybe('out', out), ...weightsOf(command, p) };
  }
  return parseCurves(p, out);
}

/** `curves <run>... [--labels a,b] [--smoothing w] [--max-step n] [--out f.png] [--json f.json]`. */
function parseCurves(p: Parsed, out: string | undefined): Command {
  const runs = [...p.positionals];
  if (runs.length === 0) throw new UsageError('curves: missing <run-dir | events.jsonl>... (usage: crossmodal curves <run>... [--out <file.png>])');
  const labelsText = valueOf(p, '--labels');
  const labels = labelsText?.split(',').map((l) => l.trim());
  if (labels !== undefined && (labels.length !== runs.length || labels.some((l) => l === ''))) {
    throw new UsageError(`curves: --labels must give one non-empty label per run (${runs.length}), comma-separated; got '${labelsText}'`);
  }
  const smoothingText = valueOf(p, '--smoothing');
  const smoothing = smoothingText === undefined ? undefined : Number(smoothingText);
  if (smoothing !== undefined && !(smoothing >= 0 && smoothing < 1)) throw new UsageError(`curves: --smoothing must be a number in [0, 1), got '${smoothingText}'`);
  const maxStepText = valueOf(p, '--max-step');
  const maxStep = maxStepText === undefined ? undefined : Number(maxStepText);
  if (maxStep !== undefined && !(Number.isInteger(maxStep) && maxStep >= 1)) throw new UsageError(`curves: --max-step must be a whole number ≥ 1, got '${maxStepText}'`);
  const json = valueOf(p, '--json');
  return {
    kind: 'curves', runs, ...maybe('out', out), ...maybe('labels', labels), ...maybe('smoothing', smoothing), ...maybe('maxStep', maxStep),
    ...maybe('json', json),
  };
}
