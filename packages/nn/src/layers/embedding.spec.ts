// Embedding: lookups, the padding row (zero at init, no gradient), and id checks.
import { describe, expect, it } from 'vitest';
import { tensor } from '@crossmodal/tensor';
import { Embedding } from './embedding.ts';

const ints = (data: number[][] | number[]) => tensor(data, undefined, { dtype: 'int32' });

describe('Embedding', () => {
  it('looks up rows: ids [B, T] → [B, T, dim]', () => {
    const emb = new Embedding(4, 2);
    const w = tensor([[0, 1], [10, 11], [20, 21], [30, 31]]);
    emb.loadStateDict({ weight: w });
    const ids = ints([[3, 0, 1], [2, 2, 0]]);
    const y = emb.forward(ids);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.toArray()).toEqual([[[30, 31], [0, 1], [10, 11]], [[20, 21], [20, 21], [0, 1]]]);
    for (const t of [w, ids, y]) t.dispose();
    emb.dispose();
  });

  it('zeroes the padding row at init and sends it no gradient', () => {
    const emb = new Embedding(5, 3, { paddingIdx: 1 });
    expect(Array.from(emb.weight.dataSync().slice(3, 6))).toEqual([0, 0, 0]);
    const ids = ints([1, 2, 1, 4]);
    const y = emb.forward(ids);
    y.sum().backward();
    const g = emb.weight.grad!.toArray() as number[][];
    expect(g).toEqual([[0, 0, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, 1]]);
    for (const t of [ids, y]) t.dispose();
    emb.dispose();
  });

  it('counts a negative paddingIdx from the end and rejects bad ids', () => {
    const emb = new Embedding(5, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(4);
    const f = tensor([0, 1]);
    expect(() => emb.forward(f)).toThrow('Embedding: ids must be int32, got float32 [2]');
    expect(() => new Embedding(5, 3, { paddingIdx: 5 })).toThrow(/paddingIdx 5 is outside \[-5, 5\)/);
    f.dispose();
    emb.dispose();
  });
});
