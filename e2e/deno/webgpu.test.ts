// WebGPU under Deno: navigator.gpu (run with --unstable-webgpu) gives a device on lavapipe here.
// A few ops' parity with the CPU oracle (forward and gradients) and one training step of a small
// transformer on WebGPU against the oracle.
import { createWebGpuBackend } from '@crossmodal/backend-webgpu';
import { createCpuBackend } from '@crossmodal/tensor';
import { compareBackends, conformanceCases } from '@crossmodal/tensor/testing';
import { expectSameStep } from './src/testing/transformer-step.ts';

const gpu = await createWebGpuBackend();
const cpu = createCpuBackend();
const loose = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: 'WebGPU through navigator.gpu matches the CPU oracle on a few ops, forward and gradients',
  ...loose,
  fn: async () => {
    if (gpu.acquired.source !== 'navigator.gpu') throw new Error(`expected a navigator.gpu device, got ${gpu.acquired.source}`);
    for (const name of ['add broadcast', 'gelu exact', 'matmul batched broadcast', 'softmax', 'layerNorm affine', 'attention self']) {
      const c = conformanceCases.find((x) => x.name === name);
      if (!c) throw new Error(`no conformance case '${name}'`);
      const msg = await compareBackends(c.run, c.inputs, gpu, cpu, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 2 });
      if (msg) throw new Error(`${name}: ${msg}`);
    }
  },
});

Deno.test({
  name: 'one training step of a small transformer on WebGPU matches the oracle (loss and every gradient)',
  ...loose,
  fn: () => expectSameStep(gpu, cpu),
});
