// @crossmodal/core/node: Node-only adapters (Deno too, through node:fs): reading config files and
// writing a run's resolved config atomically (temporary file, then rename).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyOverrides, tagOverriddenIssues } from './config/overrides.ts';
import { ConfigError } from './config/config-error.ts';
import { parseConfigText, parseRunConfig } from './config/parse.ts';
import type { RunConfig } from './config/run-config.ts';

/** The file every run writes next to its outputs. */
export const RESOLVED_CONFIG_FILE = 'resolved-config.json';

/**
 * Reads and parses a `.json`/`.yaml`/`.yml` config file into its raw value (not yet validated).
 * A missing or unreadable file throws a ConfigError naming the path and the reason.
 */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [`${path}: cannot read the config file (${reason})`]);
  }
  return parseConfigText(text, path);
}

/**
 * Reads a config file, applies `--set` overrides, validates it and fills in defaults. Validation
 * problems name `source` (default: `path`), and those on a path an override set say so:
 * `run.yaml (with --set optimizer.lr=x): optimizer.lr: got "x", expected …`.
 * @example
 * const config = await loadRunConfig('configs/toy.yaml', ['optimizer.lr=1e-3']);
 */
export async function loadRunConfig(path: string, overrides: readonly string[] = [], source = path): Promise<RunConfig> {
  const raw = applyOverrides(await readConfigFile(path), overrides);
  try {
    return parseRunConfig(raw, source);
  } catch (error) {
    throw error instanceof ConfigError ? tagOverriddenIssues(error, overrides) : error;
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file beside it (created exclusively), then a
 * rename, so a reader never sees half a file and a failure leaves the old file and no temporary.
 * @example
 * await writeFileAtomic('runs/x/answer-vocab.json', JSON.stringify(vocab));
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, data, { flag: 'wx' });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Writes `config` as pretty JSON to `<dir>/resolved-config.json` (creating `dir`), atomically
 * ({@link writeFileAtomic}). Returns the path.
 */
export async function writeResolvedConfig(dir: string, config: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, RESOLVED_CONFIG_FILE);
  await writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

// Checkpoints on disk (the train helper's Node adapters).
export * from './train/node.ts';
