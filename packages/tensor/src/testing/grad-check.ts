// Gradient check: autograd against central finite differences, with the loss accumulated in
// float64 on the host so the difference quotient is limited by the op's float32 output only.
import type { Tensor } from '../tensor.ts';
import { tensor } from '../creation.ts';
import { noGrad, tidy } from '../engine.ts';
import { Generator } from '../random.ts';
import { fmt } from '../shape.ts';

/** Options of `checkGrads`. */
export interface GradCheckOptions {
  /** Finite-difference step (default 1e-2: float32 outputs make smaller steps noisier). */
  eps?: number;
  /** Absolute tolerance (default 2e-3). */
  atol?: number;
  /** Relative tolerance (default 2e-2). */
  rtol?: number;
  /** Seed of the random cotangent that weights the outputs (default 7). */
  seed?: number;
  /** Indices of inputs to check (default: every float32 input). */
  wrt?: readonly number[];
}

/** One disagreement found by `checkGrads`. */
export interface GradMismatch {
  readonly input: number;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/**
 * Checks d/dx of L = Σ f(x)·w (w a fixed random cotangent) from autograd against central
 * differences for every element of every checked input. Throws an Error listing the worst
 * mismatches; returns the largest absolute error otherwise. Inputs must live on a synchronous
 * backend (the CPU oracle); `f` must be deterministic (fix dropout seeds).
 */
export function checkGrads(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradCheckOptions = {}): number {
  const { eps = 1e-2, atol = 2e-3, rtol = 2e-2, seed = 7 } = options;
  const wrt = options.wrt ?? inputs.map((_, i) => i).filter((i) => inputs[i]!.dtype === 'float32');
  const hostInputs = inputs.map((t) => t.dataSync());
  const make = (data: readonly (Float32Array | Int32Array)[], grad: boolean) =>
    data.map((d, i) => tensor(d, inputs[i]!.shape, { dtype: inputs[i]!.dtype, requiresGrad: grad && wrt.includes(i) }));

  // The cotangent w, drawn once from the output shape.
  const outShape = noGrad(() => tidy(() => [...f(...make(hostInputs, false)).shape]));
  const gen = new Generator(seed);
  const w = Float64Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => gen.uniform() * 2 - 1);
  const loss = (data: readonly (Float32Array | Int32Array)[]): number =>
    noGrad(() => tidy(() => {
      const y = f(...make(data, false)).dataSync();
      let acc = 0;
      for (let i = 0; i < y.length; i++) acc += y[i]! * w[i]!;
      return acc;
    }));

  // Analytic gradients.
  const analytic = tidy(() => {
    const xs = make(hostInputs, true);
    const y = f(...xs);
    y.backward(tensor(Float32Array.from(w), y.shape));
    const grads = wrt.map((i) => Float64Array.from(xs[i]!.grad?.dataSync() ?? new Float32Array(xs[i]!.size)));
    xs.forEach((x) => x.dispose());
    return grads;
  });

  const mismatches: GradMismatch[] = [];
  let worst = 0;
  wrt.forEach((inputIndex, k) => {
    const base = hostInputs[inputIndex]!;
    for (let j = 0; j < base.length; j++) {
      const plus = hostInputs.map((d) => d.slice());
      const minus = hostInputs.map((d) => d.slice());
      plus[inputIndex]![j] = base[j]! + eps;
      minus[inputIndex]![j] = base[j]! - eps;
      // The actual step after float32 rounding, so the quotient uses the step really taken.
      const h = plus[inputIndex]![j]! - minus[inputIndex]![j]!;
      const numeric = (loss(plus) - loss(minus)) / h;
      const a = analytic[k]![j]!;
      const err = Math.abs(a - numeric);
      worst = Math.max(worst, err);
      if (!(err <= atol + rtol * Math.abs(numeric))) mismatches.push({ input: inputIndex, index: j, analytic: a, numeric });
    }
  });
  if (mismatches.length) {
    const shown = mismatches.slice(0, 5).map((m) => `input ${m.input} ${fmt(inputs[m.input]!.shape)}[${m.index}]: autograd ${m.analytic}, finite difference ${m.numeric}`);
    throw new Error(`checkGrads: ${mismatches.length} gradient element(s) disagree (atol ${atol}, rtol ${rtol}):\n  ${shown.join('\n  ')}`);
  }
  return worst;
}

/**
 * Gradients of Σ f(xs)·w for every input, with w drawn from `seed` (a plain sum would hide errors
 * in rules whose gradient sums to zero, such as softmax's). Host copies, for comparisons.
 */
export function gradsOf(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], seed = 11): Float32Array[] {
  return tidy(() => {
    const xs = inputs.map((t) => t.detach().requireGrad());
    const y = f(...xs);
    const g = new Generator(seed);
    const w = Float32Array.from({ length: y.size }, () => g.normal());
    y.backward(tensor(w, y.shape, { backend: y.backend }));
    return xs.map((x) => Float32Array.from(x.grad!.dataSync()));
  });
}
