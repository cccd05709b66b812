// The logger-jsonl plugin in a fresh runtime: `jsonl` resolves, its path defaults to the run's directory.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsonlLogger } from './jsonl-logger.ts';
import { jsonlLoggerPlugin } from './plugin.ts';

describe('jsonlLoggerPlugin', () => {
  it('registers the logger jsonl under its own name', () => {
    const runtime = createRuntime([jsonlLoggerPlugin]);
    expect(runtime.loggers.pluginOf('jsonl')).toBe('@crossmodal/logger-jsonl');
    expect(runtime.loggers.create('jsonl', { path: 'x.jsonl' }, { seed: 0 })).toBeInstanceOf(JsonlLogger);
  });

  it('names a bad path or an unknown option', () => {
    const runtime = createRuntime([jsonlLoggerPlugin]);
    expect(() => runtime.loggers.create('jsonl', { path: 3 }, { seed: 0 })).toThrow('jsonl logger: path must be a non-empty string, got 3');
    expect(() => runtime.loggers.create('jsonl', { file: 'x' }, { seed: 0 })).toThrow("jsonl logger: unknown option 'file' (known: name, path)");
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([jsonlLoggerPlugin.name, jsonlLoggerPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
