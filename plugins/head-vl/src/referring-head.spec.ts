// The `referring-expression` head: one logit per region, −∞ on padding, both losses by hand,
// targets on padding rejected, and no gradient into padded regions.
import { tensor, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { ReferringHead, referringHeadProvider } from './referring-head.ts';

// [B=2, N=3, D=2]; with fc = (1, 0) and bias 0 the region scores are the first feature.
const states = tensor([[[1, 5], [2, 5], [3, 5]], [[0, 1], [4, 1], [-1, 1]]], [2, 3, 2]);
const mask = tensor([[1, 1, 0], [1, 1, 1]], [2, 3], { dtype: 'int32' });
const ints = (v: number[]) => tensor(v, [v.length], { dtype: 'int32' });

function head(config: Record<string, unknown> = {}): ReferringHead {
  const h = new ReferringHead({ dim: 2, ...config });
  h.fc.weight.assign(tensor([[1, 0]], [1, 2]));
  h.fc.bias!.assign(tensor([0], [1]));
  return h;
}
const logSumExp = (xs: number[]): number => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
const bce = (x: number, y: number): number => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));

describe('ReferringHead', () => {
  it('scores each region of the vision stream, padding at −∞', () => {
    const { logits } = head().forward({ streams: { text: { states: tensor([[[9, 9]], [[9, 9]]], [2, 1, 2]) }, vision: { states, mask } } }, {});
    expect(logits.toArray()).toEqual([[1, 2, Number.NEGATIVE_INFINITY], [0, 4, -1]]);
  });

  it("'softmax-ce' is the cross-entropy over the real regions only", () => {
    const { loss } = head().forward({ streams: { vision: { states, mask } } }, { label: ints([0, 1]) });
    // Row 0 over regions {1, 2} (region 3 is padding); row 1 over all three.
    const want = (logSumExp([1, 2]) - 1 + (logSumExp([0, 4, -1]) - 4)) / 2;
    expect(loss!.item()).toBeCloseTo(want, 5);
  });

  it("'bce' sums the BCE over real regions and averages over the batch (ViLBERT's mean × N)", () => {
    const label = tensor([[1, 0, 0], [0, 1, 1]], [2, 3]);
    const { loss } = head({ loss: 'bce' }).forward({ streams: { vision: { states, mask } } }, { label });
    const want = (bce(1, 1) + bce(2, 0) + bce(0, 0) + bce(4, 1) + bce(-1, 1)) / 2;
    expect(loss!.item()).toBeCloseTo(want, 5);
    const noMask = head({ loss: 'bce' }).forward({ streams: { vision: { states } } }, { label }).loss!.item();
    expect(noMask).toBeCloseTo(want + bce(3, 0) / 2, 5);
  });

  it('sends no gradient to padded regions under either loss', () => {
    for (const [loss, label] of [['softmax-ce', ints([1, 2])], ['bce', tensor([[0, 1, 0], [1, 0, 0]], [2, 3])]] as [string, Tensor][]) {
      const x = states.clone().requireGrad();
      head({ loss }).forward({ streams: { vision: { states: x, mask } } }, { label }).loss!.backward();
      const g = x.grad!.toArray() as number[][][];
      expect(g[0]![2]).toEqual([0, 0]);
      expect(g[0]![0]![0]).not.toBe(0);
    }
  });

  it('rejects a target on a padding region and targets of the wrong kind', () => {
    const input = { streams: { vision: { states, mask } } };
    expect(() => head().forward(input, { label: ints([2, 0]) })).toThrow(
      "referring-expression: target 'label' marks region 2 of row 0, which the vision mask marks as padding",
    );
    expect(() => head({ loss: 'bce' }).forward(input, { label: tensor([[0, 0, 1], [1, 0, 0]], [2, 3]) })).toThrow('marks region 2 of row 0');
    expect(() => head().forward(input, { label: tensor([[1, 0, 0], [1, 0, 0]], [2, 3]) })).toThrow(
      "referring-expression: loss 'softmax-ce' needs target 'label' as int32 region indices [2], got float32 [2, 3]",
    );
    expect(() => head({ loss: 'bce' }).forward(input, { label: ints([0, 1]) })).toThrow(
      "referring-expression: loss 'bce' needs target 'label' as float32 per-region labels [2, 3], got int32 [2]",
    );
  });

  it('names the stream it needs and config errors', () => {
    expect(() => head().forward({ streams: { text: { states } } }, {})).toThrow("referring-expression: no stream 'vision' to read (streams: text)");
    expect(() => referringHeadProvider.create({ dim: 2, loss: 'ce' }, { seed: 0 })).toThrow("referring-expression: loss must be one of 'softmax-ce', 'bce', got 'ce'");
    expect(() => referringHeadProvider.create({}, { seed: 0 })).toThrow('referring-expression: dim must be an integer ≥ 1, got undefined');
  });
});
