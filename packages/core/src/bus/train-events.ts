// The training bus's vocabulary: events a run emits and commands it obeys. Kebab-case types.
import type { OperatorFunction } from 'rxjs';
import { filter } from 'rxjs';

/**
 * Everything a run tells its subscribers, in order:
 * run-start, restored? (a resumed run), (epoch-start, (batch-end, eval-end?, checkpoint-saved?)…, eval-end?, epoch-end,
 * checkpoint-saved?)…, train-end, checkpoint-saved?, run-end. A failed run emits error (fatal) and run-end 'failed'.
 *
 * NOTE: `epoch` means two things. On epoch-start, batch-end, epoch-end and eval-end it is the
 * 0-based index of the epoch in progress; on checkpoint-saved, train-end and run-end it is the
 * trainer's position, the number of epochs completed. `step` is always optimizer steps taken.
 */
export type TrainEvent =
  | { readonly type: 'run-start'; readonly runId: string; readonly backend: string; readonly backendReason: string; readonly config: unknown; readonly outputDir?: string; readonly totalSteps?: number }
  | { readonly type: 'epoch-start'; readonly epoch: number; readonly step: number }
  | {
      readonly type: 'batch-end';
      readonly epoch: number;
      /** Optimizer steps taken so far (1-based after the first step). */
      readonly step: number;
      readonly loss: number;
      readonly lr: number;
      readonly examplesPerSecond: number;
      readonly batchSize: number;
    }
  /** After the epoch's last step and its evaluation, if any. */
  | { readonly type: 'epoch-end'; readonly epoch: number; readonly step: number }
  | { readonly type: 'eval-end'; readonly epoch: number; readonly step: number; readonly split: string; readonly metrics: Readonly<Record<string, number>> }
  | { readonly type: 'checkpoint-saved'; readonly epoch: number; readonly step: number; readonly path: string; readonly kind: 'best' | 'last' | 'interrupt' }
  /** A set-lr was obeyed: `baseLr` is the lr it asked for, `lr` the one applied (the schedule's factor at this step times baseLr). */
  | { readonly type: 'lr-changed'; readonly step: number; readonly lr: number; readonly baseLr?: number; readonly reason: string }
  /** A resumed run restored its checkpoint: it goes on from `step` (a log appended to by several processes is cut there). */
  | { readonly type: 'restored'; readonly epoch: number; readonly step: number; readonly location: string }
  | { readonly type: 'paused'; readonly step: number }
  | { readonly type: 'resumed'; readonly step: number }
  /** The loop is done (completed its epochs/steps, or obeyed a stop); services finish their work before run-end. */
  | { readonly type: 'train-end'; readonly status: 'completed' | 'stopped'; readonly epoch: number; readonly step: number; readonly reason?: string }
  | { readonly type: 'run-end'; readonly status: 'completed' | 'stopped' | 'failed'; readonly epoch: number; readonly step: number; readonly reason?: string; readonly metrics?: Readonly<Record<string, number>> }
  | { readonly type: 'error'; readonly message: string; readonly fatal: boolean };

/** Commands that steer a run from outside (a UI, a signal handler, an early-stopping subscriber). */
export type TrainCommand =
  | { readonly type: 'stop'; readonly reason: string }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'set-lr'; readonly lr: number; readonly reason: string };

/** The event with a given type. */
export type EventOf<K extends TrainEvent['type']> = Extract<TrainEvent, { type: K }>;

/** Keeps only events of the given types, narrowing their type. */
export const ofType = <K extends TrainEvent['type']>(...types: K[]): OperatorFunction<TrainEvent, EventOf<K>> =>
  filter((e): e is EventOf<K> => (types as readonly string[]).includes(e.type));
