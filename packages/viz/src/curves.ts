// Training curves from a run's JSONL log (@crossmodal/logger-jsonl): train loss and eval metrics vs step, as one image.
import { argError } from './errors.ts';
import { gridSheet } from './grid.ts';
import type { RasterImage } from './image.ts';
import { plotLines, type Series } from './plot.ts';

/** A point of a curve: optimizer step and value. */
export type CurvePoint = readonly [step: number, value: number];

/** What a run's log says about its progress. */
export interface RunCurves {
  /** Train loss per step, from batch-end events. */
  readonly loss: readonly CurvePoint[];
  /** Learning rate per step, from batch-end events. */
  readonly lr: readonly CurvePoint[];
  /** Eval metrics by `split/metric` (e.g. `test/accuracy`), from eval-end events. */
  readonly metrics: ReadonlyMap<string, readonly CurvePoint[]>;
}

/** The fields we read, mirroring `TrainEvent` in @crossmodal/core's bus (viz may not import core). */
type LoggedEvent =
  | { type: 'batch-end'; step: number; loss: number | null; lr: number | null }
  | { type: 'eval-end'; step: number; split: string; metrics: Record<string, number | null> }
  | { type: 'restored'; step: number }
  | { type: string };

/**
 * Reads the curves out of a JSONL event log: batch-end gives loss and lr, eval-end gives metrics. Other events,
 * blank lines, and null values (the logger writes NaN/Infinity as null) are skipped. A resumed run appends
 * to its log from its checkpoint's step on: at its `restored` event (or, in logs without one, where the
 * steps go back) what the interrupted process logged past that step is dropped, so each step keeps the
 * value of the run that went on from it.
 * @example
 * const curves = parseRunEvents(readFileSync('runs/vit/events.jsonl', 'utf8'));
 * curves.metrics.get('test/accuracy'); // [[469, 0.81], [938, 0.86], …]
 */
export function parseRunEvents(jsonl: string): RunCurves {
  if (typeof jsonl !== 'string') throw argError('parseRunEvents', 'jsonl', jsonl, 'the text of a JSONL event log');
  const loss: CurvePoint[] = [];
  const lr: CurvePoint[] = [];
  const metrics = new Map<string, CurvePoint[]>();
  let lastStep = -Infinity;
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let event: LoggedEvent;
    try {
      event = JSON.parse(line) as LoggedEvent;
    } catch (e) {
      throw new Error(`parseRunEvents: line ${i + 1} is not JSON (${(e as Error).message}): ${line.slice(0, 60)}`);
    }
    if (typeof event !== 'object' || event === null) throw new Error(`parseRunEvents: line ${i + 1} is not a JSON object`);
    // Resumed: forget what the interrupted process logged past `step` (each series is in step order).
    const cutAfter = (step: number): void => {
      const keep = (points: CurvePoint[]): void => {
        const at = points.findIndex(([s]) => s > step);
        if (at >= 0) points.length = at;
      };
      keep(loss);
      keep(lr);
      for (const points of metrics.values()) keep(points);
      lastStep = step;
    };
    if (event.type === 'restored' && 'step' in event && typeof event.step === 'number') {
      cutAfter(event.step);
    } else if (event.type === 'batch-end' && 'loss' in event) {
      if (event.step <= lastStep) cutAfter(event.step - 1);
      lastStep = event.step;
      if (typeof event.loss === 'number') loss.push([event.step, event.loss]);
      if (typeof event.lr === 'number') lr.push([event.step, event.lr]);
    } else if (event.type === 'eval-end' && 'metrics' in event) {
      for (const [name, value] of Object.entries(event.metrics ?? {})) {
        if (typeof value !== 'number') continue;
        const key = `${event.split}/${name}`;
        if (!metrics.has(key)) metrics.set(key, []);
        metrics.get(key)!.push([event.step, value]);
      }
    }
  });
  return { loss, lr, metrics };
}

/** One process of a run (a run resumed twice has three), as {@link runProcesses} lists them. */
export interface RunProcess {
  /** The step it started from (0, or the checkpoint's step it resumed at). */
  readonly fromStep: number;
  /** The last step it logged (= fromStep when it trained no step). */
  readonly toStep: number;
  /** Seconds from its run-start to its last logged event. */
  readonly seconds: number;
}

/**
 * The processes a run's log holds, one per run-start, with how long each ran by the log's `time`
 * fields: a run resumed across sessions adds them up. Lines without a valid `time` are skipped.
 * @example
 * runProcesses(log).reduce((s, p) => s + p.seconds, 0); // the run's wall time, over every resume
 */
export function runProcesses(jsonl: string): RunProcess[] {
  if (typeof jsonl !== 'string') throw argError('runProcesses', 'jsonl', jsonl, 'the text of a JSONL event log');
  const processes: { fromStep: number | undefined; toStep: number; start: number; end: number; first: boolean }[] = [];
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    let event: { type?: unknown; time?: unknown; step?: unknown };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      continue; // parseRunEvents names bad lines
    }
    const time = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
    if (Number.isNaN(time)) continue;
    if (event.type === 'run-start') {
      processes.push({ fromStep: undefined, toStep: 0, start: time, end: time, first: processes.length === 0 });
      continue;
    }
    const current = processes.at(-1);
    if (!current) continue;
    current.end = time;
    if (event.type === 'restored' && typeof event.step === 'number') {
      current.fromStep = event.step;
      current.toStep = Math.max(current.toStep, event.step);
    } else if (event.type === 'batch-end' && typeof event.step === 'number') {
      // Without a restored event a process starts at 0 (the log's first) or, in logs written before
      // that event existed, about where its first logged step says (exact when every step is logged).
      current.fromStep ??= current.first ? 0 : event.step - 1;
      current.toStep = event.step;
    } else if (event.type === 'run-end' && typeof event.step === 'number') {
      current.toStep = Math.max(current.toStep, event.step);
    }
  }
  return processes.map(({ fromStep, toStep, start, end }) => ({ fromStep: fromStep ?? toStep, toStep: Math.max(toStep, fromStep ?? 0), seconds: (end - start) / 1000 }));
}

