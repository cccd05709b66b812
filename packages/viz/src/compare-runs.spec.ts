// Run comparison: one line per run in each panel, and the agreement numbers of two loss curves.
import { describe, expect, it } from 'vitest';
import { lossAgreement, plotRunComparison } from './compare-runs.ts';
import type { CurvePoint, RunCurves } from './curves.ts';
import { SERIES_COLORS } from './plot.ts';

const run = (loss: readonly CurvePoint[], accuracy: readonly CurvePoint[] = []): RunCurves => ({
  loss, lr: [], metrics: new Map(accuracy.length ? [['test/accuracy', accuracy], ['test/loss', [[10, 1]] as CurvePoint[]]] : []),
});
const count = (image: ReturnType<typeof plotRunComparison>, [r, g, b]: readonly number[]): number => {
  let n = 0;
  for (let i = 0; i < image.data.length; i += 3) if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) n++;
  return n;
};

describe('plotRunComparison', () => {
  const a = run(Array.from({ length: 20 }, (_, i) => [i + 1, 2 / (i + 1)] as const), [[10, 0.5], [20, 0.7]]);
  const b = run(Array.from({ length: 20 }, (_, i) => [i + 1, 2.2 / (i + 1)] as const), [[10, 0.4], [20, 0.8]]);

  it('draws a loss panel and an accuracy panel, each with a line per run in its own colour', () => {
    const image = plotRunComparison([{ label: 'A', curves: a }, { label: 'B', curves: b }], { panelWidth: 300, panelHeight: 200 });
    expect([image.width, image.height]).toEqual([600, 200]);
    expect(count(image, SERIES_COLORS[0]!)).toBeGreaterThan(50);
    expect(count(image, SERIES_COLORS[1]!)).toBeGreaterThan(50);
    const lossOnly = plotRunComparison([{ label: 'A', curves: run(a.loss) }], { panelWidth: 300, panelHeight: 200 });
    expect(lossOnly.width).toBe(300);
    expect(count(lossOnly, SERIES_COLORS[1]!)).toBe(0);
  });

  it('clips at maxStep and refuses empty input', () => {
    const full = plotRunComparison([{ label: 'A', curves: a }], { panelWidth: 300, panelHeight: 200 });
    const clipped = plotRunComparison([{ label: 'A', curves: a }], { panelWidth: 300, panelHeight: 200, maxStep: 5 });
    expect(clipped.data).not.toEqual(full.data);
    expect(() => plotRunComparison([])).toThrow(/plotRunComparison: runs .*non-empty/);
    expect(() => plotRunComparison([{ label: 'X', curves: run([]) }])).toThrow(/no loss and no accuracy points/);
  });
});

describe('lossAgreement', () => {
  it('compares the steps both runs logged', () => {
    const x: CurvePoint[] = [[1, 2], [2, 1.5], [3, 1], [4, 0.5]];
    const y: CurvePoint[] = [[2, 1.5], [3, 1.1], [4, 0.4], [5, 9]];
    const r = lossAgreement(x, y, 2);
    expect(r.commonSteps).toBe(3);
    expect(r.lastStep).toBe(4);
    expect(r.maxAbsDiffEarly).toBeCloseTo(0.1, 12);
    expect(r.maxAbsDiff).toBeCloseTo(0.1, 12);
    expect(r.meanAbsDiff).toBeCloseTo(0.2 / 3, 12);
    expect(r.maxRelDiffEarly).toBeCloseTo(0.1 / 1.1, 12);
    expect(r.finalWindowMeanDiff).toBeCloseTo(0, 12); // (1 + 0.5)/2 vs (1.1 + 0.4)/2
    expect(r.closeUntil).toBe(2); // step 3 differs by 0.1 / 1.1 relative
  });

  it('finds the last step up to which the runs agree within closeRel', () => {
    const x: CurvePoint[] = [[10, 2], [20, 1.5], [30, 1.2], [40, 1]];
    const y: CurvePoint[] = [[10, 2], [20, 1.5 * (1 + 5e-7)], [30, 1.2 * (1 + 2e-5)], [40, 1]];
    expect(lossAgreement(x, y, 50).closeUntil).toBe(20);
    expect(lossAgreement(x, y, 50, 1e-4).closeUntil).toBe(40);
    expect(lossAgreement([[1, 1]], [[1, 2]]).closeUntil).toBe(0);
    expect(lossAgreement(x, x).closeUntil).toBe(40);
    expect(() => lossAgreement(x, y, 50, 0)).toThrow(/closeRel/);
  });

  it('takes runs of 10^5+ logged steps (no argument spreading past the call stack)', () => {
    const n = 300_000;
    const x = Array.from({ length: n }, (_, i) => [i + 1, 1] as CurvePoint);
    const y = Array.from({ length: n }, (_, i) => [i + 1, i === n - 7 ? 1.5 : 1] as CurvePoint);
    const r = lossAgreement(x, y, 50);
    expect([r.commonSteps, r.maxAbsDiff, r.maxAbsDiffEarly, r.closeUntil]).toEqual([n, 0.5, 0, n - 7]); // the steps before the one that differs
    const image = plotRunComparison([{ label: 'A', curves: run(x) }, { label: 'B', curves: run(y) }], { panelWidth: 300, panelHeight: 200 });
    expect(count(image, SERIES_COLORS[1]!)).toBeGreaterThan(50);
  });

  it('says when the runs share no step, and checks the window', () => {
    expect(() => lossAgreement([[1, 1]], [[2, 1]])).toThrow(/no step logged by both runs/);
    expect(() => lossAgreement([[1, 1]], [[1, 1]], 0)).toThrow(/window/);
  });
});
