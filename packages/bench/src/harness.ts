// The bench harness: timing by median of synced samples, the record type, tables, and BENCHMARKS.md sections.

/** One measured figure, as written to bench/results.json. */
export interface BenchRecord {
  readonly suite: string;
  readonly case: string;
  readonly framework: string;
  readonly metric: string;
  readonly value: number;
}

/** How a case is sampled: warm-up runs, timed samples, and the least time one sample should last. */
export interface SamplePlan {
  readonly warmup: number;
  readonly samples: number;
  /** Each sample repeats the body until it lasts about this long (short bodies are not all overhead). */
  readonly minSampleSeconds: number;
}

/** What `measure` returns: the median milliseconds per run of the body and how it was sampled. */
export interface Timing {
  readonly ms: number;
  readonly samples: number;
  readonly repsPerSample: number;
}

/**
 * Times `body` (one unit of work that ends in a full device sync): `plan.warmup` untimed runs,
 * then `plan.samples` samples of `reps` runs each; returns the median ms per run.
 */
export async function measure(body: () => Promise<void>, plan: SamplePlan): Promise<Timing> {
  let last = 0;
  for (let i = 0; i < Math.max(1, plan.warmup); i++) {
    const t0 = performance.now();
    await body();
    last = performance.now() - t0;
  }
  const reps = Math.max(1, Math.min(50, Math.ceil((plan.minSampleSeconds * 1000) / Math.max(last, 1e-3))));
  const times: number[] = [];
  for (let s = 0; s < plan.samples; s++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await body();
    times.push((performance.now() - t0) / reps);
  }
  return { ms: median(times), samples: plan.samples, repsPerSample: reps };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A markdown table from a header row and body rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A figure with about three significant digits. */
export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/**
 * Replaces the text between `begin` and `end` in the markdown file at `path` with `body` (which
 * carries the markers itself); when the markers are absent, inserts it before `before` (a heading
 * line such as "\n## Suite") or appends it. Written through a temporary file and a rename, so a
 * crash never leaves half a BENCHMARKS.md.
 */
export async function updateSection(path: string, begin: string, end: string, body: string, before = '\n## Suite'): Promise<void> {
  const { readFile, rename, writeFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  const [b, e] = [text.indexOf(begin), text.indexOf(end)];
  let next: string;
  if (b >= 0 && e > b) next = text.slice(0, b) + body + text.slice(e + end.length);
  else {
    const at = text.indexOf(before);
    next = at >= 0 ? `${text.slice(0, at + 1)}${body}\n\n${text.slice(at + 1)}` : `${text.trimEnd()}\n\n${body}\n`;
  }
  await writeFile(`${path}.tmp`, next);
  await rename(`${path}.tmp`, path);
}
