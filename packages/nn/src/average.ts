// Checkpoint averaging: the uniform soup and the greedy soup of "Model soups" (Wortsman et al. 2022,
// https://arxiv.org/abs/2203.05482). Works on host tensors (a torch checkpoint's state dict, or a
// module's via `tensorsToHost`); sums run in float64 so the result does not depend on the order.
import { fmt, sizeOf } from '@crossmodal/tensor';
import type { HostTensor } from './io/index.ts';
import type { MisShapedKey } from './state-dict.ts';

/** A state dict on the host: tensors by name, as a Map or a record. */
export type HostStateDict = ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>;

/** What one checkpoint gets wrong against the first. */
export interface CheckpointMismatch {
  /** The checkpoint's name (`options.names[i]`, else `#i`). */
  readonly checkpoint: string;
  /** Keys the first checkpoint has and this one lacks. */
  readonly missing: readonly string[];
  /** Keys this one has and the first lacks. */
  readonly unexpected: readonly string[];
  /** Keys whose shape or dtype differ from the first's. */
  readonly misShaped: readonly MisShapedKey[];
  /** Integer entries (step counters) whose values differ from the first's: they cannot be averaged. */
  readonly unequal: readonly string[];
}

/** Thrown when checkpoints cannot be averaged: every problem of every checkpoint, in one message. */
export class CheckpointMismatchError extends Error {
  override readonly name = 'CheckpointMismatchError';
  constructor(
    what: string,
    first: string,
    /** One record per checkpoint that differs from the first. */
    readonly mismatches: readonly CheckpointMismatch[],
  ) {
    const lines = [`${what}: the checkpoints do not match the first (${first}):`];
    for (const m of mismatches) {
      lines.push(`  ${m.checkpoint}:`);
      if (m.missing.length) lines.push(`    missing keys (${m.missing.length}): ${m.missing.join(', ')}`);
      if (m.unexpected.length) lines.push(`    unexpected keys (${m.unexpected.length}): ${m.unexpected.join(', ')}`);
      if (m.misShaped.length) {
        lines.push(`    mis-shaped keys (${m.misShaped.length}):`);
        for (const s of m.misShaped) lines.push(`      ${s.key}: expected ${s.expected}, got ${s.got}`);
      }
      if (m.unequal.length) lines.push(`    integer entries that differ, which must be equal (${m.unequal.length}): ${m.unequal.join(', ')}`);
    }
    super(lines.join('\n'));
  }
}

/** Options of {@link averageStateDicts}. */
export interface AverageOptions {
  /** Names of the checkpoints (file paths, say) for error messages; default `#0`, `#1`, … */
  names?: readonly string[];
}

/**
 * The uniform soup: the element-wise mean of every float tensor over `dicts`. Integer tensors (step
 * counters, BatchNorm's `num_batches_tracked`) must be equal in every checkpoint and are copied.
 * Throws a {@link CheckpointMismatchError} listing every missing, unexpected, mis-shaped and unequal
 * key per checkpoint. Keys come out in the first checkpoint's order.
 * @example
 * const soup = averageStateDicts([a, b, c].map((p) => unwrapStateDict(decodeTorchCheckpoint(read(p)))));
 */
export function averageStateDicts(dicts: readonly HostStateDict[], options: AverageOptions = {}): Map<string, HostTensor> {
  const entries = checkedEntries('averageStateDicts', dicts, options.names);
  const sum = new SoupSum(entries[0]!);
  for (const e of entries.slice(1)) sum.add(e);
  return sum.mean(entries.length);
}

/** Options of {@link greedySoup}. */
export interface GreedySoupOptions extends AverageOptions {
  /**
   * Each candidate's own validation score, from the same `evaluate`. Given, the candidates are
   * ranked by it (best first) and the best one's score is not measured again; absent, the
   * candidates must already be in that order and the first is evaluated.
   */
  scores?: readonly number[];
  /** Whether a larger score is better (accuracy; the default) or a smaller one is (loss). */
  higherIsBetter?: boolean;
}

/** One step of the greedy soup: a candidate tried, the soup's score with it, and whether it stayed. */
export interface GreedySoupStep {
  /** Index of the candidate in the input. */
  readonly index: number;
  /** Score of the soup with this candidate added. */
  readonly score: number;
  readonly kept: boolean;
}

/** What {@link greedySoup} returns. */
export interface GreedySoupResult {
  /** The average of the kept candidates. */
  readonly soup: Map<string, HostTensor>;
  /** Input indices of the kept candidates, in the order they joined. */
  readonly kept: readonly number[];
  /** The soup's score. */
  readonly score: number;
  /** Every candidate tried, in order (the first is always kept). */
  readonly steps: readonly GreedySoupStep[];
}

/**
 * The greedy soup (Wortsman et al. 2022, recipe 1): start from the best candidate, then try each
 * next one in ranking order and keep it only if the uniform average of the soup plus it does not
 * score worse than the soup did. Checks that all candidates match (as {@link averageStateDicts})
 * before the first evaluation. `evaluate` scores a state dict on held-out data; it is awaited one
 * call at a time and must not return NaN.
 * @example
 * const { soup, kept } = await greedySoup(candidates, (sd) => validationAccuracy(sd), { scores });
 */
