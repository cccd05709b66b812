// Test helper of the GPU specs (import only from *.spec.ts): runs one function on WebGPU and on
// the CPU oracle from the same host inputs (forward only) and returns both sides' outputs.
import { createCpuBackend, keep, tensor, Tensor, tidy, type Backend, type TypedArray } from '@crossmodal/tensor';
import { allClose, makeInputs, type InputSpec } from '@crossmodal/tensor/testing';
import { withGpuDevice } from './with-gpu.ts';
import type { WebGpuBackend } from '../webgpu-backend.ts';

/** One host input: its data and shape (the dtype follows the array). */
export interface HostInput {
  readonly data: TypedArray;
  readonly shape: readonly number[];
}

/** What the compared function returns: one tensor or named ones (undefined entries are skipped). */
export type Outputs = Tensor | { readonly [name: string]: Tensor | undefined };

/** Outputs of one backend by name, read back to the host. */
export type HostOutputs = Record<string, { shape: readonly number[]; data: TypedArray }>;

const reference = createCpuBackend();

/** Host inputs from specs, deterministic by seed (the conformance suite's generator). */
export const hostInputs = (specs: readonly InputSpec[], seed = 3): HostInput[] =>
  makeInputs(specs, seed).map((data, i) => ({ data, shape: specs[i]!.shape }));

async function runOn(backend: Backend, fn: (...xs: Tensor[]) => Outputs, inputs: readonly HostInput[]): Promise<HostOutputs> {
  const outs = tidy(() => {
    const r = fn(...inputs.map((x) => tensor(x.data, [...x.shape], { backend })));
    const named: Record<string, Tensor | undefined> = r instanceof Tensor ? { out: r } : { ...r };
    const kept: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(named)) if (t) kept[k] = keep(t);
    return kept;
  });
  const host: HostOutputs = {};
  for (const [k, t] of Object.entries(outs)) {
    host[k] = { shape: t.shape, data: await t.data() };
    t.dispose();
  }
  return host;
}

/** Runs `fn` on both backends (the GPU side inside `withGpuDevice`); returns both sides' outputs. */
export async function onBoth(
  gpu: WebGpuBackend,
  fn: (...xs: Tensor[]) => Outputs,
  inputs: readonly HostInput[],
): Promise<{ gpu: HostOutputs; cpu: HostOutputs }> {
  const cpu = await runOn(reference, fn, inputs);
  return { gpu: await withGpuDevice(gpu, () => runOn(gpu, fn, inputs)), cpu };
}

/**
 * Null when every output of `fn` on WebGPU is within tolerance of the oracle's (NaN matches NaN),
 * else a message naming the output.
 */
export async function compareForward(
  gpu: WebGpuBackend,
  fn: (...xs: Tensor[]) => Outputs,
  inputs: readonly HostInput[],
  tol = { atol: 1e-5, rtol: 1e-4 },
): Promise<string | null> {
  const r = await onBoth(gpu, fn, inputs);
  for (const [k, expected] of Object.entries(r.cpu)) {
    const actual = r.gpu[k];
    if (!actual) return `output '${k}' is missing on webgpu`;
    const msg = allClose(actual, expected, tol);
    if (msg) return `output '${k}': ${msg}`;
  }
  return null;
}
