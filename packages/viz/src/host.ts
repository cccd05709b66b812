// HostArray: a shape and its row-major values on the host — what the analysis functions take, from tensors or plain arrays.
import { Tensor, sizeOf } from '@crossmodal/tensor';
import { argError } from './errors.ts';

/** Row-major values with their shape, e.g. attention probabilities read back from a device. */
export interface HostArray {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** `prod(shape)` values, row-major. */
  readonly data: ArrayLike<number>;
}

/** Anything the analysis functions accept: a host array, or a tensor on a synchronous backend (the CPU ones). */
export type ArrayInput = HostArray | Tensor;

/**
 * Reads a tensor back to the host (works on every backend, including WebGPU).
 * @example
 * const host = await toHost(probs); // { shape: [1, 3, 5, 5], data: Float32Array(75) }
 */
export async function toHost(tensor: Tensor): Promise<HostArray> {
  return { shape: [...tensor.shape], data: await tensor.data() };
}

/**
 * `input` as a checked HostArray of rank `rank` (when given); a tensor is read with dataSync.
 * @example
 * asHost('fuseHeads', 'attention', { shape: [2, 1], data: [0.5, 0.5] }, 2).shape; // [2, 1]
 */
export function asHost(fn: string, arg: string, input: ArrayInput, rank?: number): HostArray {
  const host: HostArray =
    input instanceof Tensor ? { shape: [...input.shape], data: input.dataSync() } : (input as HostArray);
  if (typeof host !== 'object' || host === null || !Array.isArray(host.shape) || host.data === undefined) {
    throw argError(fn, arg, input, 'a Tensor or a HostArray {shape, data}');
  }
  if (rank !== undefined && host.shape.length !== rank) throw argError(fn, `${arg}.shape`, host.shape, `rank ${rank}`);
  if (host.data.length !== sizeOf(host.shape)) {
    throw argError(fn, `${arg}.data`, host.data, `${sizeOf(host.shape)} values for shape [${host.shape.join(', ')}]`);
  }
  return host;
}
