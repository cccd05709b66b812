// The e2e harness: run the real `crossmodal` binary (node + bin/crossmodal.js) in a temp directory,
// write configs there, and read back the JSONL log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI's bin shim, as `npm install` links it. */
export const BIN = fileURLToPath(new URL('../../../packages/cli/bin/crossmodal.js', import.meta.url));

/**
 * Where work directories go: inside the workspace (git-ignored `tmp/`), so a local plugin file
 * written there imports `@crossmodal/core` from the workspace's node_modules as a user's would.
 */
export const TMP_ROOT = fileURLToPath(new URL('../tmp/', import.meta.url));

/** What a finished CLI process left. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A scratch directory for one test file, removed by `dispose`. */
export interface Workdir {
  readonly dir: string;
  /** Writes a file (config, plugin) into the directory; returns its path. */
  write(name: string, text: string): string;
  /** Runs `crossmodal <args>` in the directory and waits for it. */
  run(args: readonly string[]): CliResult;
  /** Starts `crossmodal <args>` in the directory without waiting. */
  start(args: readonly string[]): ChildProcess;
  /** The JSONL events of a run directory, parsed line by line. */
  events(runDir: string): TrainEventLine[];
  dispose(): void;
}

/** One line of events.jsonl: a training event plus its time. */
export type TrainEventLine = { readonly type: string; readonly time: string; readonly [field: string]: unknown };

// NOTE: CI=true and a non-TTY stdout make the console logger print plain lines; the env is
// passed whole so the child finds node_modules/.bin and the same Node.
const env = { ...process.env, CROSSMODAL_DEBUG: '' };

/** A fresh temp directory with helpers bound to it. */
export function workdir(prefix: string): Workdir {
  mkdirSync(TMP_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TMP_ROOT, `${prefix}-`));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    run(args) {
      const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 170_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    start(args) {
      return spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    events(runDir) {
      const text = readFileSync(join(dir, runDir, 'events.jsonl'), 'utf8');
      return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TrainEventLine);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A small run config: mlp-spirals on 60 spirals points in batches of 16 (4 steps an epoch), jsonl logging. */
export function smallConfig(options: { epochs: number; outputDir: string; plugins?: readonly string[]; extra?: string }): string {
  const plugins = options.plugins === undefined ? '' : `plugins: ${JSON.stringify(options.plugins)}\n`;
  return `${plugins}name: small
seed: 3
backend: cpu
model: { preset: mlp-spirals }
data:
  train: { name: spirals, perClass: 20 }
  eval: { name: spirals, split: test, perClass: 10 }
  batchSize: 16
optimizer: { name: adamw, lr: 0.01 }
schedule: { name: cosine, warmupSteps: 2 }
train: { epochs: ${options.epochs} }
metrics: [accuracy]
loggers: [{ name: console, logEvery: 4 }, { name: jsonl }]
output: { dir: ${options.outputDir} }
${options.extra ?? ''}`;
}

/** Resolves once `predicate()` holds (polling), or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the exit code (or signal) of a started process, and its output. */
export function finished(child: ChildProcess): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}
