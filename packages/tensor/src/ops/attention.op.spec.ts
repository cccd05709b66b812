import { describe, expect, it } from 'vitest';
import {
  attentionComposite, createCpuBackend, dropoutMaskData, manualSeed, matmul, memory, randn, scaledDotProductAttention, tensor, tidy, zeros,
  type AttentionOptions, type Backend, type Tensor,
} from '../index.ts';
import { checkGrads, expectAllClose, gradsOf } from '../testing/index.ts';

const int = (data: number[], shape: number[]): Tensor => tensor(data, shape, { dtype: 'int32' });


interface Case {
  q: number[];
  k: number[];
  v: number[];
  /** A float additive mask (differentiable, checked too) or an int32 keep mask. */
  mask?: { shape: number[]; kind: 'float' | 'int' };
  opts?: Omit<AttentionOptions, 'mask'>;
}

const cases: [string, Case][] = [
  ['without a mask, Tq ≠ Tk and Dv ≠ Dh', { q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 6] }],
  ['with a float additive mask', { q: [2, 2, 3, 4], k: [2, 2, 5, 4], v: [2, 2, 5, 3], mask: { shape: [2, 1, 3, 5], kind: 'float' } }],
  ['with an int32 key-padding mask', { q: [2, 2, 3, 4], k: [2, 2, 5, 4], v: [2, 2, 5, 3], mask: { shape: [2, 1, 1, 5], kind: 'int' } }],
  ['causal with Tq < Tk', { q: [1, 2, 4, 3], k: [1, 2, 6, 3], v: [1, 2, 6, 2], opts: { causal: true } }],
  ['causal with Tq = Tk and a custom scale', { q: [2, 5, 4], k: [2, 5, 4], v: [2, 5, 4], opts: { causal: true, scale: 0.3 } }],
  ['with dropout and a fixed seed', { q: [2, 3, 4, 4], k: [2, 3, 6, 4], v: [2, 3, 6, 5], opts: { dropoutP: 0.3, seed: 17 } }],
  ['with broadcast batch axes', { q: [2, 3, 4, 4], k: [3, 5, 4], v: [1, 3, 5, 2] }],
  ['with everything at once', {
    q: [2, 1, 4, 3], k: [1, 2, 5, 3], v: [2, 2, 5, 2],
    mask: { shape: [2, 1, 1, 5], kind: 'int' }, opts: { causal: true, dropoutP: 0.2, seed: 3 },
  }],
];

function setup(c: Case): { inputs: Tensor[]; mask: (floatMask: Tensor | undefined) => Tensor | undefined } {
  manualSeed(1);
  const inputs = [randn(c.q), randn(c.k), randn(c.v)];
  if (c.mask?.kind === 'float') inputs.push(randn(c.mask.shape));
  // Key-padding keeps: batch 0 sees every key, batch 1 the first three (non-zero means keep).
  const keep = c.mask?.kind === 'int' ? int([1, 1, 1, 1, 1, 2, 1, -1, 0, 0], c.mask.shape) : undefined;
  return { inputs, mask: (floatMask) => floatMask ?? keep };
}

