// Weight initialisation schemes (torch.nn.init and timm's trunc_normal_), drawn from the engine's
// seeded generator and written with `assign`, so `manualSeed(n)` reproduces a model exactly.
import { getGenerator, noGrad, tensor, type Generator, type Tensor } from '@crossmodal/tensor';

/** Options shared by the random initialisers. */
export interface InitOptions {
  /** The generator to draw from (default: the engine's seeded one). */
  generator?: Generator;
}

/** Fills `t` in place with `draw()` per element (host values uploaded to t's backend). */
function fillWith<T extends Tensor>(what: string, t: T, draw: () => number): T {
  if (t.dtype !== 'float32') throw new TypeError(`${what}: expects a float32 tensor, got ${t.dtype} ${t}`);
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = draw();
  noGrad(() => {
    const value = tensor(data, t.shape, { backend: t.backend });
    t.assign(value);
    value.dispose();
  });
  return t;
}

/** Fills `t` with `value`. */
export const constant_ = <T extends Tensor>(t: T, value: number): T => fillWith('constant_', t, () => value);
/** Fills `t` with zeros. */
export const zeros_ = <T extends Tensor>(t: T): T => fillWith('zeros_', t, () => 0);
/** Fills `t` with ones. */
export const ones_ = <T extends Tensor>(t: T): T => fillWith('ones_', t, () => 1);

/** Fills `t` from U(low, high) (default U(0, 1)). */
export function uniform_<T extends Tensor>(t: T, { low = 0, high = 1, generator }: InitOptions & { low?: number; high?: number } = {}): T {
  const g = generator ?? getGenerator();
  return fillWith('uniform_', t, () => low + (high - low) * g.uniform());
}

/** Fills `t` from N(mean, std²) (default N(0, 1)). */
export function normal_<T extends Tensor>(t: T, { mean = 0, std = 1, generator }: InitOptions & { mean?: number; std?: number } = {}): T {
  const g = generator ?? getGenerator();
  return fillWith('normal_', t, () => mean + std * g.normal());
}

/** Options of `truncNormal_`: the normal's mean and std, and the absolute cut-offs [a, b]. */
export interface TruncNormalOptions extends InitOptions {
  mean?: number;
  std?: number;
  a?: number;
  b?: number;
}

/**
 * Fills `t` from N(mean, std²) restricted to [a, b] (absolute bounds, as timm's and BERT's
 * `trunc_normal_`; defaults mean 0, std 0.02, a −2, b 2), by rejection: out-of-range draws are
 * redrawn. The bounds must keep at least 1% of the mass, so rejection stays fast.
 * @example
 * truncNormal_(linear.weight, { std: 0.02 });
 */
export function truncNormal_<T extends Tensor>(t: T, { mean = 0, std = 0.02, a = -2, b = 2, generator }: TruncNormalOptions = {}): T {
  if (!(std > 0) || !(a < b)) throw new RangeError(`truncNormal_: need std > 0 and a < b, got std=${std} a=${a} b=${b}`);
  const mass = normalCdf((b - mean) / std) - normalCdf((a - mean) / std);
  if (mass < 0.01) {
    throw new RangeError(`truncNormal_: [${a}, ${b}] holds only ${mass.toExponential(2)} of N(${mean}, ${std}²); expected bounds keeping at least 1%`);
  }
  const g = generator ?? getGenerator();
  return fillWith('truncNormal_', t, () => {
    for (;;) {
      const v = mean + std * g.normal();
      // NOTE: test the float32-rounded value, so the stored value is inside [a, b] too.
      const f = Math.fround(v);
      if (f >= a && f <= b) return f;
    }
  });
}

/** torch's fan computation: fanIn = shape[1]·receptive, fanOut = shape[0]·receptive. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2) throw new RangeError(`fans: need a tensor of rank >= 2 (a weight), got ${t}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** Glorot uniform: U(−bound, bound) with bound = gain·√(6 / (fanIn + fanOut)). */
export function xavierUniform_<T extends Tensor>(t: T, { gain = 1, generator }: InitOptions & { gain?: number } = {}): T {
  const { fanIn, fanOut } = fans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, { low: -bound, high: bound, generator });
}

/** Glorot normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_<T extends Tensor>(t: T, { gain = 1, generator }: InitOptions & { gain?: number } = {}): T {
  const { fanIn, fanOut } = fans(t);
  return normal_(t, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), generator });
}

/** Options of `kaimingUniform_` / `kaimingNormal_` (torch's defaults: a 0, fanIn, leaky_relu). */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (√5 gives PyTorch Linear's default init). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: 'relu' | 'leaky_relu' | 'linear';
}

function kaimingStd(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  const f = fans(t);
  const gain = nonlinearity === 'linear' ? 1 : nonlinearity === 'relu' ? Math.SQRT2 : Math.sqrt(2 / (1 + a * a));
  return gain / Math.sqrt(mode === 'fanIn' ? f.fanIn : f.fanOut);
}

/**
 * He uniform: U(−bound, bound) with bound = √3·gain/√fan. With `{ a: Math.sqrt(5) }` this is
 * PyTorch's default for Linear weights: bound = 1/√fanIn.
 */
export function kaimingUniform_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, { low: -bound, high: bound, generator: options.generator });
}

/** He normal: N(0, (gain/√fan)²). */
export function kaimingNormal_<T extends Tensor>(t: T, options: KaimingOptions = {}): T {
  return normal_(t, { std: kaimingStd(t, options), generator: options.generator });
}

/** Standard normal CDF via erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7: enough for a guard). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return 0.5 * (1 + (z < 0 ? -erf : erf));
}
