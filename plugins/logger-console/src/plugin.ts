// The logger-console plugin: the only file that touches the container.
import { LOGGERS, type LoggerProvider, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { ConsoleLogger } from './console-logger.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Reads one optional positive integer option of the `console` logger config. */
function positive(config: Readonly<Record<string, unknown>>, field: string): number | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`console logger: ${field} must be an integer ≥ 1, got ${JSON.stringify(v)}`);
  return v;
}

/** The `console` logger provider; config `{ logEvery = 10, refreshMs = 100, barWidth = 20 }`. */
export const consoleLoggerProvider: LoggerProvider = {
  name: 'console',
  description: 'progress bar with ETA and running loss on a TTY, plain lines every logEvery steps otherwise',
  create(config) {
    const known = ['name', 'logEvery', 'refreshMs', 'barWidth'];
    const unknown = Object.keys(config).find((k) => !known.includes(k));
    if (unknown !== undefined) throw new RangeError(`console logger: unknown option '${unknown}' (known: ${known.join(', ')})`);
    const [logEvery, refreshMs, barWidth] = ['logEvery', 'refreshMs', 'barWidth'].map((f) => positive(config, f));
    return new ConsoleLogger({ logEvery, refreshMs, barWidth });
  },
};

/** Registers the logger `console`. */
export const consoleLoggerPlugin: Plugin = {
  name: '@crossmodal/logger-console',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(LOGGERS, { useValue: consoleLoggerProvider });
  },
};
