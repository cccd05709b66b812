// Backend parity: the same function on identical inputs on a target backend and on the reference
// (the CPU oracle), comparing outputs and the gradients of Σ out·w (tinygrad's helper_test_op).
import type { Backend } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';
import { Tensor } from '../tensor.ts';
import { tensor } from '../creation.ts';
import { keep, tidy } from '../engine.ts';
import { Generator } from '../random.ts';
import { fmt, sizeOf, type Shape } from '../shape.ts';
import { allClose } from './close.ts';

/** How to make one input: float values in [low, high) (a gradient leaf) or int32 values in [low, high). */
export interface InputSpec {
  readonly shape: Shape;
  readonly kind?: 'float' | 'int';
  readonly low?: number;
  readonly high?: number;
  /** Float inputs only: take part in the gradient check (default true). */
  readonly grad?: boolean;
}

/** What a checked function returns: one tensor or named tensors (only `out` is differentiated). */
export type ParityResult = Tensor | { readonly out: Tensor; readonly [aux: string]: Tensor | undefined };

/** Options of a parity check. */
export interface ParityOptions {
  atol?: number;
  rtol?: number;
  /** Also compare gradients of Σ out·w (default true when any float input has grad). */
  grads?: boolean;
  /** Seed of the inputs and the cotangent. */
  seed?: number;
}

/** Host data for the inputs of a case, deterministic by seed. */
export function makeInputs(specs: readonly InputSpec[], seed: number): TypedArray[] {
  const g = new Generator(seed);
  return specs.map((s) => {
    const n = sizeOf(s.shape);
    if (s.kind === 'int') {
      const lo = s.low ?? 0;
      const hi = s.high ?? 2;
      return Int32Array.from({ length: n }, () => lo + Math.floor(g.uniform() * (hi - lo)));
    }
    const lo = s.low ?? -2;
    const hi = s.high ?? 2;
    return Float32Array.from({ length: n }, () => lo + (hi - lo) * g.uniform());
  });
}

interface Run {
  outputs: Record<string, Tensor>;
  grads: (Tensor | null)[];
}

function runOn(backend: Backend, fn: (...xs: Tensor[]) => ParityResult, specs: readonly InputSpec[], data: TypedArray[], w: (shape: Shape) => Float32Array, grads: boolean): Run {
  return tidy(() => {
    const xs = data.map((d, i) =>
      tensor(d, specs[i]!.shape, { backend, dtype: specs[i]!.kind === 'int' ? 'int32' : 'float32', requiresGrad: grads && specs[i]!.kind !== 'int' && specs[i]!.grad !== false }),
    );
    const r = fn(...xs);
    const outputs: Record<string, Tensor> = {};
    const named: Record<string, Tensor | undefined> = r instanceof Tensor ? { out: r } : { ...r };
    for (const [k, t] of Object.entries(named)) if (t) outputs[k] = keep(t);
    const out = outputs.out!;
    if (grads && out.requiresGrad) out.mul(tensor(w(out.shape), out.shape, { backend })).sum().backward();
    const gs = xs.map((x) => (x.grad ? keep(new Tensor(x.grad)) : null));
    for (const x of xs) x.dispose();
    return { outputs, grads: gs };
  });
}

/**
 * Runs `fn` on `target` and on `reference` with identical inputs; resolves to null when outputs and
 * gradients agree, else to a message naming the output or input that differs and by how much.
 */
export async function compareBackends(
  fn: (...xs: Tensor[]) => ParityResult,
  specs: readonly InputSpec[],
  target: Backend,
  reference: Backend,
  options: ParityOptions = {},
): Promise<string | null> {
  const { atol = 1e-5, rtol = 1e-4, seed = 1 } = options;
  const grads = options.grads ?? specs.some((s) => s.kind !== 'int' && s.grad !== false);
  const data = makeInputs(specs, seed);
  const g = new Generator(seed + 1000);
  const cot = new Map<string, Float32Array>();
  const w = (shape: Shape): Float32Array => {
    const key = fmt(shape);
    if (!cot.has(key)) cot.set(key, Float32Array.from({ length: sizeOf(shape) }, () => g.uniform() * 2 - 1));
    return cot.get(key)!;
  };
  const ref = runOn(reference, fn, specs, data, w, grads);
  const tgt = runOn(target, fn, specs, data, w, grads);
  try {
    for (const [k, r] of Object.entries(ref.outputs)) {
      const t = tgt.outputs[k];
      if (!t) return `output '${k}' is missing on ${target.id}`;
      const msg = allClose({ shape: t.shape, data: await t.data() }, { shape: r.shape, data: await r.data() }, { atol, rtol });
      if (msg) return `output '${k}': ${msg}`;
    }
    for (let i = 0; i < ref.grads.length; i++) {
      const r = ref.grads[i];
      const t = tgt.grads[i];
      if (!r && !t) continue;
      if (!r || !t) return `gradient of input ${i} exists on ${r ? reference.id : target.id} only`;
      const msg = allClose({ shape: t.shape, data: await t.data() }, { shape: r.shape, data: await r.data() }, { atol, rtol });
      if (msg) return `gradient of input ${i} ${fmt(specs[i]!.shape)}: ${msg}`;
    }
    return null;
  } finally {
    for (const run of [ref, tgt]) {
      for (const t of Object.values(run.outputs)) t.dispose();
      for (const t of run.grads) t?.dispose();
    }
  }
}
