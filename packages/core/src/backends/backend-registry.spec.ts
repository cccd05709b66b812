// Backend selection: `auto` picks by kind order (hardware GPU > native CPU > software GPU > oracle),
// a forced name is obeyed or fails with the probe's detail, and the reason says why.
import { createCpuBackend } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import type { BackendProbe, BackendProvider } from '../contracts/backend-provider.ts';
import { BACKENDS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { UnknownNameError } from '../registry/errors.ts';
import { createRuntime } from '../runtime/runtime.ts';
import { BackendUnavailableError } from './backend-registry.ts';

const fake = (name: string, probe: BackendProbe, options: { failToStart?: boolean } = {}): BackendProvider => ({
  name,
  probe: () => Promise.resolve(probe),
  create: () => (options.failToStart ? Promise.reject(new Error('device lost')) : Promise.resolve(createCpuBackend())),
});

const backendsPlugin = (...providers: BackendProvider[]): Plugin => ({
  name: '@acme/backends',
  version: '1.0.0',
  register: (c) => providers.forEach((p) => c.register(BACKENDS, { useValue: p })),
});

const webgpuHw = fake('webgpu', { available: false, kind: 'hardware-gpu', detail: 'no hardware adapter found' });
const lavapipe = fake('webgpu-sw', { available: true, kind: 'software-gpu', detail: 'lavapipe (software adapter)' });
const native = fake('native', { available: true, kind: 'native-cpu', detail: 'OpenBLAS 0.3.26, 16 threads' });

describe('BackendRegistry.select', () => {
  it('picks the oracle when it is the only backend, and says so', async () => {
    const selection = await createRuntime([]).backends.select('auto');
    expect(selection.name).toBe('cpu');
    expect(selection.backend.id).toBe('cpu');
    expect(selection.reason).toBe('cpu: the reference CPU backend (no faster backend registered)');
  });

  it('prefers native CPU over a software GPU when the hardware GPU is unavailable, listing the unavailable one', async () => {
    const runtime = createRuntime([backendsPlugin(lavapipe, webgpuHw, native)]);
    const selection = await runtime.backends.select('auto');
    expect(selection.name).toBe('native');
    expect(selection.probe.kind).toBe('native-cpu');
    expect(selection.reason).toBe('native: OpenBLAS 0.3.26, 16 threads (unavailable: webgpu (no hardware adapter found))');
  });

  it('takes an available hardware GPU first', async () => {
    const hw = fake('webgpu', { available: true, kind: 'hardware-gpu', detail: 'NVIDIA H100 (Vulkan)' });
    const selection = await createRuntime([backendsPlugin(native, hw)]).backends.select('auto');
    expect(selection.name).toBe('webgpu');
    expect(selection.reason).toBe('webgpu: NVIDIA H100 (Vulkan) (no faster backend registered)');
  });

  it('breaks ties by registration order', async () => {
    const nativeB = fake('native-b', { available: true, kind: 'native-cpu', detail: 'second' });
    const selection = await createRuntime([backendsPlugin(native, nativeB)]).backends.select('auto');
    expect(selection.name).toBe('native');
  });

  it('falls through to the next backend when the chosen one fails to start', async () => {
    const flaky = fake('webgpu', { available: true, kind: 'hardware-gpu', detail: 'adapter found' }, { failToStart: true });
    const selection = await createRuntime([backendsPlugin(flaky, native)]).backends.select('auto');
    expect(selection.name).toBe('native');
    expect(selection.reason).toBe('native: OpenBLAS 0.3.26, 16 threads (unavailable: webgpu (failed to start: device lost))');
  });

  it('counts a probe that throws as unavailable', async () => {
    const throwing: BackendProvider = { name: 'broken', probe: () => Promise.reject(new Error('addon missing')), create: () => Promise.resolve(createCpuBackend()) };
    const selection = await createRuntime([backendsPlugin(throwing)]).backends.select('auto');
    expect(selection.name).toBe('cpu');
    expect(selection.reason).toBe('cpu: the reference CPU backend (unavailable: broken (probe failed: addon missing))');
  });

  it('obeys a forced name even when a faster backend is available', async () => {
    const selection = await createRuntime([backendsPlugin(native)]).backends.select('cpu');
    expect(selection.name).toBe('cpu');
    expect(selection.reason).toBe("cpu: the reference CPU backend (requested by the config's backend field)");
  });

  it('gives each provider only its own entry of the options, under auto and when forced', async () => {
    const seen: { readonly [option: string]: unknown }[] = [];
    const recording = (name: string, kind: BackendProbe['kind']): BackendProvider => ({
      name,
      probe: () => Promise.resolve({ available: true, kind, detail: name }),
      create: (options = {}) => (seen.push(options), Promise.resolve(createCpuBackend())),
    });
    const runtime = createRuntime([backendsPlugin(recording('native', 'native-cpu'), recording('webgpu', 'software-gpu'))]);
    const options = { native: { threads: 1 }, webgpu: { f16: true } };
    expect((await runtime.backends.select('auto', options)).name).toBe('native');
    expect((await runtime.backends.select('webgpu', options)).name).toBe('webgpu');
    await runtime.backends.select('native');
    expect(seen).toEqual([{ threads: 1 }, { f16: true }, {}]);
  });

  it('fails on a forced unknown name with the known names', async () => {
    const runtime = createRuntime([backendsPlugin(native)]);
    await expect(runtime.backends.select('natve')).rejects.toThrow(UnknownNameError);
    await expect(runtime.backends.select('natve')).rejects.toThrow("Unknown backend 'natve'. Did you mean 'native'? Known backends: cpu, native.");
  });

  it('fails on a forced unavailable backend with the probe detail', async () => {
    const runtime = createRuntime([backendsPlugin(webgpuHw)]);
    await expect(runtime.backends.select('webgpu')).rejects.toThrow(BackendUnavailableError);
    await expect(runtime.backends.select('webgpu')).rejects.toThrow(
      "Backend 'webgpu' was requested (backend: \"webgpu\") but is unavailable here: no hardware adapter found. Use backend: \"auto\" to pick the fastest available one.",
    );
  });

  it('fails when no backend can run at all', async () => {
    const runtime = createRuntime([backendsPlugin(webgpuHw)], { builtins: false });
    await expect(runtime.backends.select('auto')).rejects.toThrow('No backend can run here: webgpu (no hardware adapter found)');
  });
});