describe('scaledDotProductAttention', () => {
  it('matches a hand-computed example', () => {
    const { out, probs } = scaledDotProductAttention(tensor([[1, 0]]), tensor([[1, 0], [0, 1]]), tensor([[1, 2], [3, 4]]), { scale: 1, returnProbs: true });
    const p0 = Math.E / (Math.E + 1);
    expectAllClose(probs!, tensor([[p0, 1 - p0]]), { atol: 1e-7 });
    expectAllClose(out, tensor([[p0 + 3 * (1 - p0), 2 * p0 + 4 * (1 - p0)]]), { atol: 1e-6 });
  });

  it('scales by 1/√Dh by default', () => {
    manualSeed(2);
    const [q, k, v] = [randn([3, 4]), randn([5, 4]), randn([5, 2])];
    expectAllClose(scaledDotProductAttention(q, k, v).out, scaledDotProductAttention(q.mul(0.5), k, v, { scale: 1 }).out, { atol: 1e-6 });
  });

  it.each(cases)('matches attentionComposite forward and gradients %s', (_, c) => {
    const { inputs, mask } = setup(c);
    const run = (f: typeof scaledDotProductAttention, probs: boolean) => (...xs: Tensor[]) =>
      f(xs[0]!, xs[1]!, xs[2]!, { ...c.opts, mask: mask(xs[3]), returnProbs: probs });
    const fused = run(scaledDotProductAttention, true)(...inputs);
    const comp = run(attentionComposite, true)(...inputs);
    expectAllClose(fused.out, comp.out, { atol: 1e-5 });
    expectAllClose(fused.probs!, comp.probs!, { atol: 1e-6 });
    const gFused = gradsOf((...xs) => run(scaledDotProductAttention, false)(...xs).out, inputs);
    const gComp = gradsOf((...xs) => run(attentionComposite, false)(...xs).out, inputs);
    gFused.forEach((g, i) => expectAllClose({ shape: inputs[i]!.shape, data: g }, { shape: inputs[i]!.shape, data: gComp[i]! }, { atol: 1e-5 }));
  });

  it.each(cases.filter(([name]) => /float|causal with Tq < Tk|dropout|everything/.test(name)))(
    'has gradients that agree with finite differences %s',
    (_, c) => {
      const { inputs, mask } = setup(c);
      checkGrads((...xs) => scaledDotProductAttention(xs[0]!, xs[1]!, xs[2]!, { ...c.opts, mask: mask(xs[3]) }).out, inputs, { atol: 5e-3 });
    },
  );

  it('treats non-zero int32 mask entries as keep and gives masked keys probability exactly 0', () => {
    manualSeed(3);
    const { probs } = scaledDotProductAttention(randn([2, 3, 4]), randn([2, 4, 4]), randn([2, 4, 2]), {
      mask: int([1, 0, 5, 0, 0, -2, 0, 1], [2, 1, 4]),
      returnProbs: true,
    });
    const p = probs!.dataSync();
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 3; i++) {
        const row = Array.from(p.slice((b * 3 + i) * 4, (b * 3 + i + 1) * 4));
        expect(row.map((x) => x === 0)).toEqual(b === 0 ? [false, true, false, true] : [true, false, true, false]);
        expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
      }
    }
  });

  it('gives a query whose keys are all masked zero probabilities, zero output and finite gradients', () => {
    manualSeed(4);
    const q = randn([2, 3]).requireGrad();
    const k = randn([3, 3]).requireGrad();
    const v = randn([3, 2]).requireGrad();
    const mask = int([1, 1, 0, 0, 0, 0], [2, 3]); // query 1 sees no key
    const { out, probs } = scaledDotProductAttention(q, k, v, { mask, returnProbs: true });
    expect(Array.from(probs!.dataSync().slice(3))).toEqual([0, 0, 0]);
    expect(Array.from(out.dataSync().slice(2))).toEqual([0, 0]);
    out.mul(randn([2, 2])).sum().backward();
    for (const g of [q.grad!, k.grad!, v.grad!]) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    expect(Array.from(q.grad!.dataSync().slice(3))).toEqual([0, 0, 0]);
  });

  it('lets causal query i attend keys j ≤ i + Tk − Tq, and masks whole rows when Tq > Tk', () => {
    manualSeed(5);
    const pattern = (tq: number, tk: number): boolean[][] => {
      const { probs } = scaledDotProductAttention(randn([tq, 2]), randn([tk, 2]), randn([tk, 2]), { causal: true, returnProbs: true });
      return (probs!.toArray() as number[][]).map((row) => row.map((x) => x > 0));
    };
    expect(pattern(2, 4)).toEqual([[true, true, true, false], [true, true, true, true]]);
    expect(pattern(3, 3)).toEqual([[true, false, false], [true, true, false], [true, true, true]]);
    expect(pattern(3, 2)).toEqual([[false, false], [true, false], [true, true]]);
  });

  it('returns pre-dropout probabilities and drops them with the mask of (seed, flat index in [..., Tq, Tk])', () => {
    manualSeed(6);
    const [q, k, v] = [randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 3])];
    const { out, probs } = scaledDotProductAttention(q, k, v, { dropoutP: 0.4, seed: 99, returnProbs: true });
    expectAllClose(probs!.sum(-1), tensor(new Float32Array(6).fill(1), [2, 3]), { atol: 1e-6 });
    const dropped = probs!.mul(tensor(dropoutMaskData([2, 3, 5], 0.4, 99), [2, 3, 5]));
    expectAllClose(out, matmul(dropped, v), { atol: 1e-6 });
    expect(scaledDotProductAttention(q, k, v, { dropoutP: 0.4, seed: 99 }).out.toArray()).toEqual(out.toArray());
  });

  it('runs its composite forward on a backend without the Attention kernel', () => {
    const b = createCpuBackend();
    const bare: Backend = { ...b, kernels: new Map([...b.kernels].filter(([name]) => name !== 'Attention')) };
    manualSeed(7);
    const xs = [randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 3])];
    const opts = { causal: true, dropoutP: 0.25, seed: 8, returnProbs: true, mask: int([1, 1, 1, 0, 1], [5]) };
    const ref = scaledDotProductAttention(xs[0]!, xs[1]!, xs[2]!, opts);
    const viaComposite = scaledDotProductAttention(xs[0]!.to(bare), xs[1]!.to(bare), xs[2]!.to(bare), { ...opts, mask: opts.mask.to(bare) });
    expectAllClose(viaComposite.out, ref.out, { atol: 1e-6 });
    expectAllClose(viaComposite.probs!, ref.probs!, { atol: 1e-6 });
  });

  it('saves no [Tq, Tk] tensor for backward and frees everything after it', () => {
    const before = memory();
    tidy(() => {
      const [q, k, v] = [randn([2, 6, 4]).requireGrad(), randn([2, 7, 4]).requireGrad(), randn([2, 7, 4]).requireGrad()];
      const saved = memory().savedTensors;
      const { out } = scaledDotProductAttention(q, k, v, { causal: true });
      expect(memory().savedTensors - saved).toBe(4); // q, k, v and out
      out.mul(randn([2, 6, 4])).sum().backward();
    });
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().savedTensors).toBe(before.savedTensors);
  });

  it('names every shape when they do not fit and rejects a bad dropoutP', () => {
    expect(() => scaledDotProductAttention(zeros([2, 3, 4]), zeros([2, 5, 3]), zeros([2, 5, 2]))).toThrow(
      'Attention: expected q [..., Tq, Dh], k [..., Tk, Dh], v [..., Tk, Dv]; got q [2, 3, 4], k [2, 5, 3], v [2, 5, 2]',
    );
    expect(() => scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 2]), { mask: zeros([3, 4]) })).toThrow(
      /Attention \(mask against scores \[\.\.\., 3, 5\]\): shapes \[3, 5\] and \[3, 4\] do not broadcast/,
    );
    expect(() => scaledDotProductAttention(zeros([4]), zeros([5, 4]), zeros([5, 2]))).toThrow(/q needs rank >= 2/);
    expect(() => scaledDotProductAttention(zeros([3, 4]), zeros([5, 4]), zeros([5, 2]), { dropoutP: 1 })).toThrow(
      'scaledDotProductAttention: dropoutP must be in [0, 1), got 1',
    );
  });
});
