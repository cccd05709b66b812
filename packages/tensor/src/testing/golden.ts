// Golden fixtures written by tools/golden/make_fixtures.py from PyTorch: typed records and loaders.
import type { DType } from '../dtype.ts';
import type { Tensor } from '../tensor.ts';
import { tensor } from '../creation.ts';
import type { Backend } from '../backend.ts';

/** One tensor as the fixture script prints it: exact float32 values (or int32) in row-major order. */
export interface GoldenTensor {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: number[];
}

/** One op case: float inputs (with gradients), int inputs, cotangent `w`, outputs and gradients of Σ out·w. */
export interface GoldenCase {
  readonly inputs: Record<string, GoldenTensor>;
  readonly intInputs?: Record<string, GoldenTensor>;
  readonly attrs?: Record<string, unknown>;
  readonly w: GoldenTensor;
  readonly outputs: Record<string, GoldenTensor>;
  readonly grads: Record<string, GoldenTensor>;
}

/** A tensor from a fixture record, optionally on a given backend and as a gradient leaf. */
export function fromGolden(g: GoldenTensor, options: { backend?: Backend; requiresGrad?: boolean } = {}): Tensor {
  const data = g.dtype === 'int32' ? Int32Array.from(g.data) : Float32Array.from(g.data);
  return tensor(data, g.shape, { dtype: g.dtype, ...(options.backend ? { backend: options.backend } : {}), requiresGrad: options.requiresGrad ?? false });
}

/** Every tensor of a record map, as leaves that require grad when `requiresGrad`. */
export function fromGoldenMap(m: Record<string, GoldenTensor>, options: { backend?: Backend; requiresGrad?: boolean } = {}): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, fromGolden(v, options)]));
}
