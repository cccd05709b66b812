// Loading a state dict into a module: check every key first, report every problem in one error,
// then write with `assign` so parameters stay the same objects (optimizers hold them).
import { fmt, noGrad, type Tensor } from '@crossmodal/tensor';

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Reject missing and unexpected keys too (default true). Mis-shaped keys are always rejected. */
  strict?: boolean;
}

/** What `loadStateDict` ignored (non-strict mode); both empty after a strict load. */
export interface LoadStateDictResult {
  /** Keys the module has and the dict lacked (those tensors kept their values). */
  readonly missing: readonly string[];
  /** Keys the dict had and the module lacks. */
  readonly unexpected: readonly string[];
}

/** A key whose tensor does not fit the module's. */
export interface MisShapedKey {
  readonly key: string;
  readonly expected: string;
  readonly got: string;
}

/** Thrown by `loadStateDict`: every missing, unexpected and mis-shaped key, in one message. */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
  constructor(
    what: string,
    /** Keys the module has and the dict lacks. */
    readonly missing: readonly string[],
    /** Keys the dict has and the module lacks. */
    readonly unexpected: readonly string[],
    /** Keys whose shape or dtype differ. */
    readonly misShaped: readonly MisShapedKey[],
  ) {
    const lines = [`loadStateDict: the state dict does not fit ${what}:`];
    if (missing.length) lines.push(`  missing keys (${missing.length}): ${missing.join(', ')}`);
    if (unexpected.length) lines.push(`  unexpected keys (${unexpected.length}): ${unexpected.join(', ')}`);
    if (misShaped.length) {
      lines.push(`  mis-shaped keys (${misShaped.length}):`);
      for (const m of misShaped) lines.push(`    ${m.key}: expected ${m.expected}, got ${m.got}`);
    }
    super(lines.join('\n'));
  }
}

const describe = (t: Tensor): string => `${fmt(t.shape)} ${t.dtype}`;

/**
 * Checks `sd` against `own` (a module's live state dict) and assigns the values. `what` names the
 * module in the error. Values on another backend are copied over first. Returns the keys that
 * non-strict mode ignored.
 */
export function loadStateDictInto(
  what: string,
  own: Readonly<Record<string, Tensor>>,
  sd: Readonly<Record<string, Tensor>>,
  { strict = true }: LoadStateDictOptions = {},
): LoadStateDictResult {
  const missing = Object.keys(own).filter((k) => !(k in sd));
  const unexpected = Object.keys(sd).filter((k) => !(k in own));
  const misShaped: MisShapedKey[] = [];
  for (const [key, target] of Object.entries(own)) {
    const value = sd[key];
    if (!value) continue;
    if (value.isDisposed) misShaped.push({ key, expected: describe(target), got: 'a disposed tensor' });
    else if (describe(value) !== describe(target)) misShaped.push({ key, expected: describe(target), got: describe(value) });
  }
  if (misShaped.length || (strict && (missing.length || unexpected.length))) {
    throw new StateDictError(what, strict ? missing : [], strict ? unexpected : [], misShaped);
  }
  noGrad(() => {
    for (const [key, target] of Object.entries(own)) {
      const value = sd[key];
      if (!value || value === target) continue;
      // NOTE: storages are never written in place, so sharing the value's storage is a copy in
      // effect: a later optimizer step `assign`s a new storage to the parameter only.
      if (value.backend === target.backend) target.assign(value);
      else {
        const moved = value.to(target.backend);
        target.assign(moved);
        moved.dispose();
      }
    }
  });
  return { missing, unexpected };
}
