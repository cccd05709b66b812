// The logger-console plugin in a fresh runtime: `console` resolves and validates its options.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConsoleLogger } from './console-logger.ts';
import { consoleLoggerPlugin } from './plugin.ts';

describe('consoleLoggerPlugin', () => {
  it('registers the logger console under its own name', () => {
    const runtime = createRuntime([consoleLoggerPlugin]);
    expect(runtime.loggers.pluginOf('console')).toBe('@crossmodal/logger-console');
    expect(runtime.loggers.create('console', { logEvery: 5 }, { seed: 0 })).toBeInstanceOf(ConsoleLogger);
  });

  it('names a bad or unknown option', () => {
    const runtime = createRuntime([consoleLoggerPlugin]);
    expect(() => runtime.loggers.create('console', { logEvery: 0 }, { seed: 0 })).toThrow('console logger: logEvery must be an integer ≥ 1, got 0');
    expect(() => runtime.loggers.create('console', { every: 5 }, { seed: 0 })).toThrow(
      "console logger: unknown option 'every' (known: name, logEvery, refreshMs, barWidth)",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([consoleLoggerPlugin.name, consoleLoggerPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
