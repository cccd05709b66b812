// The JSONL logger: every training event as one JSON object per line, with the wall-clock time,
// appended as it happens so `tail -f` or another process can follow a run while it goes.
import type { Logger, TrainEvent } from '@crossmodal/core';
import type { Observable, Subscription } from 'rxjs';
import type { LineSink, OpenSink } from './line-sink.ts';
import { openFileSink } from './node-file-sink.ts';

/** The file name used inside the run's output directory when no path is configured. */
export const DEFAULT_FILE_NAME = 'events.jsonl';

/** Options of {@link JsonlLogger}. */
export interface JsonlLoggerOptions {
  /** The file to append to; default `<outputDir>/events.jsonl`, outputDir taken from run-start. */
  readonly path?: string;
  /** Opens the sink (default: the node:fs file sink). */
  readonly openSink?: OpenSink;
  /** Clock for the `time` field (default `() => new Date()`). */
  readonly now?: () => Date;
  /** Where a run with neither `path` nor an outputDir is reported (default `console.warn`). */
  readonly warn?: (message: string) => void;
}

/** One line of the log: `{"time": ISO-8601, ...event}` (NaN and ±Infinity become null, as JSON has no such numbers). */
export const toJsonLine = (event: TrainEvent, time: Date): string => JSON.stringify({ time: time.toISOString(), ...event });

/** Joins a directory and a file name with `/` (which Node, Deno and Windows all accept). */
const joinPath = (dir: string, file: string): string => `${dir.replace(/[\\/]+$/, '')}/${file}`;

/**
 * A {@link Logger} writing JSON Lines. The file opens at run-start (events before it wait in
 * memory) and is fsynced and closed by `close()`; a resumed run appends to the same file.
 * @example
 * const logger = new JsonlLogger({ path: 'runs/x/events.jsonl' });
 * logger.attach(pipeline.events$);
 */
export class JsonlLogger implements Logger {
  readonly #path: string | undefined;
  readonly #open: OpenSink;
  readonly #now: () => Date;
  readonly #warn: (message: string) => void;
  #sink: LineSink | undefined;
  #pending: string[] | undefined = [];
  #openedPath: string | undefined;
  #broken = false;

  constructor(options: JsonlLoggerOptions = {}) {
    this.#path = options.path;
    this.#open = options.openSink ?? openFileSink;
    this.#now = options.now ?? (() => new Date());
    this.#warn = options.warn ?? ((message) => console.warn(message));
  }

  /** The file being written, once run-start has opened it. */
  get path(): string | undefined {
    return this.#openedPath;
  }

  /** Writes each event of the run as it comes. */
  attach(events$: Observable<TrainEvent>): Subscription {
    return events$.subscribe({ next: (event) => this.#write(event) });
  }

  /** Flushes the file to disk and closes it. */
  close(): Promise<void> {
    this.#sink?.close();
    this.#sink = undefined;
    return Promise.resolve();
  }

  #write(event: TrainEvent): void {
    if (this.#broken) return; // reported once (it fails the run); the events after it are dropped
    const line = toJsonLine(event, this.#now());
    try {
      if (event.type === 'run-start' && !this.#sink) this.#start(event.outputDir);
      if (this.#sink) this.#sink.append(line);
      else this.#pending?.push(line);
    } catch (error) {
      this.#broken = true;
      throw error;
    }
  }

  #start(outputDir: string | undefined): void {
    const path = this.#path ?? (outputDir === undefined ? undefined : joinPath(outputDir, DEFAULT_FILE_NAME));
    const pending = this.#pending ?? [];
    this.#pending = undefined; // from here on, without a sink, lines are dropped, not hoarded
    if (path === undefined) {
      this.#warn(`jsonl logger: no 'path' configured and the run has no output directory; writing nothing`);
      return;
    }
    this.#sink = this.#open(path);
    this.#openedPath = path;
    for (const line of pending) this.#sink.append(line);
  }
}
