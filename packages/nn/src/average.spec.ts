// Uniform and greedy soups: exact means, one error listing every mismatch, the greedy rule's keep/drop decisions.
import { describe, expect, it } from 'vitest';
import { tensor } from '@crossmodal/tensor';
import { averageStateDicts, CheckpointMismatchError, greedySoup, type HostStateDict } from './average.ts';
import { tensorsToHost, type HostTensor } from './io/index.ts';

const f = (shape: number[], ...xs: number[]): HostTensor => ({ dtype: 'float32', shape, data: Float32Array.from(xs) });
const i = (shape: number[], ...xs: number[]): HostTensor => ({ dtype: 'int32', shape, data: Int32Array.from(xs) });
const ckpt = (w: number[], b: number, step = 7): Map<string, HostTensor> =>
  new Map([['fc.weight', f([2, 2], ...w)], ['fc.bias', f([1], b)], ['step', i([], step)]]);
const values = (sd: Map<string, HostTensor>, key: string): number[] => [...sd.get(key)!.data];

describe('averageStateDicts', () => {
  it('averages float tensors element-wise, copies equal integer entries, keeps the key order', () => {
    const soup = averageStateDicts([ckpt([1, 2, 3, 4], 0), ckpt([3, 4, 5, 6], 1), ckpt([2, 0, 1, 2], 5)]);
    expect([...soup.keys()]).toEqual(['fc.weight', 'fc.bias', 'step']);
    expect(values(soup, 'fc.weight')).toEqual([2, 2, 3, 4]);
    expect(values(soup, 'fc.bias')).toEqual([2]);
    expect(soup.get('step')).toEqual(i([], 7));
    expect(soup.get('fc.weight')!.shape).toEqual([2, 2]);
  });

  it('sums in float64, so the mean rounds once and does not depend on the order', () => {
    const big = 2 ** 24; // float32 cannot hold big + 1
    const dicts = [big, 1, 1, -big].map((x) => ({ w: f([1], x) }));
    expect(values(averageStateDicts(dicts), 'w')).toEqual([0.5]);
    expect(values(averageStateDicts([...dicts].reverse()), 'w')).toEqual([0.5]);
  });

  it('accepts records as well as maps, and a single checkpoint as its own mean', () => {
    const one: HostStateDict = { w: f([2], 1.5, -2) };
    expect(values(averageStateDicts([one]), 'w')).toEqual([1.5, -2]);
  });

  it('lists every missing, unexpected, mis-shaped and unequal key per checkpoint in one error', () => {
    const good = ckpt([1, 2, 3, 4], 0);
    const bad1 = new Map([['fc.weight', f([4], 1, 2, 3, 4)], ['extra', f([1], 0)], ['step', i([], 7)]]);
    const bad2 = ckpt([1, 2, 3, 4], 0, 8);
    const run = () => averageStateDicts([good, bad1, good, bad2], { names: ['a.pth', 'b.pth', 'c.pth', 'd.pth'] });
    expect(run).toThrow(CheckpointMismatchError);
    expect(run).toThrow([
      'averageStateDicts: the checkpoints do not match the first (a.pth):',
      '  b.pth:',
      '    missing keys (1): fc.bias',
      '    unexpected keys (1): extra',
      '    mis-shaped keys (1):',
      '      fc.weight: expected [2, 2] float32, got [4] float32',
      '  d.pth:',
      '    integer entries that differ, which must be equal (1): step (8 vs 7 at flat index 0)',
    ].join('\n'));
    try {
      run();
    } catch (e) {
      expect((e as CheckpointMismatchError).mismatches.map((m) => m.checkpoint)).toEqual(['b.pth', 'd.pth']);
    }
  });

  it('rejects a dtype change, no checkpoints, and data that does not fit its shape', () => {
    expect(() => averageStateDicts([{ s: i([1], 1) }, { s: f([1], 1) }])).toThrow('s: expected [1] int32, got [1] float32');
    expect(() => averageStateDicts([])).toThrow('averageStateDicts: needs at least one checkpoint, got none');
    expect(() => averageStateDicts([{ w: f([3], 1) }])).toThrow('#0 has tensors whose data does not fit their shape: w (1 values for [3])');
    // A later checkpoint is checked too, and named: its shape and dtype match the first's, its data does not.
    const good = { w: f([2], 1, 2) };
    const short = { w: f([2], 1) };
    expect(() => averageStateDicts([good, short, good, short], { names: ['a', 'b', 'c', 'd'] })).toThrow(
      'averageStateDicts: b has tensors whose data does not fit their shape: w (1 values for [2]); d has tensors whose data does not fit their shape: w (1 values for [2])',
    );
    expect(() => averageStateDicts([good, short])).toThrow('#1 has tensors whose data does not fit their shape: w (1 values for [2])');
  });

  it("averages a module's state dict read back from engine tensors", async () => {
    const a = await tensorsToHost({ w: tensor([1, 2], [2]) });
    const b = await tensorsToHost({ w: tensor([3, 6], [2]) });
    expect(values(averageStateDicts([a, b]), 'w')).toEqual([2, 4]);
  });
});

