// The conformance suite's fast-check properties on WebGPU: every op family on generated shapes
// (odd sizes, broadcasting, batched and transposed matmuls, random axes and permutations, masked
// and causal attention), forward and gradients, against the CPU oracle, each case inside a
// validation error scope that must end empty. Fewer runs than on the CPU: lavapipe is slow, and
// shapes are uniforms, so more runs mostly repeat the same pipelines.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@crossmodal/tensor';
import { checkConformanceProperty, conformanceProperties } from '@crossmodal/tensor/testing';
import { testBackend, withGpuDevice } from './testing/index.ts';

const backend = await testBackend();
const reference = createCpuBackend();
const RUNS = Number(process.env['FC_RUNS'] ?? 25);

describe.skipIf(typeof backend === 'string')(`WebGPU conformance properties${typeof backend === 'string' ? ` (skipped: ${backend})` : ''}`, () => {
  it.each(conformanceProperties.map((p) => [p.name, p] as const))('%s', async (_, p) => {
    if (typeof backend === 'string') return;
    const outcome = await withGpuDevice(backend, async () => {
      await checkConformanceProperty(p, backend, reference, { numRuns: RUNS });
      return 'ok';
    });
    expect(outcome).toBe('ok');
  });
});
