// The Logger contract: a subscriber of the training bus.
import type { Observable, Subscription } from 'rxjs';
import type { TrainEvent } from '../bus/train-events.ts';
import type { NamedProvider } from './provider.ts';

/** Receives a run's events. */
export interface Logger {
  /** Subscribes to the events of a run; the returned subscription ends with the run. */
  attach(events$: Observable<TrainEvent>): Subscription;
  /** Flushes and releases files or terminals; awaited after run-end. */
  close(): Promise<void>;
}

/** A named factory of loggers; config e.g. `{ path: 'runs/x/events.jsonl' }`. */
export type LoggerProvider = NamedProvider<Logger>;