/** One evaluation of a run, as {@link evaluationTable} lists them. */
export interface EvaluationRow {
  /** The optimizer step it was made at. */
  readonly step: number;
  /** Mean train loss over the steps logged since the previous evaluation (null when none was logged). */
  readonly trainLoss: number | null;
  /** Every metric logged at this step, by `split/metric`. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The run's evaluations in step order, each with the mean train loss since the one before: the
 * per-epoch table a report quotes (`crossmodal curves --json`).
 * @example
 * evaluationTable(parseRunEvents(log))[0]; // { step: 938, trainLoss: 1.53, metrics: { 'test/accuracy': 0.81, … } }
 */
export function evaluationTable(curves: RunCurves): EvaluationRow[] {
  const byStep = new Map<number, Record<string, number>>();
  for (const [key, points] of curves.metrics) {
    for (const [step, value] of points) {
      if (!byStep.has(step)) byStep.set(step, {});
      byStep.get(step)![key] = value;
    }
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const loss = [...curves.loss].sort((a, b) => a[0] - b[0]);
  let i = 0;
  return steps.map((step) => {
    let sum = 0;
    let count = 0;
    for (; i < loss.length && loss[i]![0] <= step; i++, count++) sum += loss[i]![1];
    return { step, trainLoss: count === 0 ? null : sum / count, metrics: byStep.get(step)! };
  });
}

/**
 * Exponential moving average of the values (as TensorBoard's smoothing slider, debiased at the start).
 * @example
 * smoothCurve([[1, 1], [2, 0]], 0.5); // [[1, 1], [2, 0.333…]]
 */
export function smoothCurve(points: readonly CurvePoint[], weight: number): CurvePoint[] {
  if (!(weight >= 0 && weight < 1)) throw argError('smoothCurve', 'weight', weight, 'a number in [0, 1)');
  let acc = 0;
  return points.map(([step, v], i) => {
    acc = acc * weight + (1 - weight) * v;
    return [step, acc / (1 - weight ** (i + 1))] as const;
  });
}

/** Options of {@link plotTrainingCurves}. */
export interface TrainingCurvesOptions {
  /** Size of each panel (default 480×320). */
  readonly panelWidth?: number;
  readonly panelHeight?: number;
  /** EMA weight for the train loss line, in [0, 1) (default 0: raw). */
  readonly smoothing?: number;
  /** Title above the panels (default none). */
  readonly title?: string;
}

/** Metric names plotted in the accuracy panel. */
const ACCURACY = /acc|top-?1|top-?5|vqa/i;

/**
 * Training curves as one image: a loss panel (train loss, and eval metrics named like 'loss') and, when the log has
 * any, an accuracy panel (eval metrics named like 'accuracy', 'top1', 'top5', 'vqa…'), both against the step.
 * @example
 * const png = encodePng(plotTrainingCurves(parseRunEvents(text), { smoothing: 0.6, title: 'VIT-TINY FASHION-MNIST' }));
 */
export function plotTrainingCurves(curves: RunCurves, options: TrainingCurvesOptions = {}): RasterImage {
  const { panelWidth = 480, panelHeight = 320, smoothing = 0, title } = options;
  if (!curves || !Array.isArray(curves.loss) || !(curves.metrics instanceof Map)) {
    throw argError('plotTrainingCurves', 'curves', curves, 'RunCurves from parseRunEvents');
  }
  const lossSeries: Series[] = [];
  if (curves.loss.length > 0) lossSeries.push({ name: 'TRAIN', points: smoothing > 0 ? smoothCurve(curves.loss, smoothing) : [...curves.loss] });
  const accSeries: Series[] = [];
  for (const [key, points] of curves.metrics) {
    const metric = key.slice(key.indexOf('/') + 1);
    if (/loss/i.test(metric)) lossSeries.push({ name: key.toUpperCase(), points, markers: true });
    else if (ACCURACY.test(metric)) accSeries.push({ name: key.toUpperCase(), points, markers: true });
  }
  if (lossSeries.length === 0 && accSeries.length === 0) {
    throw argError('plotTrainingCurves', 'curves', 'no loss and no accuracy points', 'a log with batch-end or eval-end events');
  }
  const size = { width: panelWidth, height: panelHeight, xLabel: 'STEP' };
  const panels = [plotLines(lossSeries, { ...size, title: 'LOSS' })];
  if (accSeries.length > 0) panels.push(plotLines(accSeries, { ...size, title: 'ACCURACY' }));
  return gridSheet(panels, { columns: panels.length, padding: 0, ...(title ? { title, captionScale: 2, padding: 4 } : {}) });
}
