// Training curves: parsing a JSONL log as logger-jsonl writes it, nice ticks, and the plotted image.
import { describe, expect, it } from 'vitest';
import { evaluationTable, parseRunEvents, plotTrainingCurves, runProcesses, smoothCurve } from './curves.ts';
import { decodePng, encodePng } from './png/png.ts';
import { formatTick, niceTicks, plotLines, SERIES_COLORS } from './plot.ts';

const time = '2025-01-02T03:04:05.678Z';
const log = [
  { time, type: 'run-start', runId: 'r', backend: 'cpu', backendReason: 'x', config: {} },
  ...Array.from({ length: 20 }, (_, i) => ({
    time, type: 'batch-end', epoch: i < 10 ? 0 : 1, step: i + 1, loss: 2.3 / (i + 1), lr: 0.001, examplesPerSecond: 100, batchSize: 8,
  })),
  { time, type: 'eval-end', epoch: 0, step: 10, split: 'test', metrics: { accuracy: 0.62, loss: 0.9 } },
  { time, type: 'batch-end', epoch: 1, step: 21, loss: null, lr: null, examplesPerSecond: 1, batchSize: 8 }, // NaN loss
  { time, type: 'eval-end', epoch: 1, step: 20, split: 'test', metrics: { accuracy: 0.81, loss: 0.5 } },
  { time, type: 'run-end', status: 'completed', epoch: 2, step: 20 },
].map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('parseRunEvents', () => {
  it('reads train loss and lr from batch-end and metrics from eval-end, skipping nulls', () => {
    const curves = parseRunEvents(log);
    expect(curves.loss.length).toBe(20);
    expect(curves.loss[1]).toEqual([2, 1.15]);
    expect(curves.lr.length).toBe(20);
    expect([...curves.metrics.keys()]).toEqual(['test/accuracy', 'test/loss']);
    expect(curves.metrics.get('test/accuracy')).toEqual([[10, 0.62], [20, 0.81]]);
  });

  it('keeps, for a resumed run, what the resumed process logged from its checkpoint step on', () => {
    const resumed = parseRunEvents([
      { type: 'run-start', runId: 'r' },
      { type: 'batch-end', step: 1, loss: 4, lr: 0.1 },
      { type: 'batch-end', step: 2, loss: 3, lr: 0.1 },
      { type: 'eval-end', step: 2, split: 'test', metrics: { accuracy: 0.5 } }, // checkpoint at step 2
      { type: 'batch-end', step: 3, loss: 100, lr: 0.1 }, // then killed after step 4's eval
      { type: 'batch-end', step: 4, loss: 100, lr: 0.1 },
      { type: 'eval-end', step: 4, split: 'test', metrics: { accuracy: 0.1 } },
      { type: 'run-start', runId: 'r' }, // --resume from step 2
      { type: 'batch-end', step: 3, loss: 2, lr: 0.05 },
      { type: 'batch-end', step: 4, loss: 1, lr: 0.05 },
      { type: 'eval-end', step: 4, split: 'test', metrics: { accuracy: 0.9 } },
    ].map((e) => JSON.stringify(e)).join('\n'));
    expect(resumed.loss).toEqual([[1, 4], [2, 3], [3, 2], [4, 1]]);
    expect(resumed.lr).toEqual([[1, 0.1], [2, 0.1], [3, 0.05], [4, 0.05]]);
    expect(resumed.metrics.get('test/accuracy')).toEqual([[2, 0.5], [4, 0.9]]);
  });

  it('names the line that is not JSON', () => {
    expect(() => parseRunEvents('{"type":"run-start"}\n{oops\n')).toThrow(/^parseRunEvents: line 2 is not JSON \(.*\): \{oops$/);
  });
});

describe('evaluationTable', () => {
  it('lists each evaluation with its metrics and the mean train loss since the one before', () => {
    const rows = evaluationTable(parseRunEvents(log));
    expect(rows.map((r) => r.step)).toEqual([10, 20]);
    expect(rows[0]!.metrics).toEqual({ 'test/accuracy': 0.62, 'test/loss': 0.9 });
    let first = 0;
    let second = 0;
    for (let i = 1; i <= 10; i++) first += 2.3 / i / 10;
    for (let i = 11; i <= 20; i++) second += 2.3 / i / 10;
    expect(rows[0]!.trainLoss).toBeCloseTo(first, 12);
    expect(rows[1]!.trainLoss).toBeCloseTo(second, 12);
  });

  it('cuts what an interrupted process logged past the step a resumed one restored', () => {
    const curves = parseRunEvents([
      { type: 'batch-end', step: 50, loss: 3, lr: 0.1 },
      { type: 'eval-end', step: 60, split: 'test', metrics: { accuracy: 0.5 } },
      { type: 'batch-end', step: 100, loss: 2, lr: 0.1 },
      { type: 'eval-end', step: 100, split: 'test', metrics: { accuracy: 0.6 } }, // killed; checkpoint at 60
      { type: 'restored', step: 60, epoch: 1, location: 'last' },
      { type: 'batch-end', step: 100, loss: 1.5, lr: 0.1 },
    ].map((e) => JSON.stringify(e)).join('\n'));
    expect(curves.loss).toEqual([[50, 3], [100, 1.5]]);
    expect(curves.metrics.get('test/accuracy')).toEqual([[60, 0.5]]);
  });

  it('has no train loss for an evaluation with no step logged since the one before', () => {
    const twice = parseRunEvents([
      { type: 'batch-end', step: 1, loss: 4, lr: 0.1 },
      { type: 'batch-end', step: 2, loss: 2, lr: 0.1 },
      { type: 'eval-end', step: 2, split: 'test', metrics: { accuracy: 0.7 } },
      { type: 'eval-end', step: 3, split: 'test', metrics: { accuracy: 0.8 } },
    ].map((e) => JSON.stringify(e)).join('\n'));
    expect(evaluationTable(twice)).toEqual([
      { step: 2, trainLoss: 3, metrics: { 'test/accuracy': 0.7 } },
      { step: 3, trainLoss: null, metrics: { 'test/accuracy': 0.8 } },
    ]);
  });
});

describe('runProcesses', () => {
  it('lists each process of a resumed run with the steps it trained and how long it ran', () => {
    const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
    const processes = runProcesses([
      { time: at(0), type: 'run-start' },
      { time: at(10), type: 'batch-end', step: 1 },
      { time: at(20), type: 'batch-end', step: 2 },
      { time: at(25), type: 'eval-end', step: 2 }, // then killed
      { time: at(3600), type: 'run-start' }, // resumed at step 1
      { time: at(3610), type: 'batch-end', step: 2 },
      { time: at(3620), type: 'batch-end', step: 3 },
      { time: at(3630), type: 'run-end', step: 3 },
      { time: at(7200), type: 'run-start' }, // resumed after the end: nothing left to train
      { time: at(7201), type: 'run-end', step: 3 },
    ].map((e) => JSON.stringify(e)).join('\n'));
    expect(processes).toEqual([{ fromStep: 0, toStep: 2, seconds: 25 }, { fromStep: 1, toStep: 3, seconds: 30 }, { fromStep: 3, toStep: 3, seconds: 1 }]);
  });

  it('takes a resumed process\'s start from its restored event, whatever steps are logged', () => {
    const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
    // logEvery 50: a fresh run's first logged step is 50, a resumed one's the next multiple of 50.
    const processes = runProcesses([
      { time: at(0), type: 'run-start' },
      { time: at(10), type: 'batch-end', step: 50 },
      { time: at(20), type: 'batch-end', step: 100 }, // killed; its last checkpoint was at step 80
      { time: at(100), type: 'run-start' },
      { time: at(101), type: 'restored', step: 80, epoch: 2, location: 'runs/x/checkpoints/last' },
      { time: at(110), type: 'batch-end', step: 100 },
      { time: at(120), type: 'run-end', step: 120 },
    ].map((e) => JSON.stringify(e)).join('\n'));
    expect(processes).toEqual([{ fromStep: 0, toStep: 100, seconds: 20 }, { fromStep: 80, toStep: 120, seconds: 20 }]);
  });

  it('skips lines without a time, and says what it wanted when given no text', () => {
    expect(runProcesses('{"type":"run-start"}\n{"type":"batch-end","step":1}\n')).toEqual([]);
    expect(() => runProcesses(undefined as unknown as string)).toThrow('runProcesses: jsonl must be the text of a JSONL event log');
  });
});

describe('smoothCurve', () => {
  it('is a debiased exponential moving average', () => {
    const s = smoothCurve([[1, 1], [2, 0]], 0.5);
    expect(s[0]).toEqual([1, 1]);
    expect(s[1]![1]).toBeCloseTo(1 / 3, 12); // (0.5·0.5·1 + 0.5·0) / (1 − 0.25)
    expect(() => smoothCurve([], 1)).toThrow('smoothCurve: weight must be a number in [0, 1), got 1');
  });
});

describe('niceTicks', () => {
  it('picks 1, 2 or 5 × 10^k steps covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97, 5)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(0.013, 0.052, 4)).toEqual([0.02, 0.03, 0.04, 0.05]);
    expect(formatTick(0.4, 0.2)).toBe('0.4');
    expect(formatTick(2000, 500)).toBe('2000');
  });
});

