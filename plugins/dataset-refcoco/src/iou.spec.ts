// IoU and region labels: exact small values, parity with ViLBERT's iou() on random boxes (golden
// from fixtures/make_fixtures.py), the labels of its refer task, and coverage reports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILES } from './fixtures.spec-helper.ts';
import { boxIou, groundingCorrect, labelRegions, regionCoverage, regionIous } from './iou.ts';
import type { Box } from './refer.ts';

interface Golden { regions: number[][]; targets: Box[]; iouPlusOne: number[][]; iou: number[][] }
const golden = JSON.parse(readFileSync(FILES.golden, 'utf8')) as Golden;

describe('boxIou', () => {
  it('computes pixel-inclusive IoU by default (ViLBERT’s) and continuous IoU on request', () => {
    expect(boxIou([0, 0, 9, 9], [5, 0, 14, 9])).toBe(50 / 150); // 10×10 boxes overlapping 5×10
    expect(boxIou([0, 0, 10, 10], [5, 0, 15, 10], { plusOne: false })).toBe(1 / 3);
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 10], { plusOne: false })).toBe(1);
    expect(boxIou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(boxIou([0, 0, 10, 10], [11, 0, 20, 10])).toBe(0); // touching only with the +1 convention: no overlap
    expect(boxIou([3, 3, 3, 3], [3, 3, 3, 3], { plusOne: false })).toBe(0); // zero area: no NaN
  });

  it('rejects a box that is not x1, y1, x2, y2', () => {
    expect(() => boxIou([10, 0, 5, 10], [0, 0, 1, 1])).toThrow('box a: got [10, 0, 5, 10], expected finite x1, y1, x2, y2 with x2 ≥ x1 and y2 ≥ y1');
    expect(() => regionIous([[0, 0, 1]], [0, 0, 1, 1])).toThrow('regions[0]: got [0,0,1], expected [x1, y1, x2, y2]');
    expect(() => regionIous({ data: new Float32Array(6), shape: [2, 3] }, [0, 0, 1, 1])).toThrow('regions: shape [2, 3] with 6 values, expected [N, 4]');
    expect(() => regionIous([[0, 0, 1, NaN]], [0, 0, 1, 1])).toThrow('regions[0]: got [0, 0, 1, NaN]');
  });
});

describe('regionIous', () => {
  it('matches ViLBERT’s iou() on 40 random regions × 6 targets, with and without the +1', () => {
    golden.targets.forEach((t, k) => {
      const plusOne = regionIous(golden.regions, t);
      const continuous = regionIous({ data: Float32Array.from(golden.regions.flat()), shape: [40, 4] }, t, { plusOne: false });
      golden.iouPlusOne[k]!.forEach((want, i) => expect(plusOne[i]).toBeCloseTo(want, 12));
      // The float32 copy of the boxes changes the inputs by < 1e-5 px: IoU by far less than 1e-6.
      golden.iou[k]!.forEach((want, i) => expect(continuous[i]).toBeCloseTo(want, 6));
    });
    expect(regionIous(golden.regions, golden.targets[0]!)[3]).toBe(1);
  });
});

describe('labelRegions', () => {
  const regions = [[0, 0, 99, 99], [0, 0, 49, 99], [50, 0, 149, 99], [300, 300, 310, 310], [0, 0, 99, 99]];
  const target: Box = [0, 0, 99, 99];

  it('gives the best region, a soft label (IoU ≥ 0.5 kept) and a multi-hot label', () => {
    const l = labelRegions(regions, target);
    expect(Array.from(l.ious)).toEqual([1, 0.5, Math.fround(50 / 150), 0, 1]);
    expect(l.best).toBe(0); // the first of two ties, as argmax
    expect(l.bestIou).toBe(1);
    expect(Array.from(l.soft)).toEqual([1, 0.5, 0, 0, 1]); // exactly 0.5 is a positive (ViLBERT zeroes < 0.5)
    expect(Array.from(l.multiHot)).toEqual([1, 1, 0, 0, 1]);
    expect([l.hit, l.positives]).toEqual([true, 3]);
    expect(Array.from(labelRegions(regions, target, { threshold: 0.9 }).multiHot)).toEqual([1, 0, 0, 0, 1]);
  });

  it('reports when no region reaches the threshold, and when there are none', () => {
    const miss = labelRegions([[300, 300, 310, 310], [0, 0, 20, 20]], target);
    expect([miss.hit, miss.best, miss.positives]).toEqual([false, 1, 0]);
    expect(miss.bestIou).toBeCloseTo(441 / 10000, 6);
    expect(Array.from(miss.soft)).toEqual([0, 0]);
    const none = labelRegions([], target);
    expect([none.hit, none.best, none.bestIou, none.ious.length]).toEqual([false, -1, 0, 0]);
    expect(() => labelRegions(regions, target, { threshold: 0 })).toThrow('threshold must be in (0, 1], got 0');
  });

  it('scores a choice as ViLBERT’s evaluation does (IoU > 0.5), and sums coverage', () => {
    const l = labelRegions(regions, target);
    expect([0, 1, 2].map((i) => groundingCorrect(l.ious, i))).toEqual([true, false, false]);
    expect(groundingCorrect(l.ious, 1, 0.5, true)).toBe(true);
    expect(() => groundingCorrect(l.ious, 5)).toThrow('chosen region 5 is out of range: expected 0..4');
    const report = regionCoverage([l, labelRegions([[300, 300, 310, 310]], target), l, labelRegions([], target)]);
    expect(report).toEqual({ total: 4, covered: 2, missed: [1, 3], upperBound: 0.5 });
    expect(regionCoverage([]).upperBound).toBe(1);
  });
});
