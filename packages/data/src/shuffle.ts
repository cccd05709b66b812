// Seeded epoch orders: the order of epoch e is a pure function of (seed, e), so a resumed run
// sees exactly the batches the uninterrupted run would have seen.
import { fmix32, Generator } from '@crossmodal/tensor';

/** The generator seed for one epoch: seed and epoch mixed so neighbouring epochs are unrelated. */
export function epochSeed(seed: number, epoch: number): number {
  // Weyl step on the epoch, then two avalanche rounds: (seed, e) pairs map to unrelated streams.
  return fmix32((fmix32(seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
}

/**
 * The order in which epoch `epoch` visits `size` examples: a Fisher–Yates permutation drawn from a
 * Generator seeded by `epochSeed(seed, epoch)`; the identity when `shuffle` is false.
 * @example
 * epochOrder(5, { seed: 1, epoch: 0 });                  // e.g. [3, 0, 4, 1, 2]; the same every call
 * epochOrder(5, { seed: 1, epoch: 0, shuffle: false });  // [0, 1, 2, 3, 4]
 */
export function epochOrder(size: number, { seed, epoch, shuffle = true }: { seed: number; epoch: number; shuffle?: boolean }): Int32Array {
  if (!(Number.isInteger(size) && size >= 0)) throw new RangeError(`epochOrder: size must be an integer >= 0, got ${size}`);
  if (!(Number.isInteger(epoch) && epoch >= 0)) throw new RangeError(`epochOrder: epoch must be an integer >= 0, got ${epoch}`);
  const order = Int32Array.from({ length: size }, (_, i) => i);
  if (!shuffle) return order;
  const g = new Generator(epochSeed(seed, epoch));
  for (let i = size - 1; i > 0; i--) {
    // NOTE: floor(u·(i+1)) with 32-bit u; its bias (< size / 2^32) is far below anything measurable.
    const j = Math.floor(g.uniform() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * A seeded subset of `limit` of `count` indices, in increasing order (a partial Fisher–Yates draw):
 * what a dataset's `limit` with `subset: random` keeps.
 * @example
 * randomSubset(60000, 1000, seed); // 1000 distinct indices < 60000, sorted
 */
export function randomSubset(count: number, limit: number, seed: number): Int32Array {
  if (!(Number.isInteger(count) && count >= 0 && Number.isInteger(limit) && limit >= 0 && limit <= count)) {
    throw new RangeError(`randomSubset: expected integers 0 <= limit <= count, got limit ${limit}, count ${count}`);
  }
  const g = new Generator(seed);
  const all = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(g.uniform() * (count - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, limit).sort();
}
