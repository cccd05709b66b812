// The plugin in a runtime: the provider probes this machine's adapter and the runtime can select it.
import { describe, expect, it } from 'vitest';
import { createRuntime } from '@crossmodal/core';
import { WebGpuBackend, webgpuBackendPlugin } from './index.ts';
import { testBackend } from './testing/index.ts';

const backend = await testBackend();

describe.skipIf(typeof backend === 'string')('webgpu backend plugin', () => {
  it('registers the webgpu backend, which probes available here', async () => {
    const runtime = createRuntime([webgpuBackendPlugin]);
    expect(runtime.backends.names()).toEqual(['cpu', 'webgpu']);
    const probe = await runtime.backends.get('webgpu').probe();
    expect(probe.available).toBe(true);
    expect(['software-gpu', 'hardware-gpu']).toContain(probe.kind);
    expect(probe.detail).toMatch(/adapter /);
  });

  it('is what auto selects over the oracle, saying why', async () => {
    const runtime = createRuntime([webgpuBackendPlugin]);
    const { name, reason, backend: b } = await runtime.backends.select('auto');
    expect(name).toBe('webgpu');
    expect(reason).toMatch(/webgpu/);
    expect(b.id).toBe('webgpu');
    if (b instanceof WebGpuBackend) await b.destroy();
  });
});
