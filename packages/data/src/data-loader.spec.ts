import { describe, expect, it } from 'vitest';
import { createCpuBackend, memory, tensor } from '@crossmodal/tensor';
import type { HostBatch } from './collate.ts';
import { DataLoader, disposeBatch } from './data-loader.ts';
import { epochOrder } from './shuffle.ts';
import type { Batch, Example, IndexedDataset } from './types.ts';

/** Example i holds its own index, so batches show which examples they hold. */
const indexDataset = (size: number): IndexedDataset & { reads: number[] } => {
  const reads: number[] = [];
  return {
    size,
    reads,
    get(i: number): Example {
      reads.push(i);
      return { index: i, x: { data: Float32Array.of(i, -i), shape: [2] } };
    },
  };
};

async function collect(loader: DataLoader, epoch: number, startBatch = 0): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of loader.epoch(epoch, { startBatch })) {
    out.push(Array.from(await batch.index!.data()));
    disposeBatch(batch);
  }
  return out;
}

describe('DataLoader', () => {
  it('tells the dataset the epoch before its first read, also when resuming mid-epoch', async () => {
    const log: string[] = [];
    const ds: IndexedDataset = {
      size: 6,
      setEpoch: (e) => void log.push(`epoch ${e}`),
      get: (i) => (log.push(`get ${i}`), { index: i, x: { data: Float32Array.of(i), shape: [1] } }),
    };
    const loader = new DataLoader(ds, { batchSize: 2, shuffle: false, backend: createCpuBackend() });
    await collect(loader, 3, 2);
    expect(log).toEqual(['epoch 3', 'get 4', 'get 5']);
  });

  it('counts batches with and without dropLast', async () => {
    const ds = indexDataset(10);
    const keep = new DataLoader(ds, { batchSize: 4 });
    const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(keep.batchesPerEpoch).toBe(3);
    expect(drop.batchesPerEpoch).toBe(2);
    expect((await collect(keep, 0)).map((b) => b.length)).toEqual([4, 4, 2]);
    expect((await collect(drop, 0)).map((b) => b.length)).toEqual([4, 4]);
  });

  it('visits the examples in order without shuffle', async () => {
    expect(await collect(new DataLoader(indexDataset(5), { batchSize: 2 }), 3)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('shuffles the same way on every run and differently each epoch', async () => {
    const make = () => new DataLoader(indexDataset(12), { batchSize: 3, shuffle: true, seed: 11 });
    const [a0, b0, a1] = [await collect(make(), 0), await collect(make(), 0), await collect(make(), 1)];
    expect(a0).toEqual(b0);
    expect(a1).not.toEqual(a0);
    expect(a0.flat().sort((x, y) => x - y)).toEqual(a1.flat().sort((x, y) => x - y));
    expect(await collect(new DataLoader(indexDataset(12), { batchSize: 3, shuffle: true, seed: 12 }), 0)).not.toEqual(a0);
  });

  it('gives epoch orders that do not depend on which epochs came before', async () => {
    const fresh = new DataLoader(indexDataset(9), { batchSize: 4, shuffle: true, seed: 5 });
    const used = new DataLoader(indexDataset(9), { batchSize: 4, shuffle: true, seed: 5 });
    await collect(used, 0);
    await collect(used, 1);
    expect(await collect(used, 2)).toEqual(await collect(fresh, 2));
  });

  it('resumes mid-epoch with exactly the remaining batches, without reading the skipped ones', async () => {
    const ds = indexDataset(11);
    const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 2 });
    const all = await collect(loader, 4);
    ds.reads.length = 0;
    const rest = await collect(loader, 4, 2);
    expect(rest).toEqual(all.slice(2));
    expect(ds.reads.sort((a, b) => a - b)).toEqual(all.slice(2).flat().sort((a, b) => a - b));
    expect(await collect(loader, 4, loader.batchesPerEpoch)).toEqual([]);
    await expect(collect(loader, 4, 5)).rejects.toThrow('startBatch must be an integer in [0, 4] (batches per epoch), got 5');
  });

  it('reads ahead while the consumer holds a batch, bounded by prefetch', async () => {
    const ds = indexDataset(20);
    const loader = new DataLoader(ds, { batchSize: 2, prefetch: 2 });
    const it = loader.epoch(0);
    const first = (await it.next()).value as Batch;
    await new Promise((r) => setImmediate(r)); // the synchronous reads' promise callbacks have all run
    expect(ds.reads.length).toBe(6); // the batch held plus two read ahead
    disposeBatch(first);
    await it.return();
  });

  it('frees read-ahead batches when the consumer stops early', async () => {
    const before = memory().tensors;
    // Reads past the first batch wait until the test releases them: no timer decides the outcome.
    const waiting: (() => void)[] = [];
    const example = (i: number): Example => ({ index: i, x: { data: Float32Array.of(i), shape: [1] } });
    const ds: IndexedDataset = { size: 40, get: (i) => (i < 4 ? example(i) : new Promise<Example>((r) => waiting.push(() => r(example(i))))) };
    const loader = new DataLoader(ds, { batchSize: 4, prefetch: 3 });
    for await (const batch of loader.epoch(0)) {
      disposeBatch(batch);
      break;
    }
    expect(waiting).toHaveLength(12); // three batches still being read when the consumer left
    waiting.forEach((release) => release());
    // The reads, collation and disposal are promise callbacks, which all run before the next macrotask.
    await new Promise((r) => setImmediate(r));
    expect(memory().tensors).toBe(before);
  });

  it('surfaces a failing read as a rejection of the iteration', async () => {
    const ds: IndexedDataset = { size: 4, get: (i) => (i === 3 ? Promise.reject(new Error('bad file 3')) : { index: i }) };
    const seen: number[][] = [];
    const run = async (): Promise<void> => {
      for await (const batch of new DataLoader(ds, { batchSize: 2 }).epoch(0)) {
        seen.push(Array.from(await batch.index!.data()));
        disposeBatch(batch);
      }
    };
    await expect(run()).rejects.toThrow('bad file 3');
    expect(seen).toEqual([[0, 1]]);
  });

  it('puts tensors on the given backend and passes indices to a custom collate', async () => {
    const backend = createCpuBackend();
    const loader = new DataLoader(indexDataset(4), {
      batchSize: 2,
      backend,
      collate: (examples, { indices, backend: b }) => ({ first: tensor([indices![0]!, examples.length], [2], { backend: b! }) }),
    });
    const batches: Batch[] = [];
    for await (const batch of loader.epoch(0)) batches.push(batch);
    expect(batches.map((b) => b.first!.toArray())).toEqual([[0, 2], [2, 2]]);
    expect(batches.every((b) => b.first!.backend === backend)).toBe(true);
    batches.forEach(disposeBatch);
  });

  it('runs batchTransform on the host batch with its epoch, batch index and indices, then uploads what it returns', async () => {
    const backend = createCpuBackend();
    const seen: string[] = [];
    const loader = new DataLoader(indexDataset(5), {
      batchSize: 2,
      backend,
      batchTransform: (host, { epoch, batch, indices }) => {
        seen.push(`${epoch}/${batch}: ${indices.join(',')} ${host.index!.data.constructor.name} [${host.x!.shape.join(', ')}]`);
        return { ...host, doubled: { data: Float32Array.from(host.x!.data, (v) => 2 * v), shape: host.x!.shape } };
      },
    });
    const batches: Batch[] = [];
    for await (const batch of loader.epoch(3, { startBatch: 1 })) batches.push(batch);
    expect(seen).toEqual(['3/1: 2,3 Int32Array [2, 2]', '3/2: 4 Int32Array [1, 2]']);
    expect(batches.map((b) => [b.index!.dtype, b.doubled!.dtype, b.doubled!.toArray()])).toEqual([
      ['int32', 'float32', [[4, -4], [6, -6]]],
      ['int32', 'float32', [[8, -8]]],
    ]);
    expect(batches.every((b) => b.doubled!.backend === backend)).toBe(true);
    batches.forEach(disposeBatch);
  });

  it('collates the number fields named in floatFields as float32, with or without a batchTransform', async () => {
    const ds: IndexedDataset = { size: 2, get: (i) => ({ label: i, weight: i + 1 }) };
    for (const batchTransform of [undefined, (b: HostBatch) => b]) {
      const loader = new DataLoader(ds, { batchSize: 2, floatFields: ['weight'], ...(batchTransform ? { batchTransform } : {}) });
      for await (const batch of loader.epoch(0)) {
        expect([batch.label!.dtype, batch.weight!.dtype, batch.weight!.toArray()]).toEqual(['int32', 'float32', [1, 2]]);
        disposeBatch(batch);
      }
    }
    const plain = new DataLoader({ size: 1, get: () => ({ weight: 0.5 }) }, { batchSize: 1 });
    await expect(collect(plain, 0)).rejects.toThrow("collate: field 'weight' of example 0 is 0.5, expected an int32 integer");
  });

  it('refuses a custom collate together with a batchTransform', () => {
    expect(() => new DataLoader(indexDataset(3), { batchSize: 1, collate: () => ({}), batchTransform: (b) => b })).toThrow(
      "DataLoader: batchTransform works on the default collate's host batch; pass a custom collate or a batchTransform, not both",
    );
  });

  it('rejects a non-positive batch size with the value', () => {
    expect(() => new DataLoader(indexDataset(3), { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
  });

  it('refuses a seed that is not an integer in [0, 2^32), which would silently become another seed', () => {
    for (const seed of [Number.NaN, 1.5, -1, 2 ** 32, Infinity]) {
      expect(() => new DataLoader(indexDataset(3), { batchSize: 1, shuffle: true, seed })).toThrow(`DataLoader: seed must be an integer in [0, 2^32), got ${seed}`);
    }
    const last = new DataLoader(indexDataset(8), { batchSize: 1, shuffle: true, seed: 2 ** 32 - 1 });
    expect(Array.from(last.order(0))).toEqual(Array.from(epochOrder(8, { seed: 2 ** 32 - 1, epoch: 0 })));
  });
});