export async function greedySoup(
  candidates: readonly HostStateDict[],
  evaluate: (stateDict: Map<string, HostTensor>) => number | Promise<number>,
  options: GreedySoupOptions = {},
): Promise<GreedySoupResult> {
  const entries = checkedEntries('greedySoup', candidates, options.names);
  const { scores, higherIsBetter = true } = options;
  if (scores && (scores.length !== candidates.length || scores.some((s) => typeof s !== 'number' || Number.isNaN(s)))) {
    throw new RangeError(`greedySoup: scores must be ${candidates.length} numbers (one per candidate, no NaN), got [${scores.join(', ')}]`);
  }
  const sign = higherIsBetter ? 1 : -1;
  // Stable sort, best first: ties keep the input order.
  const order = scores ? [...candidates.keys()].sort((a, b) => sign * (scores[b]! - scores[a]!)) : [...candidates.keys()];
  const score = async (sd: Map<string, HostTensor>, index: number): Promise<number> => {
    const s = await evaluate(sd);
    if (typeof s !== 'number' || Number.isNaN(s)) {
      throw new RangeError(`greedySoup: evaluate returned ${String(s)} for the soup with candidate ${nameOf(options.names, index)}, expected a number`);
    }
    return s;
  };
  const first = order[0]!;
  const sum = new SoupSum(entries[first]!);
  let soup = sum.mean(1);
  let best = scores ? scores[first]! : await score(soup, first);
  const kept = [first];
  const steps: GreedySoupStep[] = [{ index: first, score: best, kept: true }];
  for (const index of order.slice(1)) {
    const trial = sum.mean(kept.length + 1, entries[index]);
    const s = await score(trial, index);
    // "Does not drop": a tie joins the soup, as in the paper's `>=`.
    const keep = sign * (s - best) >= 0;
    steps.push({ index, score: s, kept: keep });
    if (!keep) continue;
    sum.add(entries[index]!);
    kept.push(index);
    soup = trial;
    best = s;
  }
  return { soup, kept, score: best, steps };
}

type Entries = ReadonlyMap<string, HostTensor>;

const nameOf = (names: readonly string[] | undefined, i: number): string => names?.[i] ?? `#${i}`;
const describe = (t: HostTensor): string => `${fmt(t.shape)} ${t.dtype}`;

/** The dicts as Maps, after checking each against the first; throws with every problem at once. */
function checkedEntries(what: string, dicts: readonly HostStateDict[], names: readonly string[] | undefined): Entries[] {
  if (!dicts.length) throw new RangeError(`${what}: needs at least one checkpoint, got none`);
  if (names && names.length !== dicts.length) throw new RangeError(`${what}: ${names.length} names for ${dicts.length} checkpoints`);
  const entries: Entries[] = dicts.map((d) => (d instanceof Map ? d : new Map(Object.entries(d))));
  // Every checkpoint's data must fit its shapes, each named (not only the first, which the rest are compared with).
  const malformed = entries.flatMap((entry, n) => {
    const bad = [...entry].filter(([, t]) => t.data.length !== sizeOf(t.shape)).map(([k, t]) => `${k} (${t.data.length} values for ${fmt(t.shape)})`);
    return bad.length ? [`${nameOf(names, n)} has tensors whose data does not fit their shape: ${bad.join(', ')}`] : [];
  });
  if (malformed.length) throw new RangeError(`${what}: ${malformed.join('; ')}`);
  const ref = entries[0]!;
  const mismatches: CheckpointMismatch[] = [];
  entries.forEach((other, i) => {
    if (i === 0) return;
    const missing = [...ref.keys()].filter((k) => !other.has(k));
    const unexpected = [...other.keys()].filter((k) => !ref.has(k));
    const misShaped: MisShapedKey[] = [];
    const unequal: string[] = [];
    for (const [key, want] of ref) {
      const got = other.get(key);
      if (!got) continue;
      if (describe(got) !== describe(want) || got.data.length !== want.data.length) {
        misShaped.push({ key, expected: describe(want), got: describe(got) });
      } else if (want.dtype !== 'float32') {
        const at = want.data.findIndex((v, j) => v !== got.data[j]);
        if (at >= 0) unequal.push(`${key} (${got.data[at]} vs ${want.data[at]} at flat index ${at})`);
      }
    }
    if (missing.length || unexpected.length || misShaped.length || unequal.length) {
      mismatches.push({ checkpoint: nameOf(names, i), missing, unexpected, misShaped, unequal });
    }
  });
  if (mismatches.length) throw new CheckpointMismatchError(what, nameOf(names, 0), mismatches);
  return entries;
}

/** A running float64 sum of float tensors; integer tensors are carried from the first checkpoint. */
class SoupSum {
  private readonly sums = new Map<string, Float64Array>();

  constructor(private readonly first: Entries) {
    for (const [key, t] of first) if (t.dtype === 'float32') this.sums.set(key, Float64Array.from(t.data));
  }

  add(dict: Entries): void {
    for (const [key, sum] of this.sums) {
      const data = dict.get(key)!.data;
      for (let i = 0; i < sum.length; i++) sum[i]! += data[i]!;
    }
  }

  /** The mean of `count` checkpoints: the running sum, plus `extra` if given (a trial member). */
  mean(count: number, extra?: Entries): Map<string, HostTensor> {
    const out = new Map<string, HostTensor>();
    for (const [key, t] of this.first) {
      const sum = this.sums.get(key);
      if (!sum) {
        out.set(key, { dtype: t.dtype, shape: [...t.shape], data: t.data.slice() });
        continue;
      }
      const add = extra?.get(key)!.data;
      const data = new Float32Array(sum.length);
      for (let i = 0; i < sum.length; i++) data[i] = (sum[i]! + (add ? add[i]! : 0)) / count;
      out.set(key, { dtype: 'float32', shape: [...t.shape], data });
    }
    return out;
  }
}
