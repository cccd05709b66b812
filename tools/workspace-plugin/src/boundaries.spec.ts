// Spec for the module-boundary check: the real workspace must be clean; a temp fixture breaks every rule once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkBoundaries, formatViolation, loadDepConstraints, type BoundaryReport } from './boundaries.ts';
import { main } from './check-boundaries.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** project root → [tags, package.json present?, { file in project: source }] */
const FIXTURE: Record<string, [string[], boolean, Record<string, string>]> = {
  'packages/tensor': [['scope:framework', 'type:tensor'], true, {
    'src/index.ts': [
      "// import { Module } from '@crossmodal/model-vit';  (a comment: ignored)",
      "import { Module } from '@crossmodal/nn';",
      "export const doc = \"import x from '../../escape-in-a-string'\";",
    ].join('\n'),
    'src/shape.ts': "import { util } from './util';\nexport { util };",
    'src/util.ts': 'export const util = 1;',
    'src/escape.ts': "export * from '../../nn/src/index.ts';",
  }],
  'packages/nn': [['scope:framework', 'type:nn'], true, {
    'src/index.ts': "import type { Tensor } from '@crossmodal/tensor';\nexport type Module = Tensor;",
    'src/layer.ts': "\n\nimport { arb } from '@crossmodal/tensor/testing';",
    'src/layer.spec.ts': "import { arb } from '@crossmodal/tensor/testing';\nimport { util } from '../../tensor/src/util.ts';",
  }],
  'packages/core': [['scope:framework', 'type:core'], true, {
    'src/index.ts': "export { vitPlugin } from '@crossmodal/model-vit';",
    'src/testing/laws.ts': "import { arb } from '@crossmodal/tensor/testing';\nimport { x } from '../index.ts';",
    'src/lazy.ts': "export const load = () => import('@crossmodal/missing');",
  }],
  'plugins/model-vit': [['scope:plugin', 'type:model'], true, {
    'src/index.ts': "import { nn } from '@crossmodal/nn';\nimport { gpu } from '@crossmodal/backend-webgpu';",
    'src/other.ts': "import type { Mcan } from '@crossmodal/model-mcan';",
    'src/data.ts': "import table from './table.json' with { type: 'json' };\nimport { a } from './a.js';",
  }],
  'plugins/model-mcan': [['scope:plugin', 'type:model'], true, { 'src/index.ts': "import { nn } from '@crossmodal/nn';" }],
  'plugins/backend-webgpu': [['scope:plugin', 'type:backend'], true, {
    'src/index.ts': "import { t } from '@crossmodal/tensor';",
  }],
  // No package.json: the project is still known as @crossmodal/<project name>.
  'plugins/fusion-co': [['scope:plugin', 'type:fusion'], false, {
    'src/index.ts': "import { nn } from '@crossmodal/nn';\nimport { core } from '@crossmodal/core';\nimport { t } from '@crossmodal/tensor';",
  }],
  // Installed copies are never scanned, whatever they import.
  'node_modules/@crossmodal/nn': [['scope:framework', 'type:nn'], true, { 'src/index.ts': "import '@crossmodal/model-vit';" }],
};

let ws = '';
let report: BoundaryReport;

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'crossmodal-boundaries-'));
  writeFileSync(join(ws, 'nx.json'), '{}');
  for (const [root, [tags, withPackage, files]] of Object.entries(FIXTURE)) {
    const name = root.split('/').pop()!;
    mkdirSync(join(ws, root), { recursive: true });
    writeFileSync(join(ws, root, 'project.json'), JSON.stringify({ name, tags }));
    if (withPackage) writeFileSync(join(ws, root, 'package.json'), JSON.stringify({ name: `@crossmodal/${name}` }));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, root, file)), { recursive: true });
      writeFileSync(join(ws, root, file), text);
    }
  }
  report = checkBoundaries(ws);
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('checkBoundaries on the real workspace', () => {
  it('finds no violation', () => {
    const real = checkBoundaries(REPO_ROOT);
    expect(real.violations.map(formatViolation)).toEqual([]);
    expect(real.files).toBeGreaterThan(5);
  });
});

