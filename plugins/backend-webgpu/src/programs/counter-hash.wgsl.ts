// The dropout contract of packages/tensor/src/random.ts in WGSL: murmur3's fmix32 in u32 arithmetic
// (WGSL u32 multiplication wraps mod 2^32, as Math.imul does), and the integer keep threshold.
import { fmix32 } from '@crossmodal/tensor';

/** WGSL `fmix32(h)` and `dropout_keeps(hseed, index, threshold)`, bit for bit the host hash. */
export const WGSL_COUNTER_HASH = /* wgsl */ `
fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}
// counterUniform(seed, i) = (fmix32(i ^ fmix32(seed)) >> 8)·2^-24 ≥ p  ⇔  (…) >> 8 ≥ ceil(p·2^24).
fn dropout_keeps(hseed: u32, index: u32, threshold: u32) -> bool { return (fmix32(index ^ hseed) >> 8u) >= threshold; }
`;

/**
 * The u32 meta words of a dropout mask: fmix32(seed) (hashed once on the host) and the threshold
 * ceil(p·2^24). `k·2^-24 ≥ p ⇔ k ≥ ceil(p·2^24)` for an integer k, and p·2^24 is exact in double,
 * so the integer comparison keeps exactly the elements `dropoutKeeps` keeps.
 */
export const dropoutWords = (p: number, seed: number): [number, number] => [fmix32(seed >>> 0), Math.ceil(p * 2 ** 24)];
