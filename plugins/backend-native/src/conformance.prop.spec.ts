// The conformance suite's fast-check properties on the native backend: every op family on generated
// shapes (odd sizes, broadcasting, batched and transposed matmuls, random axes and permutations,
// masked and causal attention), forward and gradients, against the CPU oracle.
import { describe, it } from 'vitest';
import { createCpuBackend } from '@crossmodal/tensor';
import { checkConformanceProperty, conformanceProperties } from '@crossmodal/tensor/testing';
import { testBackend } from './testing.ts';

const backend = testBackend();
const reference = createCpuBackend();

describe.skipIf(typeof backend === 'string')(`native conformance properties${typeof backend === 'string' ? ` (skipped: ${backend})` : ''}`, () => {
  it.each(conformanceProperties.map((p) => [p.name, p] as const))('%s', async (_, p) => {
    if (typeof backend === 'string') return;
    await checkConformanceProperty(p, backend, reference, { numRuns: Number(process.env['FC_RUNS'] ?? 50) });
  });
});