describe('checkBoundaries on a fixture that breaks every rule', () => {
  it('scans each project outside node_modules and each of its .ts files', () => {
    expect(report.projects).toBe(7);
    expect(report.files).toBe(16);
  });

  it('reports exactly the violating imports, with file, line and rule', () => {
    expect(report.violations.map(({ file, line, specifier, rule }) => [file, line, specifier, rule])).toEqual([
      ['packages/core/src/index.ts', 1, '@crossmodal/model-vit', 'dep-constraint'],
      ['packages/core/src/index.ts', 1, '@crossmodal/model-vit', 'dep-constraint'],
      ['packages/core/src/lazy.ts', 1, '@crossmodal/missing', 'unknown-package'],
      ['packages/nn/src/layer.spec.ts', 2, '../../tensor/src/util.ts', 'relative-escape'],
      ['packages/nn/src/layer.ts', 3, '@crossmodal/tensor/testing', 'testing-subpath'],
      ['packages/tensor/src/escape.ts', 1, '../../nn/src/index.ts', 'relative-escape'],
      ['packages/tensor/src/index.ts', 2, '@crossmodal/nn', 'dep-constraint'],
      ['packages/tensor/src/shape.ts', 1, './util', 'relative-extension'],
      ['plugins/fusion-co/src/index.ts', 3, '@crossmodal/tensor', 'dep-constraint'],
      ['plugins/model-vit/src/index.ts', 2, '@crossmodal/backend-webgpu', 'dep-constraint'],
      ['plugins/model-vit/src/index.ts', 2, '@crossmodal/backend-webgpu', 'dep-constraint'],
      ['plugins/model-vit/src/other.ts', 1, '@crossmodal/model-mcan', 'dep-constraint'],
      ['plugins/model-vit/src/other.ts', 1, '@crossmodal/model-mcan', 'dep-constraint'],
    ]);
  });

  it('names the constraint each dependency breaks', () => {
    const constraintOf = (file: string) =>
      report.violations.filter((v) => v.file === file).map((v) => /constraint "([^"]+)"/.exec(v.message)?.[1]);
    expect(constraintOf('packages/tensor/src/index.ts')).toEqual(['type:tensor depends on nothing of ours']);
    expect(constraintOf('packages/core/src/index.ts')).toEqual([
      'type:core depends only on type:tensor or type:nn or type:data',
      'scope:framework never on scope:plugin or scope:preset',
    ]);
    expect(constraintOf('plugins/fusion-co/src/index.ts')).toEqual(['type:fusion depends only on type:nn or type:core']);
    expect(constraintOf('plugins/model-vit/src/index.ts')).toEqual([
      'scope:plugin depends only on scope:framework',
      'type:model never on type:model or type:backend',
    ]);
    expect(constraintOf('plugins/model-vit/src/other.ts')).toEqual([
      'scope:plugin depends only on scope:framework',
      'type:model never on type:model or type:backend',
    ]);
  });

  it('formats each violation with the file, the import and the rule', () => {
    const lines = report.violations.map(formatViolation);
    expect(lines[0]).toBe(
      "packages/core/src/index.ts:1: '@crossmodal/model-vit' [dep-constraint] project core [scope:framework, type:core] " +
        'may not import model-vit [scope:plugin, type:model]: constraint "type:core depends only on type:tensor or type:nn or type:data" ' +
        '(core wires the lower framework layers; it never imports the CLI or a plugin)',
    );
    for (const [i, v] of report.violations.entries()) {
      expect(lines[i]).toContain(`${v.file}:${v.line}: '${v.specifier}' [${v.rule}]`);
    }
  });

  it('explains the test-only subpath, the escape, the extension and the unknown name', () => {
    const messageOf = (rule: string) => report.violations.find((v) => v.rule === rule)?.message;
    expect(messageOf('testing-subpath')).toBe(
      "@crossmodal/tensor/testing is test-only: import it from a *.spec.ts (or Deno *.test.ts) file or from a package's src/testing/ folder",
    );
    expect(messageOf('relative-escape')).toBe(
      'resolves outside project nn (packages/nn); import the other package by its name instead',
    );
    expect(messageOf('relative-extension')).toContain('carry .ts, .js or .json');
    expect(messageOf('unknown-package')).toBe(
      'no project in the workspace is named @crossmodal/missing; known: @crossmodal/backend-webgpu, ' +
        '@crossmodal/core, @crossmodal/fusion-co, @crossmodal/model-mcan, @crossmodal/model-vit, ' +
        '@crossmodal/nn, @crossmodal/tensor',
    );
  });
});

describe('loadDepConstraints', () => {
  it('reads the constraints of boundaries.json in order', () => {
    expect(loadDepConstraints().map((c) => c.sourceTag)).toEqual([
      'type:tensor',
      'type:nn',
      'type:data',
      'type:core',
      'type:bench',
      'type:viz',
      'scope:plugin',
      'scope:preset',
      'type:model',
      'type:fusion',
      'scope:framework',
    ]);
  });

  it('names the file, the entry and the field of a malformed constraint', () => {
    const file = join(ws, 'bad-boundaries.json');
    writeFileSync(file, JSON.stringify({ depConstraints: [{ sourceTag: 'a', onlyDependOnLibsWithTags: 'b' }] }));
    expect(() => loadDepConstraints(file)).toThrow(
      `${file}: depConstraints[0].onlyDependOnLibsWithTags: expected an array of tags`,
    );
  });
});

describe('check-boundaries CLI', () => {
  it('exits 1 listing every violation for the fixture, 0 for the real workspace, 2 outside a workspace', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logs = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(main([ws])).toBe(1);
      expect(errors.mock.calls.map(([line]) => line)).toEqual([
        ...report.violations.map(formatViolation),
        'module boundaries: 13 violation(s) (7 projects, 16 files)',
      ]);
      expect(main([REPO_ROOT])).toBe(0);
      expect(logs.mock.calls[0]?.[0]).toMatch(/^module boundaries: ok \(\d+ projects, \d+ files\)$/);
      errors.mockClear();
      expect(main([join(ws, 'packages')])).toBe(2);
      expect(errors.mock.calls[0]?.[0]).toBe(`check-boundaries: ${join(ws, 'packages')} is not an Nx workspace (no nx.json)`);
    } finally {
      errors.mockRestore();
      logs.mockRestore();
    }
  });
});
