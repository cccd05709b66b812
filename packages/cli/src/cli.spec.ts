// runCli in-process: help and version, exit codes, a real (tiny) train run with Ctrl-C from the
// io, the second Ctrl-C, and eval of the checkpoint the run left.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, SWITCHES, VALUE_FLAGS } from './args.ts';
import { runCli, VERSION } from './cli.ts';
import { COMMAND_HELP, OVERVIEW } from './help.ts';
import { recordingIo } from './testing-io.spec-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny config (spirals, 4 steps an epoch) writing into `<dir>/<name>`; console logger off. */
function writeConfig(name: string, epochs: number, extra = ''): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `seed: 2
backend: cpu
model: { preset: mlp-spirals }
data: { train: { name: spirals, perClass: 20 }, eval: { name: spirals, split: test, perClass: 5 }, batchSize: 16 }
optimizer: { name: adamw, lr: 0.01 }
train: { epochs: ${epochs} }
loggers: [{ name: jsonl }]
output: { dir: ${join(dir, name)} }
${extra}`,
  );
  return path;
}

describe('runCli', () => {
  it('prints the overview, a command page and the version, exiting 0', async () => {
    const io = recordingIo(dir);
    expect(await runCli([], io)).toBe(0);
    expect(await runCli(['help', 'eval'], io)).toBe(0);
    expect(await runCli(['-v'], io)).toBe(0);
    expect(io.out).toEqual([OVERVIEW, COMMAND_HELP.eval, `crossmodal ${VERSION}\n`]);
  });

  it('names every command and flag the parser accepts in the help', () => {
    for (const command of COMMANDS) {
      expect(OVERVIEW).toContain(`crossmodal ${command} `);
      expect(COMMAND_HELP[command]).toMatch(new RegExp(`^Usage: crossmodal ${command} `));
      for (const flag of [...VALUE_FLAGS[command], ...(SWITCHES[command] ?? [])]) expect(COMMAND_HELP[command], `${command} ${flag}`).toContain(flag);
    }
  });

  it('keeps the version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('writes one line to stderr and returns 2 for bad usage, with the stack only under CROSSMODAL_DEBUG=1', async () => {
    const io = recordingIo(dir);
    expect(await runCli(['train'], io)).toBe(2);
    expect(io.err).toEqual(['crossmodal: train: missing <config> (usage: crossmodal train <config>)\n']);
    const debug = recordingIo(dir, { CROSSMODAL_DEBUG: '1' });
    expect(await runCli(['train', join(dir, 'nope.yaml')], debug)).toBe(2);
    expect(debug.err.join('')).toMatch(/nope\.yaml: cannot read the config file \(no such file\)\nConfigError: [^\n]*\n\s+at /);
  });

  it('trains, stops on the first Ctrl-C after the current step with exit 130, and eval reads its checkpoint', async () => {
    const config = writeConfig('interrupted', 50);
    const io = recordingIo(dir);
    const running = runCli(['train', config], io);
    const log = join(dir, 'interrupted', 'events.jsonl');
    while (!(existsSync(log) && readFileSync(log, 'utf8').includes('"batch-end"'))) await new Promise((r) => setTimeout(r, 10));
    io.interrupt();
    expect(await running).toBe(130);
    expect(io.err[0]).toBe('crossmodal: stopping after the current step and writing an interrupt checkpoint (Ctrl-C again to quit now)\n');
    const checkpoint = join(dir, 'interrupted', 'checkpoints', 'interrupt');
    expect(io.err[1]).toBe(`crossmodal: stopped at step ${JSON.parse(readFileSync(join(checkpoint, 'checkpoint.json'), 'utf8')).step}; resume with: crossmodal train ${config} --resume ${checkpoint}\n`);

    const evalIo = recordingIo(dir);
    expect(await runCli(['eval', config, '--checkpoint', checkpoint], evalIo)).toBe(0);
    expect(evalIo.out.join('')).toMatch(/^eval spirals \[test\] with .*interrupt \(step \d+\) on cpu\n {2}accuracy 0\.\d{4}\n/);
    expect(JSON.parse(readFileSync(join(dir, 'interrupted', 'eval-interrupt.json'), 'utf8')).metrics.accuracy).toBeGreaterThanOrEqual(0);
  });

  it('exits at once on the second Ctrl-C', async () => {
    const config = writeConfig('twice', 50);
    const io = recordingIo(dir);
    const running = runCli(['train', config], io);
    const log = join(dir, 'twice', 'events.jsonl');
    while (!(existsSync(log) && readFileSync(log, 'utf8').includes('"batch-end"'))) await new Promise((r) => setTimeout(r, 10));
    io.interrupt();
    io.interrupt();
    expect(io.exits).toEqual([130]);
    expect(io.err[1]).toBe('crossmodal: quitting now, without a checkpoint\n');
    expect(await running).toBe(130);
  });

  it('returns 2 for a --resume that is not a checkpoint, naming it', async () => {
    const io = recordingIo(dir);
    expect(await runCli(['train', writeConfig('resume', 1), '--resume', join(dir, 'nowhere')], io)).toBe(2);
    expect(io.err[0]).toBe(
      `crossmodal: train: --resume '${join(dir, 'nowhere')}' is not a checkpoint (no checkpoint.json in ${join(dir, 'nowhere')}); expected a directory like <output.dir>/checkpoints/last\n`,
    );
  });
});
