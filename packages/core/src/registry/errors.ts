// Registry errors: an unknown name lists every known one (and the likely typo); a duplicate name
// names both plugins that registered it. Messages are the user's only guide, so they say it all.

/** What a registry holds, in the singular (`encoder`, `model`…); messages and `crossmodal list` use it. */
export type RegistryKind = 'model' | 'encoder' | 'fusion' | 'head' | 'dataset' | 'region-store' | 'logger' | 'metric' | 'backend';

/** Levenshtein distance (insert, delete, substitute: cost 1 each). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitute, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `name` when the difference looks like a typo: a case-only difference,
 * or at most one edit per three characters (at least one). Undefined when nothing is that close.
 * @example
 * closestName('vit-b61', ['vit-b16', 'mlp']);   // 'vit-b16'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const caseOnly = known.find((k) => k.toLowerCase() === lower);
  if (caseOnly !== undefined) return caseOnly;
  const budget = Math.max(1, Math.floor(name.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...known].sort()) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= budget && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** A name that no plugin of the runtime registered. */
export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';
  /** The known names, sorted. */
  readonly known: readonly string[];
  /** The close known name, when the unknown one looks like a typo of it. */
  readonly suggestion: string | undefined;

  constructor(
    /** What was looked up (`encoder`, `model`…). */
    readonly kind: RegistryKind,
    /** The name that was asked for. */
    readonly requested: string,
    known: readonly string[],
    /** Where the name came from (a config path such as `model.encoders.vision`), prefixed to the message. */
    readonly where?: string,
  ) {
    const sorted = [...known].sort();
    const suggestion = closestName(requested, sorted);
    const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
    const list = sorted.length === 0 ? `No ${kind}s are registered: add a plugin that provides one.` : `Known ${kind}s: ${sorted.join(', ')}.`;
    super(`${where === undefined ? '' : `${where}: `}Unknown ${kind} '${requested}'.${hint} ${list}`);
    this.known = sorted;
    this.suggestion = suggestion;
  }
}

/** Two registrations of one name under one token. */
export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';

  constructor(
    /** Which registry (`encoder`, `model`…). */
    readonly kind: RegistryKind,
    /** The name registered twice. */
    readonly duplicate: string,
    /** The plugins that registered it: the first, then the second. */
    readonly plugins: readonly [string, string],
  ) {
    const [first, second] = plugins;
    const by = first === second ? `twice by plugin '${first}'` : `by plugin '${first}' and by plugin '${second}'`;
    super(`Duplicate ${kind} '${duplicate}': registered ${by}. Names must be unique per kind; rename one or drop one of the plugins.`);
  }
}
