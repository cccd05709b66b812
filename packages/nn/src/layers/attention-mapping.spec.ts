// Weight-name maps between MultiHeadAttention and torch.nn.MultiheadAttention / timm's fused qkv.
import { describe, expect, it } from 'vitest';
import { arange, memory, randn, tensor, tidy, zeros, type Tensor } from '@crossmodal/tensor';
import { fromTimmAttention, fromTorchMultiheadAttention, splitQkv, toTorchMultiheadAttention } from './attention-mapping.ts';
import { MultiHeadAttention } from './multi-head-attention.ts';

const rows = (t: Tensor): number[] => Array.from(t.dataSync());

describe('fromTorchMultiheadAttention', () => {
  it('splits in_proj_weight / in_proj_bias rows [q; k; v] and renames out_proj to proj', () => {
    tidy(() => {
      const E = 2;
      const sd = {
        in_proj_weight: arange(0, 3 * E * E).cast('float32').reshape([3 * E, E]),
        in_proj_bias: tensor([0, 1, 2, 3, 4, 5]),
        'out_proj.weight': tensor([[1, 0], [0, 1]]),
        'out_proj.bias': tensor([7, 8]),
      };
      const out = fromTorchMultiheadAttention(sd);
      expect(Object.keys(out)).toEqual(['q.weight', 'k.weight', 'v.weight', 'q.bias', 'k.bias', 'v.bias', 'proj.weight', 'proj.bias']);
      expect(out['q.weight']!.toArray()).toEqual([[0, 1], [2, 3]]);
      expect(out['k.weight']!.toArray()).toEqual([[4, 5], [6, 7]]);
      expect(out['v.weight']!.toArray()).toEqual([[8, 9], [10, 11]]);
      expect([rows(out['q.bias']!), rows(out['k.bias']!), rows(out['v.bias']!)]).toEqual([[0, 1], [2, 3], [4, 5]]);
      expect(rows(out['proj.bias']!)).toEqual([7, 8]);
      // The result loads into a layer of the same size, and maps back to the same torch dict.
      const attn = new MultiHeadAttention({ dim: E, heads: 1 });
      attn.loadStateDict(out);
      const back = toTorchMultiheadAttention(attn.stateDict());
      expect(Object.keys(back)).toEqual(['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
      expect(rows(back['in_proj_weight']!)).toEqual(rows(sd.in_proj_weight));
      expect(rows(back['in_proj_bias']!)).toEqual(rows(sd.in_proj_bias));
      attn.dispose();
    });
  });

  it('maps q/k/v_proj_weight (kdim ≠ embed_dim) and leaves its input untouched', () => {
    const before = memory().tensors;
    tidy(() => {
      const sd = {
        q_proj_weight: tensor([[1, 2]]),
        k_proj_weight: tensor([[3, 4, 5]]),
        v_proj_weight: tensor([[6, 7, 8]]),
        in_proj_bias: tensor([1, 2, 3]),
        'out_proj.weight': tensor([[1]]),
      };
      const out = fromTorchMultiheadAttention(sd);
      expect(Object.keys(out).sort()).toEqual(['k.bias', 'k.weight', 'proj.weight', 'q.bias', 'q.weight', 'v.bias', 'v.weight']);
      expect(rows(out['k.weight']!)).toEqual([3, 4, 5]);
      expect(rows(out['v.bias']!)).toEqual([3]);
      expect(sd.q_proj_weight.isDisposed).toBe(false);
    });
    expect(memory().tensors).toBe(before);
  });

  it('maps a bias=False layer (no in_proj_bias, no out_proj.bias) into { qkvBias: false, projBias: false }', () => {
    const E = 4;
    const bare = new MultiHeadAttention({ dim: E, heads: 2, qkvBias: false, projBias: false });
    expect(bare.namedParameters().map(([n]) => n)).toEqual(['q.weight', 'k.weight', 'v.weight', 'proj.weight']);
    const biased = new MultiHeadAttention({ dim: E, heads: 2 });
    tidy(() => {
      const sd = { in_proj_weight: randn([3 * E, E]), 'out_proj.weight': randn([E, E]) };
      const mapped = fromTorchMultiheadAttention(sd);
      expect(Object.keys(mapped)).toEqual(['q.weight', 'k.weight', 'v.weight', 'proj.weight']);
      expect(bare.loadStateDict(mapped)).toEqual({ missing: [], unexpected: [] });
      // The same weights with all-zero biases compute the same output.
      const zeroBiases = Object.fromEntries(['q.bias', 'k.bias', 'v.bias', 'proj.bias'].map((k) => [k, zeros([E])]));
      biased.loadStateDict({ ...mapped, ...zeroBiases });
      const x = randn([2, 3, E]);
      const [a, b] = [bare.forward(x).out, biased.forward(x).out];
      expect(a.shape).toEqual([2, 3, E]);
      const [da, db] = [a.dataSync(), b.dataSync()];
      da.forEach((v, i) => expect(v).toBeCloseTo(db[i]!, 6));
      // And back to the torch layout without biases.
      expect(Object.keys(toTorchMultiheadAttention(bare.stateDict()))).toEqual(['in_proj_weight', 'out_proj.weight']);
    });
    for (const m of [bare, biased]) m.dispose();
  });

  it('names what it cannot map', () => {
    tidy(() => {
      const base = { in_proj_weight: tensor([[1], [2], [3]]), 'out_proj.weight': tensor([[1]]) };
      expect(() => fromTorchMultiheadAttention({ ...base, bias_k: tensor([[[0]]]) })).toThrow('fromTorchMultiheadAttention: unsupported keys bias_k');
      expect(() => fromTorchMultiheadAttention({ in_proj_weight: base.in_proj_weight })).toThrow("missing 'out_proj.weight'");
      expect(() => splitQkv(tensor([[1], [2]]))).toThrow('[2, 1] does not split into 3 equal parts');
    });
  });
});

describe('fromTimmAttention', () => {
  it('splits qkv.weight [3·D, D] into q, k, v and keeps proj', () => {
    tidy(() => {
      const out = fromTimmAttention({
        'qkv.weight': arange(0, 6).cast('float32').reshape([3, 2]),
        'qkv.bias': tensor([1, 2, 3]),
        'proj.weight': tensor([[2]]),
        'proj.bias': tensor([0]),
      });
      expect(Object.keys(out)).toEqual(['q.weight', 'k.weight', 'v.weight', 'q.bias', 'k.bias', 'v.bias', 'proj.weight', 'proj.bias']);
      expect(rows(out['v.weight']!)).toEqual([4, 5]);
      expect(rows(out['k.bias']!)).toEqual([2]);
    });
  });
});
