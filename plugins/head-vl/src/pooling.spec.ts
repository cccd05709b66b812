// The pooling modules and `createPooler`: small exact values, stream and shape errors, option checks.
import { readOptions, type RawOptions } from '@crossmodal/core';
import { manualSeed, randn, tensor, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { AttFlat, DensePooler, McanLayerNorm } from './pooling.ts';
import { createPooler, POOLING_OPTIONS, type Pooler } from './poolers.ts';

// [B=2, N=3, D=2]: row b, position n holds (10b + n, −(10b + n)).
const states = tensor([[[0, 0], [1, -1], [2, -2]], [[10, -10], [11, -11], [12, -12]]], [2, 3, 2]);
const mask = tensor([[1, 1, 0], [1, 0, 0]], [2, 3], { dtype: 'int32' });
const rows = (t: Tensor): number[][] => t.toArray() as number[][];

function pooler(config: RawOptions, dim = 2): Pooler {
  const o = readOptions('spec', config, ['dim', ...POOLING_OPTIONS]);
  return createPooler('spec', config, o, dim);
}

describe('DensePooler', () => {
  it('applies Linear then tanh (BERT/LXMERT) or ReLU (ViLBERT) to the first position', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      const p = new DensePooler(2, 1, activation);
      p.dense.weight.assign(tensor([[1, 2]], [1, 2]));
      p.dense.bias!.assign(tensor([0.5], [1]));
      // Row 1's first position (10, −10) → 10 − 20 + 0.5 = −9.5.
      expect(rows(p.forward(states))).toEqual(activation === 'tanh' ? [[Math.fround(Math.tanh(0.5))], [Math.fround(Math.tanh(-9.5))]] : [[0.5], [0]]);
    }
  });
});

describe('AttFlat', () => {
  it('with constant scores is the masked mean of each glimpse, then merge', () => {
    const flat = new AttFlat(2, 3, 2, 4);
    flat.att.weight.assign(tensor([[0, 0, 0], [0, 0, 0]], [2, 3])); // every score 0: uniform over real positions
    flat.merge.weight.assign(tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [4, 4]));
    flat.merge.bias!.assign(tensor([0, 0, 0, 0], [4]));
    // Both glimpses are the masked mean: row 0 = (0.5, −0.5), row 1 = (10, −10), concatenated twice.
    expect(rows(flat.forward(states, mask))).toEqual([[0.5, -0.5, 0.5, -0.5], [10, -10, 10, -10]]);
  });

  it('puts all weight on the highest-scoring real position when scores are sharp', () => {
    const flat = new AttFlat(2, 2, 1, 2);
    flat.fc.weight.assign(tensor([[1, 0], [0, 0]], [2, 2]));
    flat.fc.bias!.assign(tensor([0, 0], [2]));
    flat.att.weight.assign(tensor([[1000, 0]], [1, 2])); // score = 1000·relu(x₀): the largest x₀ wins
    flat.merge.weight.assign(tensor([[1, 0], [0, 1]], [2, 2]));
    flat.merge.bias!.assign(tensor([0, 0], [2]));
    // Row 0: position 2 (x₀ = 2) is padding, so position 1 wins; row 1: only position 0 is real.
    expect(rows(flat.forward(states, mask))).toEqual([[1, -1], [10, -10]]);
    expect(rows(flat.forward(states))).toEqual([[2, -2], [12, -12]]);
  });
});

describe('McanLayerNorm', () => {
  it('divides by the unbiased std plus eps (MCAN), not sqrt(var + eps)', () => {
    const norm = new McanLayerNorm(4, 0.5);
    // x = (1, 2, 3, 6): mean 3, centred (−2, −1, 0, 3), unbiased std √(14/3).
    const std = Math.sqrt(14 / 3);
    const got = norm.forward(tensor([[1, 2, 3, 6]], [1, 4])).dataSync();
    [-2, -1, 0, 3].forEach((c, i) => expect(got[i]).toBeCloseTo(c / (std + 0.5), 6));
    expect(() => new McanLayerNorm(1)).toThrow('McanLayerNorm: dim must be an integer ≥ 2 (the std divides by D − 1), got 1');
  });
});

describe('createPooler', () => {
  it('builds each pooling with its output width', () => {
    manualSeed(0);
    const text = { states: randn([2, 4, 3]) };
    const vision = { states: randn([2, 5, 2]), mask: tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], [2, 5], { dtype: 'int32' }) };
    const input = { streams: { text, vision }, pooled: randn([2, 2]) };
    const cases: [RawOptions, number][] = [
      [{}, 2],
      [{ pooling: 'first', stream: 'vision' }, 2],
      [{ pooling: 'mean', stream: 'vision' }, 2],
      [{ pooling: 'cls-tanh', stream: 'vision', pooledDim: 5 }, 5],
      [{ pooling: 'product', textDim: 3, pooledDim: 6 }, 6],
      [{ pooling: 'att-flat', stream: 'vision', glimpses: 2, flatMlpDim: 4 }, 2],
      [{ pooling: 'att-flat-sum', textDim: 3, pooledDim: 7 }, 7],
    ];
    for (const [config, width] of cases) {
      const p = pooler(config);
      expect([p.kind, p.outDim]).toEqual([config['pooling'] ?? 'pooled', width]);
      expect(p.forward(input).shape).toEqual([2, width]);
    }
  });

  it('names an unknown pooling, an option the pooling does not read, and a missing pooled vector', () => {
    expect(() => pooler({ pooling: 'max' })).toThrow(
      "spec: pooling must be one of 'pooled', 'first', 'mean', 'cls-tanh', 'product', 'att-flat', 'att-flat-sum', got 'max'",
    );
    expect(() => pooler({ pooling: 'mean', glimpses: 2 })).toThrow("spec: option 'glimpses' does not apply to pooling 'mean' (it reads: stream)");
    expect(() => pooler({ stream: 'text', textDim: 3 })).toThrow("spec: options 'stream', 'textDim' do not apply to pooling 'pooled' (it reads: nothing)");
    expect(() => pooler({ pooling: 'product', productActivation: 'gelu' })).toThrow("spec: productActivation must be one of 'relu', 'tanh', got 'gelu'");
    expect(() => pooler({}).forward({ streams: {} })).toThrow("spec: pooling 'pooled' needs the model's pooled vector, but it gave none");
    expect(() => pooler({}, 3).forward({ streams: {}, pooled: randn([2, 2]) })).toThrow('spec: pooled vector must be [B, 3] (dim), got [2, 2]');
  });
});
