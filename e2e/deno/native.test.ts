// The native backend under Deno: the same .node addon, loaded through Deno's Node-API support
// (`createRequire` from node:module; run with -A). A conformance smoke against the CPU oracle
// (forward and gradients) and one training step of a small transformer against the oracle.
import { createNativeBackend, loadAddon } from '@crossmodal/backend-native';
import { createCpuBackend } from '@crossmodal/tensor';
import { compareBackends, conformanceCases } from '@crossmodal/tensor/testing';
import { expectSameStep } from './src/testing/transformer-step.ts';

const load = loadAddon();
if (!load.ok) throw new Error(`the native addon must load under Deno: ${load.reason}`);
const native = createNativeBackend();
const cpu = createCpuBackend();

Deno.test('the native addon loads under Deno and reports OpenBLAS', () => {
  const info = native.addon.info();
  if (!/OpenBLAS/i.test(info.blas)) throw new Error(`unexpected BLAS: ${info.blas}`);
  if (native.threads < 1) throw new Error(`threads: ${native.threads}`);
});

Deno.test('native kernels match the CPU oracle on a conformance smoke, forward and gradients', async () => {
  for (const name of ['add broadcast', 'gelu exact', 'matmul batched broadcast', 'softmax', 'layerNorm affine', 'attention self', 'sum axes keepdim']) {
    const c = conformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no conformance case '${name}'`);
    const msg = await compareBackends(c.run, c.inputs, native, cpu, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 2 });
    if (msg) throw new Error(`${name}: ${msg}`);
  }
});

Deno.test('one training step of a small transformer on the native backend matches the oracle (loss and every gradient)', () => expectSameStep(native, cpu));
