// The loader: the built addon loads with every export the kernels need; a missing, foreign or
// stale file is a one-line reason naming the path and the fix, never a throw.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddon, loadAddonFrom } from './load.ts';
import { REQUIRED_EXPORTS } from './types.ts';
import { nativeBackendProvider } from '../provider.ts';

const load = loadAddon();

describe('loadAddon', () => {
  it.skipIf(!load.ok && !process.env['CI'])(`loads the built addon with every required export${load.ok ? '' : ` (skipped outside CI: ${load.reason})`}`, () => {
    expect(load.ok ? '' : load.reason).toBe('');
    if (!load.ok) return;
    for (const name of REQUIRED_EXPORTS) expect(typeof load.addon[name], name).toBe('function');
    const info = load.addon.info();
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(['avx2+fma', 'baseline']).toContain(info.simd);
    expect(info.blas).toMatch(/OpenBLAS/i);
  });

  it('names a missing file and the fix', () => {
    const r = loadAddonFrom('/nonexistent/crossmodal_native.node', 'CROSSMODAL_NATIVE_ADDON names');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^CROSSMODAL_NATIVE_ADDON names \/nonexistent\/crossmodal_native\.node, which does not exist; install g\+\+.*build:addon/);
  });

  it('names a file that is not a loadable addon, in one line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cm-native-')), 'broken.node');
    writeFileSync(path, 'not an ELF file');
    const r = loadAddonFrom(path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain(`native addon at ${path} failed to load (`);
      expect(r.reason).not.toContain('\n');
    }
  });
});

describe('nativeBackendProvider', () => {
  it('probes as native-cpu and describes OpenBLAS, the SIMD level and the threads (or why not)', async () => {
    const p = await nativeBackendProvider.probe();
    expect(p.kind).toBe('native-cpu');
    if (p.available) expect(p.detail).toMatch(/^OpenBLAS \(.+\), (avx2\+fma|baseline), \d+ threads$/);
    else expect(p.detail).toContain('build:addon');
  });

  it('rejects unknown options and a non-numeric thread count by name', async () => {
    await expect(nativeBackendProvider.create({ thread: 2 })).rejects.toThrow('native backend: unknown option(s) thread; expected: threads');
    await expect(nativeBackendProvider.create({ threads: 'two' })).rejects.toThrow('native backend: option threads must be a positive integer, got "two"');
  });

  it.skipIf(!load.ok)('rejects a thread count that is not a positive integer', async () => {
    await expect(nativeBackendProvider.create({ threads: 0 })).rejects.toThrow('native backend: threads must be a positive integer, got 0');
  });
});
