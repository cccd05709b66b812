// MultiHeadAttention: self/cross, head counts, masks, the fused layout, and gradients vs finite differences.
import { describe, expect, it } from 'vitest';
import { concat, manualSeed, matmul, randn, slice, softmax, tensor, tidy, type Tensor } from '@crossmodal/tensor';
import { checkGrads } from '@crossmodal/tensor/testing';
import type { Module } from '../module.ts';
import { MultiHeadAttention } from './multi-head-attention.ts';
import { fromTimmAttention } from './attention-mapping.ts';

const ints = (data: number[][]) => tensor(data, undefined, { dtype: 'int32' });

function expectClose(a: Tensor, b: Tensor, atol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [a.dataSync(), b.dataSync()];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(atol);
}

/** Puts `values` in place of the named parameters of `m` (names from `namedParameters`). */
function bindParams(m: Module, names: readonly string[], values: readonly Tensor[]): void {
  const owners = new Map(m.namedModules());
  names.forEach((name, i) => {
    const at = name.lastIndexOf('.');
    Reflect.set(owners.get(at < 0 ? '' : name.slice(0, at))!, name.slice(at + 1), values[i]);
  });
}

/** Attention written out head by head with plain ops: the reference for the layer. */
function reference(attn: MultiHeadAttention, x: Tensor, context: Tensor): Tensor {
  const [q, k, v] = [attn.q!.forward(x), attn.k!.forward(context), attn.v!.forward(context)]; // [B, T, H·Dh]
  const heads: Tensor[] = [];
  for (let h = 0; h < attn.heads; h++) {
    const cols = (t: Tensor) => slice(t, [0, 0, h * attn.headDim], [t.shape[0]!, t.shape[1]!, (h + 1) * attn.headDim]);
    const p = softmax(matmul(cols(q), cols(k), { transB: true }).mul(1 / Math.sqrt(attn.headDim)), -1);
    heads.push(matmul(p, cols(v))); // [B, Tq, Dh]
  }
  return attn.proj.forward(concat(heads, -1));
}

