// The GPU run's parity checks, with the CPU backend standing in for the GPU: they pass on a
// correct backend and name the check that breaks when a reference tensor is off.
import { encodeSafetensors, decodeSafetensors } from '@crossmodal/nn';
import { createCpuBackend } from '@crossmodal/tensor';
import { conformanceCases } from '@crossmodal/tensor/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformanceOnGpu, vitParityOnGpu } from './gpu-parity.ts';

const FIXTURE = fileURLToPath(new URL('../../../../plugins/model-vit/fixtures/vit-tiny.golden.safetensors', import.meta.url));

describe('GPU-run parity checks (CPU backend standing in)', () => {
  it('runs every conformance case', async () => {
    const outcome = await conformanceOnGpu(createCpuBackend());
    expect(outcome).toEqual({ passed: conformanceCases.length, failed: [] });
  });

  it('checks logits, every attention map, the loss and every gradient of both poolings within 1e-4', async () => {
    const rows = await vitParityOnGpu(createCpuBackend(), FIXTURE);
    expect(rows.length).toBe(59);
    expect(rows.filter((r) => !(r.relError <= 1e-4))).toEqual([]);
    expect(rows.map((r) => r.check)).toContain('avg grad.head.weight');
  });

  it('names the check whose reference is off', async () => {
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(FIXTURE)));
    const tampered = { ...tensors, 'token.logits': tensors['token.logits']!.add(0.01) };
    const path = join(mkdtempSync(join(tmpdir(), 'gpu-parity-')), 'tampered.safetensors');
    writeFileSync(path, await encodeSafetensors(tampered, { metadata }));
    const over = (await vitParityOnGpu(createCpuBackend(), path)).filter((r) => !(r.relError <= 1e-4)).map((r) => r.check);
    expect(over).toEqual(['token logits']);
  });
});
