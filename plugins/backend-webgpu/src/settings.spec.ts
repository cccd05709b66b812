// The backend's settings: f16 only where the adapter offers shader-f16 (else an error naming the
// feature and the adapter), the reduction strategy from the adapter's kind unless overridden, and
// the provider's untyped options checked before any device is acquired.
import { describe, expect, it } from 'vitest';
import { webgpuBackendProvider } from './provider.ts';
import { parseBackendOptions, resolveSettings } from './settings.ts';

const lavapipe = { adapterName: 'mesa software llvmpipe', software: true, features: new Set(['shader-f16', 'timestamp-query']) };
const discrete = { adapterName: 'nvidia ada NVIDIA RTX 4090', software: false, features: new Set(['shader-f16']) };
const noHalf = { adapterName: 'google swiftshader SwiftShader Device', software: true, features: new Set<string>() };

describe('backend settings', () => {
  it('default to f32 and, for reductions, serial on software adapters and trees on hardware ones', () => {
    expect(resolveSettings({}, lavapipe)).toEqual({ f16: false, reductions: 'serial', treeMinLength: 256 });
    expect(resolveSettings({}, discrete)).toEqual({ f16: false, reductions: 'tree', treeMinLength: 256 });
    expect(resolveSettings({ reductions: 'auto' }, discrete).reductions).toBe('tree');
  });

  it('take an explicit strategy and tree threshold over the adapter-based choice', () => {
    expect(resolveSettings({ reductions: 'tree', treeMinLength: 1 }, lavapipe)).toEqual({ f16: false, reductions: 'tree', treeMinLength: 1 });
    expect(resolveSettings({ reductions: 'serial' }, discrete).reductions).toBe('serial');
  });

  it('enable f16 where shader-f16 is offered and name the feature and the adapter where it is not', () => {
    expect(resolveSettings({ f16: true }, lavapipe).f16).toBe(true);
    expect(() => resolveSettings({ f16: true }, noHalf)).toThrow(
      "webgpu: f16 was requested (f16: true) but the adapter 'google swiftshader SwiftShader Device' does not offer the 'shader-f16' feature; leave f16 off on this adapter",
    );
    expect(resolveSettings({ f16: false }, noHalf).f16).toBe(false);
  });

  it('reject ill-typed options with the option, the value and what was expected', () => {
    expect(() => parseBackendOptions({ f16: 'yes' })).toThrow('webgpu: option f16 is "yes", expected true or false');
    expect(() => parseBackendOptions({ reductions: 'fast' })).toThrow("webgpu: option reductions is \"fast\", expected one of 'auto', 'serial', 'tree'");
    expect(() => parseBackendOptions({ treeMinLength: 0 })).toThrow('webgpu: option treeMinLength is 0, expected an integer ≥ 1');
    expect(() => resolveSettings({ treeMinLength: 2.5 }, lavapipe)).toThrow('option treeMinLength is 2.5');
  });

  it('pass the backend’s own options through the provider and reject unknown keys (a config gives each backend its own entry)', async () => {
    expect(parseBackendOptions({ f16: true, reductions: 'tree', treeMinLength: 64 })).toEqual({ f16: true, reductions: 'tree', treeMinLength: 64 });
    expect(() => parseBackendOptions({ f16: true, threads: 4 })).toThrow('webgpu: unknown option(s) threads; expected: f16, reductions, treeMinLength');
    expect(parseBackendOptions({})).toEqual({});
    await expect(webgpuBackendProvider.create({ reductions: 'parallel' })).rejects.toThrow("option reductions is \"parallel\"");
  });
});