describe('MultiHeadAttention', () => {
  it('self-attention: out [B, T, D], probs [B, H, T, T] whose rows sum to 1, as written out by hand', () => {
    manualSeed(0);
    const attn = new MultiHeadAttention({ dim: 8, heads: 2 });
    expect(attn.namedParameters().map(([n]) => n)).toEqual(['q.weight', 'q.bias', 'k.weight', 'k.bias', 'v.weight', 'v.bias', 'proj.weight', 'proj.bias']);
    tidy(() => {
      const x = randn([3, 5, 8]);
      const { out, probs } = attn.forward(x, { returnProbs: true });
      expect(out.shape).toEqual([3, 5, 8]);
      expect(probs!.shape).toEqual([3, 2, 5, 5]);
      expectClose(probs!.sum(-1), tensor(Array(30).fill(1), [3, 2, 5]));
      expectClose(out, reference(attn, x, x));
      expect(attn.forward(x).probs).toBeUndefined();
    });
    attn.dispose();
  });

  it('cross-attention: queries [B, Tq, D], context [B, Tk, kvDim] → probs [B, H, Tq, Tk]', () => {
    const attn = new MultiHeadAttention({ dim: 6, heads: 3, kvDim: 4 });
    expect(attn.k!.weight.shape).toEqual([6, 4]);
    tidy(() => {
      const x = randn([2, 3, 6]);
      const ctx = randn([2, 7, 4]);
      const { out, probs } = attn.forward(x, { context: ctx, returnProbs: true });
      expect(out.shape).toEqual([2, 3, 6]);
      expect(probs!.shape).toEqual([2, 3, 3, 7]);
      expectClose(out, reference(attn, x, ctx));
      expect(() => attn.forward(x, { context: randn([2, 7, 6]) })).toThrow('context [2, 7, 6] must be [2, Tk, 4] for queries [2, 3, 6]');
    });
    attn.dispose();
  });

  it('takes a head count independent of the width when headDim is given', () => {
    const attn = new MultiHeadAttention({ dim: 6, heads: 4, headDim: 5, qkvBias: false });
    expect(attn.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['q.weight', [20, 6]],
      ['k.weight', [20, 6]],
      ['v.weight', [20, 6]],
      ['proj.weight', [6, 20]],
      ['proj.bias', [6]],
    ]);
    tidy(() => {
      const { out, probs } = attn.forward(randn([2, 3, 6]), { returnProbs: true });
      expect(out.shape).toEqual([2, 3, 6]);
      expect(probs!.shape).toEqual([2, 4, 3, 3]);
    });
    expect(() => new MultiHeadAttention({ dim: 6, heads: 4 })).toThrow('dim 6 is not divisible by heads 4; pass headDim');
    attn.dispose();
  });

  it('gives padded keys probability 0 and ignores their values', () => {
    manualSeed(1);
    const attn = new MultiHeadAttention({ dim: 4, heads: 2, kvDim: 3 });
    tidy(() => {
      const x = randn([2, 2, 4]);
      const mask = ints([[1, 1, 0, 0], [1, 1, 1, 0]]);
      const ctx = randn([2, 4, 3]);
      const { out, probs } = attn.forward(x, { context: ctx, keyPaddingMask: mask, returnProbs: true });
      const p = probs!.toArray() as number[][][][];
      for (const head of p[0]!) for (const row of head) expect(row.slice(2)).toEqual([0, 0]);
      for (const head of p[1]!) for (const row of head) expect(row[3]).toBe(0);
      // Change only the padded keys: the output must not move.
      const noise = randn([2, 4, 3]).mul(tensor([[0, 0, 1, 1], [0, 0, 0, 1]]).reshape([2, 4, 1]));
      const out2 = attn.forward(x, { context: ctx.add(noise), keyPaddingMask: mask }).out;
      expectClose(out2, out, 1e-6);
      expect(() => attn.forward(x, { context: ctx, keyPaddingMask: ints([[1, 1, 1]]) })).toThrow('keyPaddingMask [1, 3] int32 must be int32 [2, 4]');
    });
    attn.dispose();
  });

  it('combines an additive mask with the key-padding mask', () => {
    const attn = new MultiHeadAttention({ dim: 4, heads: 1 });
    tidy(() => {
      const x = randn([1, 3, 4]);
      // Block key 0 for query 0 only (additive), and key 2 everywhere (padding).
      const additive = tensor([[-Infinity, 0, 0], [0, 0, 0], [0, 0, 0]]);
      const { probs } = attn.forward(x, { attnMask: additive, keyPaddingMask: ints([[1, 1, 0]]), returnProbs: true });
      const p = probs!.toArray() as number[][][][];
      expect(p[0]![0]![0]).toEqual([0, 1, 0]);
      expect(p[0]![0]![1]![2]).toBe(0);
      expect(p[0]![0]![1]![0]).toBeGreaterThan(0);
      const asInt = attn.forward(x, { attnMask: ints([[0, 1, 1], [1, 1, 1], [1, 1, 1]]), keyPaddingMask: ints([[1, 1, 0]]), returnProbs: true });
      expectClose(asInt.probs!, probs!);
      expect(() => attn.forward(x, { attnMask: tensor([[0, 0]]) })).toThrow('attnMask [1, 2] must be [3, 3]');
    });
    attn.dispose();
  });

  it('causal: each query ignores later keys', () => {
    const attn = new MultiHeadAttention({ dim: 4, heads: 2, causal: true });
    tidy(() => {
      const { probs } = attn.forward(randn([1, 3, 4]), { returnProbs: true });
      const p = probs!.toArray() as number[][][][];
      for (const head of p[0]!) head.forEach((row, i) => row.forEach((v, j) => j > i && expect(v).toBe(0)));
    });
    attn.dispose();
  });

  it('causal: rejects Tq ≠ Tk instead of choosing a mask alignment silently', () => {
    const attn = new MultiHeadAttention({ dim: 4, heads: 2, causal: true });
    tidy(() => {
      const x = randn([1, 2, 4]);
      const msg = /causal needs as many keys as queries, got Tq=2 queries and Tk=5 keys.*top-left.*bottom-right/;
      expect(() => attn.forward(x, { context: randn([1, 5, 4]) })).toThrow(msg);
      // Same lengths with a context are fine: both alignments agree.
      expect(attn.forward(x, { context: randn([1, 2, 4]) }).out.shape).toEqual([1, 2, 4]);
    });
    attn.dispose();
  });

  it('the fused qkv layout computes the same as separate q, k, v with split weights', () => {
    const fused = new MultiHeadAttention({ dim: 6, heads: 2, fusedQkv: true });
    const split = new MultiHeadAttention({ dim: 6, heads: 2 });
    expect(fused.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['qkv.weight', [18, 6]],
      ['qkv.bias', [18]],
      ['proj.weight', [6, 6]],
      ['proj.bias', [6]],
    ]);
    tidy(() => {
      split.loadStateDict(fromTimmAttention(fused.stateDict()));
      const x = randn([2, 4, 6]);
      const a = fused.forward(x, { returnProbs: true });
      const b = split.forward(x, { returnProbs: true });
      expectClose(a.out, b.out);
      expectClose(a.probs!, b.probs!);
      expect(() => fused.forward(x, { context: x })).toThrow('fusedQkv is self-attention only');
    });
    expect(() => new MultiHeadAttention({ dim: 6, heads: 2, kvDim: 4, fusedQkv: true })).toThrow('fusedQkv needs kvDim = dim');
    fused.dispose();
    split.dispose();
  });

  it('has gradients (queries, context, every parameter) that match finite differences', () => {
    manualSeed(2);
    const attn = new MultiHeadAttention({ dim: 4, heads: 2, kvDim: 3, headDim: 3 });
    const named = attn.namedParameters();
    const names = named.map(([n]) => n);
    const mask = ints([[1, 1, 0], [1, 1, 1]]);
    checkGrads(
      (x, ctx, ...ps) => {
        bindParams(attn, names, ps);
        return attn.forward(x!, { context: ctx!, keyPaddingMask: mask }).out;
      },
      [randn([2, 2, 4]), randn([2, 3, 3]), ...named.map(([, p]) => p.detach())],
      { atol: 3e-3 },
    );
    bindParams(attn, names, named.map(([, p]) => p));
    attn.dispose();
  });

  it('drops attention probabilities only in training mode', () => {
    const attn = new MultiHeadAttention({ dim: 4, heads: 1, dropout: 0.5 });
    tidy(() => {
      const x = randn([1, 6, 4]);
      const a = attn.eval().forward(x).out;
      const b = attn.forward(x).out;
      expectClose(a, b, 0);
      manualSeed(3);
      const c = attn.train().forward(x).out;
      expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    });
    attn.dispose();
  });
});
