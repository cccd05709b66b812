// The program-key law every WGSL program family obeys: equal keys ⇒ equal sources, and a program
// built twice from the same parameters is the same (programs are pure functions).
import type { WgslProgram } from '../program.ts';

/** Null when `make()` twice yields the same sources and keys determine sources one to one, else why. */
export function programKeyViolation(make: () => readonly WgslProgram[]): string | null {
  const [first, second] = [make(), make()];
  const byKey = new Map<string, string>();
  for (const [i, p] of first.entries()) {
    if (second[i]!.source !== p.source) return `program ${p.key} is not a pure function of its parameters`;
    const seen = byKey.get(p.key);
    if (seen !== undefined && seen !== p.source) return `key ${p.key} maps to two different sources`;
    byKey.set(p.key, p.source);
  }
  const sources = new Set(first.map((p) => p.source)).size;
  return sources === byKey.size ? null : `${sources} distinct sources share ${byKey.size} keys`;
}
