// Turns bench records into BENCHMARKS.md tables, replacing only the section this harness owns.
import { readFile, writeFile } from 'node:fs/promises';
import { fmt, markdownTable, type BenchRecord } from './harness.ts';

const BEGIN = '<!-- bench/run.ts: begin (generated; edits inside are overwritten) -->';
const END = '<!-- bench/run.ts: end -->';
const [OURS, TF] = ['crossmodal', 'tfjs-webgpu'];

/** What the section says about the run besides its figures. */
export interface RunInfo {
  readonly adapter: string;
  readonly command: string;
  readonly date: string;
  readonly node: string;
  readonly notes: readonly string[];
}

function value(rs: readonly BenchRecord[], suite: string, c: string, framework: string, metric: string): number | undefined {
  return rs.find((r) => r.suite === suite && r.case === c && r.framework === framework && r.metric === metric)?.value;
}

const cases = (rs: readonly BenchRecord[], suite: string): string[] => [...new Set(rs.filter((r) => r.suite === suite).map((r) => r.case))];
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${fmt(a / b)}×` : '—');

/** The markdown section (between its markers) for these records. */
export function section(rs: readonly BenchRecord[], info: RunInfo): string {
  const parts = [
    BEGIN,
    '## WebGPU vs TensorFlow.js, side by side (bench/run.ts)',
    '',
    `Adapter: \`${info.adapter}\`; TensorFlow.js 4.22.0 (\`@tensorflow/tfjs-backend-webgpu\`) on the same Dawn GPU object,`,
    `in one Node ${info.node} process, ${info.date}. Command: \`${info.command}\` (figures also in`,
    '`plugins/backend-webgpu/bench/results.json`). Each figure is the median of timed samples after warm-up;',
    'every sample ends with a full sync (ours `backend.sync()`, TF.js `submitQueue()` + `queue.onSubmittedWorkDone()`).',
    '',
  ];
  const mm = cases(rs, 'matmul');
  if (mm.length) {
    parts.push('### Matmul', '', markdownTable(
      ['shape', 'ours GFLOP/s', 'TF.js GFLOP/s', 'ours ÷ TF.js', 'ours ms', 'TF.js ms', 'samples'],
      mm.map((c) => {
        const g = (f: string, m: string): number | undefined => value(rs, 'matmul', c, f, m);
        return [c, fmt(g(OURS, 'GFLOP/s')), fmt(g(TF, 'GFLOP/s')), ratio(g(OURS, 'GFLOP/s'), g(TF, 'GFLOP/s')), fmt(g(OURS, 'ms')), fmt(g(TF, 'ms')), String(g(OURS, 'samples') ?? '—')];
      }),
    ), '');
  }
  const at = cases(rs, 'attention');
  if (at.length) {
    parts.push('### Attention (ours: fused `scaledDotProductAttention` + autograd; TF.js: matMul, softmax, matMul, backward in TF.js ops)', '', markdownTable(
      ['case', 'ours ms', 'TF.js ms', 'speed-up'],
      at.map((c) => {
        const [o, t] = [value(rs, 'attention', c, OURS, 'ms'), value(rs, 'attention', c, TF, 'ms')];
        return [c, fmt(o), fmt(t), ratio(t, o)];
      }),
    ), '');
  }
  const vit = rs.filter((r) => r.suite === 'vit-step');
  if (vit.length) {
    const fws = [...new Set(vit.map((r) => r.framework))];
    parts.push('### Training step of the bench ViT (batch 64, 1×28×28, patch 4, dim 64, depth 4, heads 4, MLP 128, AdamW)', '', markdownTable(
      ['backend', 'ms per step', 'images/s', 'timed steps'],
      fws.map((f) => {
        const g = (m: string): number | undefined => value(rs, 'vit-step', vit[0]!.case, f, m);
        return [f, fmt(g('ms/step')), fmt(g('images/s')), String(g('samples') ?? '—')];
      }),
    ), '');
  }
  const speedups = [
    ...mm.map((c) => [value(rs, 'matmul', c, OURS, 'GFLOP/s'), value(rs, 'matmul', c, TF, 'GFLOP/s')]),
    ...at.map((c) => [value(rs, 'attention', c, TF, 'ms'), value(rs, 'attention', c, OURS, 'ms')]),
  ].filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined).map(([a, b]) => a / b);
  if (speedups.length) {
    const met = speedups.filter((x) => x >= 2).length;
    parts.push(`Target (issue 5): ≥ 2× TF.js webgpu for matmul and attention — met in ${met} of ${speedups.length} rows (range ${fmt(Math.min(...speedups))}×–${fmt(Math.max(...speedups))}×).`, '');
  }
  if (info.notes.length) parts.push(...info.notes.map((n) => `- ${n}`), '');
  parts.push(END);
  return parts.join('\n');
}

/** Replaces this harness's section of `path` (or inserts it before "## Suite", else appends). */
export async function updateBenchmarksMd(path: string, body: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const [b, e] = [text.indexOf(BEGIN), text.indexOf(END)];
  let next: string;
  if (b >= 0 && e > b) next = text.slice(0, b) + body + text.slice(e + END.length);
  else {
    const at = text.indexOf('\n## Suite');
    next = at >= 0 ? `${text.slice(0, at + 1)}${body}\n\n${text.slice(at + 1)}` : `${text.trimEnd()}\n\n${body}\n`;
  }
  await writeFile(path, next);
}
