// Resumable state: the parts of a run that a checkpoint saves as JSON (position, schedule,
// early stopping, RNG…) implement Stateful, so the Checkpointer needs no knowledge of any of them.
import { getGenerator } from '@crossmodal/tensor';

/** A JSON value (what checkpoint.json holds). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A part of a run whose state a checkpoint saves and a resumed run restores. */
export interface Stateful {
  /** The key its state is stored under in checkpoint.json's `state` (`trainer`, `schedule`…). */
  readonly stateKey: string;
  /** Its state now, as JSON. */
  state(): JsonValue;
  /** Restores a state returned by `state()`; throws naming the key when it does not fit. */
  loadState(state: JsonValue): void;
}

/** Where a run is: the unit of resumption. */
export interface TrainPosition {
  /** The epoch being trained (0-based). */
  readonly epoch: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** Micro-batches of `epoch` already consumed (a checkpoint is only taken between optimizer steps). */
  readonly batchInEpoch: number;
}

/** Reads a JSON object's number field or throws naming the owner, the field and the value. */
export function numberField(owner: string, state: JsonValue, field: string): number {
  const value = isObject(state) ? state[field] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${owner}: checkpoint state field '${field}' must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** True for JSON objects (not arrays or null). */
export function isObject(v: JsonValue | undefined): v is { readonly [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The engine's generator (dropout masks, random init) as a Stateful part, so a resumed run draws
 * the same numbers. NaN (no spare normal) is stored as null, which JSON can hold.
 */
export const generatorState: Stateful = {
  stateKey: 'generator',
  state: () => getGenerator().getState().map((x) => (Number.isNaN(x) ? null : x)),
  loadState(state) {
    if (!Array.isArray(state) || state.length !== 5 || state.some((x) => x !== null && typeof x !== 'number')) {
      throw new TypeError(`generator: checkpoint state must be 5 numbers (or null), got ${JSON.stringify(state)}`);
    }
    getGenerator().setState((state as readonly (number | null)[]).map((x) => x ?? Number.NaN));
  },
};
