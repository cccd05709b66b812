// The logger-jsonl plugin: the only file that touches the container.
import { LOGGERS, type LoggerProvider, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { DEFAULT_FILE_NAME, JsonlLogger } from './jsonl-logger.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** The `jsonl` logger provider; config `{ path?: string }` (default `<outputDir>/events.jsonl`). */
export const jsonlLoggerProvider: LoggerProvider = {
  name: 'jsonl',
  description: `one JSON object per event per line, flushed as it happens; config { path = <outputDir>/${DEFAULT_FILE_NAME} }`,
  create(config, context) {
    const unknown = Object.keys(config).find((k) => k !== 'name' && k !== 'path');
    if (unknown !== undefined) throw new RangeError(`jsonl logger: unknown option '${unknown}' (known: name, path)`);
    const path = config['path'] ?? (context.outputDir === undefined ? undefined : `${context.outputDir}/${DEFAULT_FILE_NAME}`);
    if (path !== undefined && (typeof path !== 'string' || path === '')) {
      throw new RangeError(`jsonl logger: path must be a non-empty string, got ${JSON.stringify(path)}`);
    }
    return new JsonlLogger(path === undefined ? {} : { path });
  },
};

/** Registers the logger `jsonl`. */
export const jsonlLoggerPlugin: Plugin = {
  name: '@crossmodal/logger-jsonl',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(LOGGERS, { useValue: jsonlLoggerProvider });
  },
};
