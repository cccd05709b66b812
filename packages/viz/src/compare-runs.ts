// Several runs side by side: one chart per quantity with a line per run (native vs WebGPU, ours vs
// PyTorch), and the numbers that say whether two runs agree rather than merely both learn.
import { smoothCurve, type CurvePoint, type RunCurves } from './curves.ts';
import { argError } from './errors.ts';
import { gridSheet } from './grid.ts';
import type { RasterImage } from './image.ts';
import { plotLines, type Series } from './plot.ts';

/** One run of a comparison: a legend label and its curves. */
export interface LabelledRun {
  readonly label: string;
  readonly curves: RunCurves;
}

/** Options of {@link plotRunComparison}. */
export interface RunComparisonOptions {
  readonly panelWidth?: number;
  readonly panelHeight?: number;
  /** EMA weight for the train-loss lines, in [0, 1) (default 0: raw). */
  readonly smoothing?: number;
  /** Only steps ≤ this (default: all); e.g. the steps both runs reached. */
  readonly maxStep?: number;
  readonly title?: string;
}

const ACCURACY = /acc|top-?1|top-?5|vqa/i;

/**
 * A train-loss panel with one line per run and, when any run logged one, a panel per eval accuracy
 * metric (e.g. `test/accuracy`) with one line per run.
 * @example
 * plotRunComparison([{ label: 'NATIVE', curves: a }, { label: 'WEBGPU', curves: b }], { smoothing: 0.8 });
 */
export function plotRunComparison(runs: readonly LabelledRun[], options: RunComparisonOptions = {}): RasterImage {
  if (!Array.isArray(runs) || runs.length === 0) throw argError('plotRunComparison', 'runs', runs, 'a non-empty array of { label, curves }');
  const { panelWidth = 480, panelHeight = 320, smoothing = 0, maxStep = Infinity, title } = options;
  const clip = (points: readonly CurvePoint[]): CurvePoint[] => points.filter(([step]) => step <= maxStep);
  const lossSeries: Series[] = [];
  const metricSeries = new Map<string, Series[]>();
  for (const { label, curves } of runs) {
    if (!curves || !Array.isArray(curves.loss) || !(curves.metrics instanceof Map)) {
      throw argError('plotRunComparison', `runs[${JSON.stringify(label)}].curves`, curves, 'RunCurves from parseRunEvents');
    }
    const loss = clip(curves.loss);
    if (loss.length > 0) lossSeries.push({ name: label, points: smoothing > 0 ? smoothCurve(loss, smoothing) : loss, markers: false });
    for (const [key, points] of curves.metrics) {
      if (!ACCURACY.test(key.slice(key.indexOf('/') + 1))) continue;
      if (!metricSeries.has(key)) metricSeries.set(key, []);
      metricSeries.get(key)!.push({ name: label, points: clip(points), markers: true });
    }
  }
  const size = { width: panelWidth, height: panelHeight, xLabel: 'STEP' };
  const panels: RasterImage[] = [];
  if (lossSeries.length > 0) panels.push(plotLines(lossSeries, { ...size, title: smoothing > 0 ? `TRAIN LOSS (EMA ${smoothing})` : 'TRAIN LOSS' }));
  for (const [key, series] of metricSeries) panels.push(plotLines(series, { ...size, title: key.toUpperCase() }));
  if (panels.length === 0) throw argError('plotRunComparison', 'runs', 'no loss and no accuracy points', 'logs with batch-end or eval-end events');
  return gridSheet(panels, { columns: panels.length, padding: 0, ...(title ? { title, captionScale: 2, padding: 4 } : {}) });
}

/** How closely two runs' train losses track each other over the steps both logged. */
export interface LossAgreement {
  /** Steps logged by both runs. */
  readonly commonSteps: number;
  /** The last common step. */
  readonly lastStep: number;
  /** max |a − b| over the first `window` common steps, and over all of them. */
  readonly maxAbsDiffEarly: number;
  readonly maxAbsDiff: number;
  /** mean |a − b| over all common steps. */
  readonly meanAbsDiff: number;
  /** max |a − b| / |b| over the first `window` common steps. */
  readonly maxRelDiffEarly: number;
  /** |mean(a) − mean(b)| over the last `window` common steps (the smoothed curves' gap at the end). */
  readonly finalWindowMeanDiff: number;
  readonly window: number;
  /**
   * The last common step up to which every pair agrees within `closeRel` relative (|a − b| ≤
   * closeRel·|b|); 0 when the first pair already differs. Where two backends' float rounding
   * starts to compound into different trajectories.
   */
  readonly closeUntil: number;
  readonly closeRel: number;
}

/**
 * Step-by-step comparison of two runs' train losses. Two backends running one config from one seed
 * start bit-close and drift apart only as rounding differences compound, so the early window says
 * whether they compute the same thing and the final-window means say whether they learn the same.
 * @example
 * lossAgreement(native.loss, webgpu.loss, 50).maxRelDiffEarly; // e.g. 3e-6
 */
export function lossAgreement(a: readonly CurvePoint[], b: readonly CurvePoint[], window = 50, closeRel = 1e-5): LossAgreement {
  if (!Number.isInteger(window) || window < 1) throw argError('lossAgreement', 'window', window, 'a positive integer');
  if (!(closeRel > 0)) throw argError('lossAgreement', 'closeRel', closeRel, 'a positive number');
  const byStep = new Map(b.map(([step, v]) => [step, v]));
  const pairs = a.filter(([step]) => byStep.has(step)).map(([step, v]) => [step, v, byStep.get(step)!] as const);
  if (pairs.length === 0) throw argError('lossAgreement', 'steps', 'no step logged by both runs', 'runs that share logged steps');
  const abs = pairs.map(([, x, y]) => Math.abs(x - y));
  const early = pairs.slice(0, window);
  const tail = pairs.slice(-window);
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  // Not Math.max(...xs): spreading 10^5+ steps overflows the call stack.
  const max = (xs: readonly number[]): number => xs.reduce((m, x) => (x > m || Number.isNaN(x) ? x : m), -Infinity);
  const firstApart = pairs.findIndex(([, x, y]) => !(Math.abs(x - y) <= closeRel * Math.abs(y)));
  const closeUntil = firstApart === -1 ? pairs[pairs.length - 1]![0] : firstApart === 0 ? 0 : pairs[firstApart - 1]![0];
  return {
    commonSteps: pairs.length,
    lastStep: pairs[pairs.length - 1]![0],
    maxAbsDiffEarly: max(abs.slice(0, window)),
    maxAbsDiff: max(abs),
    meanAbsDiff: mean(abs),
    maxRelDiffEarly: max(early.map(([, x, y]) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-12))),
    finalWindowMeanDiff: Math.abs(mean(tail.map(([, x]) => x)) - mean(tail.map(([, , y]) => y))),
    window,
    closeUntil,
    closeRel,
  };
}
