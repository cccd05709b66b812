// The tensor engine's conformance suite on the native backend: every op, forward and gradients,
// against the CPU oracle, on odd, broadcast and batched shapes with masks.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@crossmodal/tensor';
import { compareBackends, conformanceCases, opsWithoutKernel } from '@crossmodal/tensor/testing';
import { testBackend } from './testing.ts';

const backend = testBackend();
const reference = createCpuBackend();

describe.skipIf(typeof backend === 'string')(`native conformance${typeof backend === 'string' ? ` (skipped: ${backend})` : ''}`, () => {
  it.each(conformanceCases.map((c) => [c.name, c] as const))('%s matches the CPU oracle', async (_, c) => {
    if (typeof backend === 'string') return;
    const msg = await compareBackends(c.run, c.inputs, backend, reference, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 5 });
    expect(msg).toBeNull();
  });

  it('has a kernel for every op: nothing runs as a composite or falls back to the CPU oracle', () => {
    if (typeof backend === 'string') return;
    expect(opsWithoutKernel(backend)).toEqual([]);
  });
});
