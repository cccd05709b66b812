// JsonlLogger: one JSON line per event, in order, on disk as each event happens; path defaults.
import type { TrainEvent } from '@crossmodal/core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config as rxjsConfig, Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlLogger, toJsonLine } from './jsonl-logger.ts';
import type { LineSink } from './line-sink.ts';
import { openFileSink } from './node-file-sink.ts';

const at = new Date('2025-01-02T03:04:05.678Z');
const start = (outputDir?: string): TrainEvent => ({
  type: 'run-start',
  runId: 'r1',
  backend: 'cpu',
  backendReason: 'only backend',
  config: { seed: 1 },
  ...(outputDir === undefined ? {} : { outputDir }),
  totalSteps: 2,
});
const batch: TrainEvent = { type: 'batch-end', epoch: 1, step: 1, loss: 0.5, lr: 0.1, examplesPerSecond: 10, batchSize: 4 };
const end: TrainEvent = { type: 'run-end', status: 'completed', epoch: 1, step: 2 };

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An in-memory sink that records lines and whether it was closed. */
function memorySink(): { open: (path: string) => LineSink; lines: string[]; paths: string[]; closed: boolean } {
  const state = { lines: [] as string[], paths: [] as string[], closed: false, open: (path: string): LineSink => {
    state.paths.push(path);
    return { append: (line) => void state.lines.push(line), close: () => void (state.closed = true) };
  } };
  return state;
}

describe('JsonlLogger', () => {
  it('writes one line per event with its time, in order, readable by another process before close', async () => {
    const dir = tempDir();
    const logger = new JsonlLogger({ now: () => at });
    const bus = new Subject<TrainEvent>();
    logger.attach(bus);
    bus.next(start(dir));
    bus.next(batch);
    // Another process sees both lines while the logger still holds the file open.
    const seen = execFileSync(process.execPath, ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(join(dir, 'events.jsonl'))}, 'utf8'))`], { encoding: 'utf8' });
    expect(seen.split('\n').filter(Boolean).map((l) => JSON.parse(l).type)).toEqual(['run-start', 'batch-end']);
    bus.next(end);
    await logger.close();
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual([
      { time: at.toISOString(), ...start(dir) },
      { time: at.toISOString(), ...batch },
      { time: at.toISOString(), ...end },
    ]);
    expect(logger.path).toBe(`${dir}/events.jsonl`);
  });

  it('appends when a resumed run writes to the same file', async () => {
    const path = join(tempDir(), 'nested', 'log.jsonl');
    for (let run = 0; run < 2; run++) {
      const logger = new JsonlLogger({ path });
      const bus = new Subject<TrainEvent>();
      logger.attach(bus);
      bus.next(start());
      bus.next(end);
      await logger.close();
    }
    const types = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types).toEqual(['run-start', 'run-end', 'run-start', 'run-end']);
  });

  it('holds events that come before run-start until it names the file, keeping their order', async () => {
    const sink = memorySink();
    const logger = new JsonlLogger({ path: 'x.jsonl', openSink: sink.open, now: () => at });
    const bus = new Subject<TrainEvent>();
    logger.attach(bus);
    bus.next(batch);
    expect(sink.paths).toEqual([]);
    bus.next(start());
    await logger.close();
    expect(sink.paths).toEqual(['x.jsonl']);
    expect(sink.lines.map((l) => JSON.parse(l).type)).toEqual(['batch-end', 'run-start']);
    expect(sink.closed).toBe(true);
  });

  it('warns once and writes nothing without a path or an output directory', async () => {
    const sink = memorySink();
    const warnings: string[] = [];
    const logger = new JsonlLogger({ openSink: sink.open, warn: (m) => warnings.push(m) });
    const bus = new Subject<TrainEvent>();
    logger.attach(bus);
    bus.next(start());
    bus.next(end);
    await logger.close();
    expect(sink.paths).toEqual([]);
    expect(warnings).toEqual(["jsonl logger: no 'path' configured and the run has no output directory; writing nothing"]);
  });

  it('writes non-finite numbers as null, as JSON has none', () => {
    expect(JSON.parse(toJsonLine({ ...batch, loss: Number.NaN } as TrainEvent, at)).loss).toBeNull();
  });

  it('names the file and the reason when it cannot open or write it', () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, '');
    expect(() => openFileSink(join(blocker, 'events.jsonl'))).toThrow(new RegExp(`^jsonl logger: cannot open '${blocker}/events.jsonl' for appending: .*(EEXIST|ENOTDIR)`));
    if (!existsSync('/dev/full')) return; // Linux's always-full device: every write fails with ENOSPC
    const sink = openFileSink('/dev/full');
    expect(() => sink.append('{}')).toThrow(/^jsonl logger: cannot write to '\/dev\/full': .*ENOSPC/);
    // fsync of a character device fails (EINVAL) too; the descriptor is closed all the same.
    expect(() => sink.close()).toThrow(/^jsonl logger: cannot flush and close '\/dev\/full': /);
    expect(() => sink.append('{}')).toThrow("jsonl logger: /dev/full is already closed");
  });

  it('reports a failing sink once, then drops the events after it', async () => {
    const reported: unknown[] = [];
    const saved = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => void reported.push(error);
    try {
      let appended = 0;
      const logger = new JsonlLogger({ path: 'x.jsonl', openSink: () => ({ append: () => { appended++; throw new Error('disk full'); }, close: () => undefined }) });
      const bus = new Subject<TrainEvent>();
      logger.attach(bus);
      bus.next(start());
      bus.next(batch);
      bus.next(end);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(reported.map((e) => (e as Error).message)).toEqual(['disk full']);
      expect(appended).toBe(1);
    } finally {
      rxjsConfig.onUnhandledError = saved;
    }
  });
});