describe('greedySoup', () => {
  // The "score" of a soup is minus the distance of its bias to 1: candidates near 1 help, far ones hurt.
  const evaluate = (sd: Map<string, HostTensor>): number => -Math.abs(sd.get('fc.bias')!.data[0]! - 1);

  it('keeps a candidate only when the soup with it does not score worse', async () => {
    const candidates = [ckpt([0, 0, 0, 0], 1), ckpt([2, 2, 2, 2], 1), ckpt([4, 4, 4, 4], 9), ckpt([6, 6, 6, 6], 1.5)];
    const seen: number[] = [];
    const { soup, kept, score, steps } = await greedySoup(candidates, async (sd) => {
      seen.push(sd.get('fc.bias')!.data[0]!);
      return evaluate(sd);
    });
    // bias 1 → soup; +1 (mean 1, tie kept); +9 (mean 11/3, worse, dropped); +1.5 (mean 3.5/3, worse, dropped)
    expect(seen).toEqual([1, 1, 11 / 3, Math.fround(3.5 / 3)].map(Math.fround));
    expect(kept).toEqual([0, 1]);
    expect(steps.map((s) => s.kept)).toEqual([true, true, false, false]);
    expect(score).toBe(-0);
    expect(values(soup, 'fc.weight')).toEqual([1, 1, 1, 1]);
  });

  it('ranks by given scores (best first) and does not re-evaluate the best', async () => {
    const candidates = [ckpt([0, 0, 0, 0], 5), ckpt([2, 2, 2, 2], 1), ckpt([4, 4, 4, 4], 1)];
    let calls = 0;
    const result = await greedySoup(candidates, (sd) => (calls++, evaluate(sd)), { scores: [0.1, 0.9, 0.5] });
    expect(result.steps.map((s) => s.index)).toEqual([1, 2, 0]);
    expect(result.steps[0]!.score).toBe(0.9);
    expect(calls).toBe(2);
    // The given best score (0.9) is above what evaluate returns, so nothing joins.
    expect(result.kept).toEqual([1]);
  });

  it('treats a smaller score as better when told (a loss)', async () => {
    const loss = (sd: Map<string, HostTensor>): number => -evaluate(sd);
    const result = await greedySoup([ckpt([0, 0, 0, 0], 1), ckpt([0, 0, 0, 0], 3)], loss, { higherIsBetter: false });
    expect(result.kept).toEqual([0]);
    expect(result.steps[1]).toEqual({ index: 1, score: 1, kept: false });
  });

  it('checks every candidate before evaluating, and rejects NaN scores', async () => {
    let calls = 0;
    const counted = (): number => ++calls;
    await expect(greedySoup([ckpt([0, 0, 0, 0], 1), new Map()], counted)).rejects.toThrow(/#1:\n {4}missing keys \(3\)/);
    expect(calls).toBe(0);
    await expect(greedySoup([ckpt([0, 0, 0, 0], 1)], () => NaN, { names: ['a.pth'] })).rejects.toThrow(
      'greedySoup: evaluate returned NaN for the soup with candidate a.pth, expected a number',
    );
    await expect(greedySoup([ckpt([0, 0, 0, 0], 1)], counted, { scores: [1, 2] })).rejects.toThrow(/scores must be 1 numbers/);
  });
});
