// Turns bench records into BENCHMARKS.md tables, replacing only the section this harness owns.
import { updateSection } from '@crossmodal/bench';
import { fmt, markdownTable, type BenchRecord } from './harness.ts';

const BEGIN = '<!-- bench/run.ts: begin (generated; edits inside are overwritten) -->';
const END = '<!-- bench/run.ts: end -->';
const [OURS, TF, WASM] = ['crossmodal', 'tfjs-webgpu', 'tfjs-wasm'];

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
  const wasm = rs.some((r) => r.framework === WASM);
  /** The wasm cells, only when the run has a wasm column. */
  const w = (cells: string[]): string[] => (wasm ? cells : []);
  const parts = [
    BEGIN,
    '## WebGPU vs TensorFlow.js, side by side (bench/run.ts)',
    '',
    `Adapter: \`${info.adapter}\`; TensorFlow.js 4.22.0 (\`@tensorflow/tfjs-backend-webgpu\`) on the same Dawn GPU object${wasm ? ', and its wasm backend (`@tensorflow/tfjs-backend-wasm`, XNNPACK, one thread) on the CPU as a column beside them' : ''},`,
    `in one Node ${info.node} process, ${info.date}. Command: \`${info.command}\` (figures also in`,
    '`plugins/backend-webgpu/bench/results.json`). Each figure is the median of timed samples after warm-up;',
    `every sample ends with a full sync (ours \`backend.sync()\`, TF.js webgpu \`submitQueue()\` + \`queue.onSubmittedWorkDone()\`${wasm ? '; TF.js wasm runs each kernel inside its op call' : ''}).`,
    '',
  ];
  const mm = cases(rs, 'matmul');
  if (mm.length) {
    parts.push('### Matmul', '', markdownTable(
      ['shape', 'ours GFLOP/s', 'TF.js webgpu GFLOP/s', 'ours ÷ TF.js webgpu', ...w(['TF.js wasm GFLOP/s']), 'ours ms', 'TF.js webgpu ms', ...w(['TF.js wasm ms']), 'samples'],
      mm.map((c) => {
        const g = (f: string, m: string): number | undefined => value(rs, 'matmul', c, f, m);
        return [
          c, fmt(g(OURS, 'GFLOP/s')), fmt(g(TF, 'GFLOP/s')), ratio(g(OURS, 'GFLOP/s'), g(TF, 'GFLOP/s')), ...w([fmt(g(WASM, 'GFLOP/s'))]),
          fmt(g(OURS, 'ms')), fmt(g(TF, 'ms')), ...w([fmt(g(WASM, 'ms'))]), String(g(OURS, 'samples') ?? '—'),
        ];
      }),
    ), '');
  }
  const at = cases(rs, 'attention');
  if (at.length) {
    parts.push('### Attention (ours: fused `scaledDotProductAttention` + autograd; TF.js: matMul, softmax, matMul, backward by `tf.grads`)', '', markdownTable(
      ['case', 'ours ms', 'TF.js webgpu ms', 'speed-up', ...w(['TF.js wasm ms'])],
      at.map((c) => {
        const [o, t] = [value(rs, 'attention', c, OURS, 'ms'), value(rs, 'attention', c, TF, 'ms')];
        return [c, fmt(o), fmt(t), ratio(t, o), ...w([fmt(value(rs, 'attention', c, WASM, 'ms'))])];
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
  await updateSection(path, BEGIN, END, body);
}
