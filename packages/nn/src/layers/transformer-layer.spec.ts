// TransformerLayer: timm's names, pre- vs post-norm composition, and the cross-attention block.
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor, tidy, type Tensor } from '@crossmodal/tensor';
import { activationFn } from './activation.ts';
import { TransformerLayer } from './transformer-layer.ts';

function expectClose(a: Tensor, b: Tensor, atol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(atol);
}

const NAMES = [
  'norm1.weight', 'norm1.bias',
  'attn.q.weight', 'attn.q.bias', 'attn.k.weight', 'attn.k.bias', 'attn.v.weight', 'attn.v.bias', 'attn.proj.weight', 'attn.proj.bias',
  'norm2.weight', 'norm2.bias',
  'mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias',
];

describe('TransformerLayer', () => {
  it('names its parts as timm Block: norm1, attn, norm2, mlp', () => {
    const layer = new TransformerLayer({ dim: 8, heads: 2, mlpDim: 16 });
    expect(layer.namedParameters().map(([n]) => n)).toEqual(NAMES);
    layer.dispose();
  });

  it('pre-norm computes x + attn(ln1(x)), then + mlp(ln2(·))', () => {
    manualSeed(0);
    const layer = new TransformerLayer({ dim: 8, heads: 2, mlpDim: 16, norm: 'pre', eps: 1e-6 });
    tidy(() => {
      const x = randn([2, 3, 8]);
      const mask = tensor([[1, 1, 0], [1, 1, 1]], undefined, { dtype: 'int32' });
      const { out, probs } = layer.forward(x, { mask, returnProbs: true });
      const h = x.add(layer.attn.forward(layer.norm1.forward(x), { keyPaddingMask: mask }).out);
      expectClose(out, h.add(layer.mlp.forward(layer.norm2.forward(h))));
      expect(probs!.shape).toEqual([2, 2, 3, 3]);
    });
    layer.dispose();
  });

  it('post-norm computes ln1(x + attn(x)), then ln2(· + mlp(·))', () => {
    manualSeed(1);
    const layer = new TransformerLayer({ dim: 8, heads: 4, mlpDim: 16, norm: 'post', eps: 1e-12, activation: 'gelu-tanh' });
    tidy(() => {
      const x = randn([2, 3, 8]);
      const { out, probs } = layer.forward(x);
      const h = layer.norm1.forward(x.add(layer.attn.forward(x).out));
      expectClose(out, layer.norm2.forward(h.add(layer.mlp.forward(h))));
      expect(probs).toBeUndefined();
      // Post-norm output rows are normalised (weight 1, bias 0 at init); pre-norm rows are not.
      const row = (out.toArray() as number[][][])[0]![0]!;
      expect(row.reduce((a, v) => a + v, 0) / 8).toBeCloseTo(0, 5);
    });
    layer.dispose();
  });

  it('in training, post-norm drops only the MLP output (BERT), pre-norm also its hidden activations (timm)', () => {
    const x = randn([2, 3, 8]);
    for (const norm of ['post', 'pre'] as const) {
      const layer = new TransformerLayer({ dim: 8, heads: 2, mlpDim: 32, norm, dropout: 0.5 }).train();
      expect(layer.mlp.actDropout).toBe(norm === 'pre');
      tidy(() => {
        manualSeed(7);
        const { out } = layer.forward(x);
        // The same by hand with the same seed: BertIntermediate is dense → gelu (no dropout);
        // BertOutput is dense → dropout → LayerNorm(h + ·). timm's Mlp drops after gelu too.
        manualSeed(7);
        const { mlp } = layer;
        const hidden = (t: Tensor): Tensor => {
          const a = activationFn('gelu')(mlp.fc1.forward(t));
          return norm === 'pre' ? mlp.drop.forward(a) : a;
        };
        const ffn = (t: Tensor): Tensor => mlp.drop.forward(mlp.fc2.forward(hidden(t)));
        let ref: Tensor;
        if (norm === 'post') {
          const h = layer.norm1.forward(x.add(layer.attn.forward(x).out));
          ref = layer.norm2.forward(h.add(ffn(h)));
        } else {
          const h = x.add(layer.attn.forward(layer.norm1.forward(x)).out);
          ref = h.add(ffn(layer.norm2.forward(h)));
        }
        expectClose(out, ref);
        // And dropout really ran: in eval mode the output differs.
        const evalOut = layer.eval().forward(x).out;
        expect(Array.from(evalOut.dataSync())).not.toEqual(Array.from(out.dataSync()));
      });
      layer.dispose();
    }
    x.dispose();
  });

  it('adds a cross-attention block with its own head count and context width', () => {
    manualSeed(2);
    const layer = new TransformerLayer({ dim: 8, heads: 2, mlpDim: 16, crossAttention: true, contextDim: 6, crossHeads: 3, headDim: 2 });
    const names = layer.namedParameters().map(([n]) => n);
    expect(names.slice(10, 20)).toEqual([
      'normCross.weight', 'normCross.bias',
      'crossAttn.q.weight', 'crossAttn.q.bias', 'crossAttn.k.weight', 'crossAttn.k.bias', 'crossAttn.v.weight', 'crossAttn.v.bias',
      'crossAttn.proj.weight', 'crossAttn.proj.bias',
    ]);
    expect(layer.crossAttn!.k!.weight.shape).toEqual([6, 6]);
    tidy(() => {
      const x = randn([2, 3, 8]);
      const ctx = randn([2, 5, 6]);
      const contextMask = tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], undefined, { dtype: 'int32' });
      const { out, probs, crossProbs } = layer.forward(x, { context: ctx, contextMask, returnProbs: true });
      expect(out.shape).toEqual([2, 3, 8]);
      expect(probs!.shape).toEqual([2, 2, 3, 3]);
      expect(crossProbs!.shape).toEqual([2, 3, 3, 5]);
      const h = x.add(layer.attn.forward(layer.norm1.forward(x)).out);
      const c = h.add(layer.crossAttn!.forward(layer.normCross!.forward(h), { context: ctx, keyPaddingMask: contextMask }).out);
      expectClose(out, c.add(layer.mlp.forward(layer.norm2.forward(c))));
      expect(() => layer.forward(x)).toThrow('built with crossAttention, so forward needs a context');
    });
    layer.dispose();
  });

  it('rejects a context without cross-attention and an unknown norm placement', () => {
    const layer = new TransformerLayer({ dim: 4, heads: 1, mlpDim: 4 });
    tidy(() => {
      expect(() => layer.forward(randn([1, 2, 4]), { context: randn([1, 2, 4]) })).toThrow('built without crossAttention');
    });
    expect(() => new TransformerLayer({ dim: 4, heads: 1, mlpDim: 4, norm: 'sandwich' as 'pre' })).toThrow("norm must be 'pre' or 'post', got 'sandwich'");
    layer.dispose();
  });
});
