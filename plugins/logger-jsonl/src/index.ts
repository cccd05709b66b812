// @crossmodal/logger-jsonl: every training event as a JSON line, readable while the run goes.
export { jsonlLoggerPlugin, jsonlLoggerProvider } from './plugin.ts';
export { DEFAULT_FILE_NAME, JsonlLogger, toJsonLine, type JsonlLoggerOptions } from './jsonl-logger.ts';
export type { LineSink, OpenSink } from './line-sink.ts';
export { openFileSink } from './node-file-sink.ts';
