// Seeded randomness: a host generator for initialisation and a counter-based hash for dropout.
// The hash is the contract every backend implements bit for bit, so dropout masks agree across
// backends for the same seed (that is what makes backend parity tests of dropout possible).

/** murmur3's 32-bit finaliser: a bijective avalanche mix of a u32. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Uniform float in [0, 1) for element `index` under `seed`: `fmix32(index ^ fmix32(seed)) >>> 8`
 * scaled by 2^-24. Backends reproduce exactly this (24 bits fit f32 exactly).
 */
export function counterUniform(seed: number, index: number): number {
  return (fmix32((index ^ fmix32(seed >>> 0)) >>> 0) >>> 8) * 2 ** -24;
}

/** Dropout keeps element `index` when its counter uniform is >= p. */
export const dropoutKeeps = (seed: number, index: number, p: number): boolean => counterUniform(seed, index) >= p;

/** A small, fast, seedable generator (xoshiro128**); deterministic across platforms. */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the state from a seed (splitmix-style expansion of the 32-bit seed). */
  seed(seed: number): void {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return fmix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
    this.spare = undefined;
  }

  /** The next uniform u32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextU32() / 2 ** 32;
  }

  /** Standard normal by Box–Muller (the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The full state, so a checkpoint can resume the same random stream. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spare ?? Number.NaN];
  }

  /** Restores a state captured by `getState`. */
  setState(state: readonly number[]): void {
    if (state.length !== 5) throw new RangeError(`Generator.setState: expected 5 numbers, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = state.map((x) => x >>> 0) as [number, number, number, number];
    this.spare = Number.isNaN(state[4]) ? undefined : state[4];
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
