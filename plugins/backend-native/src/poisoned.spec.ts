// Kernels that write into unzeroed outputs (`outUninitialized`) must write every element: on a
// backend that reuses every released array and fills each such output with NaN first, the whole
// conformance suite and its properties still match the CPU oracle.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@crossmodal/tensor';
import { checkConformanceProperty, compareBackends, conformanceCases, conformanceProperties } from '@crossmodal/tensor/testing';
import { loadAddon } from './addon/load.ts';
import { createNativeBackend } from './create-backend.ts';

const poisoned = loadAddon().ok ? createNativeBackend({ poisonReused: true }) : undefined;
const reference = createCpuBackend();

describe.skipIf(!poisoned)('native kernels on a backend that hands out NaN-filled reused outputs', () => {
  it('hands out NaN-filled arrays through outUninitialized, and zeroed ones through out', () => {
    const be = poisoned!;
    const a = be.alloc('float32', 3);
    be.release(a);
    expect([...be.outUninitialized({ dtype: 'float32', size: 3, shape: [3] }).data].every(Number.isNaN)).toBe(true);
    const b = be.alloc('float32', 5);
    b.data.fill(7);
    be.release(b);
    expect([...be.out({ dtype: 'float32', size: 5, shape: [5] }).data]).toEqual([0, 0, 0, 0, 0]);
  });

  it.each(conformanceCases.map((c) => [c.name, c] as const))('%s still matches the CPU oracle', async (_, c) => {
    // Twice: the second run gets the first run's released arrays back.
    for (let i = 0; i < 2; i++) {
      expect(await compareBackends(c.run, c.inputs, poisoned!, reference, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 5 + i })).toBeNull();
    }
  });

  it.each(conformanceProperties.map((p) => [p.name, p] as const))('property: %s', async (_, p) => {
    await checkConformanceProperty(p, poisoned!, reference, { numRuns: Number(process.env['FC_RUNS'] ?? 30) });
  });
});
