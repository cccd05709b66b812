// Parsing a run config: raw value → validated RunConfig with defaults, or a ConfigError listing
// every problem; config text (JSON or YAML) → raw value, syntax errors with file, line and column.
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error.ts';
import { formatIssues } from './issues.ts';
import type { RunConfig } from './run-config.ts';
import { runConfigSchema } from './schema.ts';

/** `2025-01-31T12-00-05`: a timestamp that is a valid directory name everywhere. */
const stamp = (date: Date): string => date.toISOString().slice(0, 19).replaceAll(':', '-');

/**
 * Validates a raw config (from a file, or built in code) and fills in its defaults;
 * `output.dir` defaults to `runs/<name>` or `runs/<timestamp of now>`. Throws a ConfigError
 * whose `issues` hold every problem as `<source>: <path>: got <value>, expected <what>`.
 * @example
 * parseRunConfig({ model: { preset: 'toy-mlp' }, data: { train: { name: 'toy-blobs' }, batchSize: 32 },
 *   optimizer: { name: 'adamw', lr: 1e-3 }, train: { epochs: 1 } }, 'inline').seed;   // 0
 */
export function parseRunConfig(value: unknown, source: string, options: { now?: Date } = {}): RunConfig {
  const result = runConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues, value, runConfigSchema, source));
  const config = result.data;
  const dir = config.output.dir ?? `runs/${config.name ?? stamp(options.now ?? new Date())}`;
  return { ...config, output: { dir } };
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

function parseJson(text: string, filename: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "... at position N" (Node 20) or "... (line L column C)" (Node 22+).
    const lc = /line (\d+) column (\d+)/.exec(message);
    const at = /position (\d+)/.exec(message);
    const position = at ? lineColumn(text, Number(at[1])) : { line: 1, column: 1 };
    const where = lc ? `${lc[1]}:${lc[2]}` : `${position.line}:${position.column}`;
    throw new ConfigError(filename, [`${filename}:${where}: invalid JSON: ${message}`]);
  }
}

function parseYaml(text: string, filename: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      filename,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineColumn(text, e.pos[0]);
        const column = 'col' in pos ? pos.col : pos.column;
        return `${filename}:${pos.line}:${column}: YAML syntax error: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  return doc.toJS();
}

/**
 * Parses config text by the file's extension: `.json`, or `.yaml`/`.yml` (YAML 1.2, duplicate
 * keys rejected). Syntax errors throw a ConfigError naming the file, line and column.
 */
export function parseConfigText(text: string, filename: string): unknown {
  const extension = /\.[^./\\]+$/.exec(filename)?.[0].toLowerCase();
  if (extension === '.json') return parseJson(text, filename);
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text, filename);
  throw new ConfigError(filename, [`${filename}: got a ${extension ?? 'file without an extension'}, expected a .json, .yaml or .yml config file`]);
}