describe('plotTrainingCurves', () => {
  it('draws a loss panel and an accuracy panel side by side, decodable as PNG', () => {
    const image = plotTrainingCurves(parseRunEvents(log), { panelWidth: 300, panelHeight: 200 });
    expect([image.width, image.height]).toEqual([600, 200]);
    const decoded = decodePng(encodePng(image));
    expect([decoded.width, decoded.height]).toEqual([600, 200]);
    const colours = new Set<string>();
    for (let i = 0; i < image.data.length; i += 3) colours.add(image.data.subarray(i, i + 3).join(','));
    expect(colours.has(SERIES_COLORS[0]!.join(','))).toBe(true); // train loss / accuracy line
    expect(colours.has(SERIES_COLORS[1]!.join(','))).toBe(true); // test loss line
  });

  it('draws only the loss panel when the log has no accuracy, and refuses an empty log', () => {
    const onlyLoss = log.split('\n').filter((l) => !l.includes('eval-end')).join('\n');
    expect(plotTrainingCurves(parseRunEvents(onlyLoss), { panelWidth: 300, panelHeight: 200 }).width).toBe(300);
    expect(() => plotTrainingCurves(parseRunEvents(''))).toThrow(
      'plotTrainingCurves: curves must be a log with batch-end or eval-end events, got "no loss and no accuracy points"',
    );
  });
});

describe('plotLines', () => {
  it('puts a point at the plot area corner and refuses non-finite points', () => {
    const image = plotLines([{ name: 'A', points: [[0, 0], [1, 1]], color: [255, 0, 0] }], { width: 100, height: 80 });
    let red = 0;
    for (let i = 0; i < image.data.length; i += 3) if (image.data[i] === 255 && image.data[i + 1] === 0) red++;
    expect(red).toBeGreaterThan(20); // the line, two markers and the legend swatch
    expect(() => plotLines([{ name: 'A', points: [[0, Number.NaN]] }])).toThrow('plotLines: series[0].points[0] must be finite [x, y], got [0, NaN]');
  });
});
