// Spec for the inferred targets: builds a throwaway workspace in a temp dir and checks the exact target configs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodes, createNodesV2, inferTargets, PROJECT_FILE_GLOB } from './infer-targets.ts';

const SHARED = ['default', '^production', '{workspaceRoot}/tsconfig.base.json'];

/** The test target Nx should see for a project at `root`. */
const testTarget = (root: string) => ({
  command: 'vitest run',
  options: { cwd: root },
  cache: true,
  inputs: [...SHARED, { externalDependencies: ['vitest'] }],
  outputs: [],
  metadata: { description: 'Runs the Vitest specs with the project’s vitest.config.ts', technologies: ['vitest'] },
});

/** The typecheck target Nx should see for a project at `root`. */
const typecheckTarget = (root: string) => ({
  command: 'tsc -p tsconfig.json --noEmit',
  options: { cwd: root },
  cache: true,
  inputs: [...SHARED, { externalDependencies: ['typescript'] }],
  outputs: [],
  metadata: { description: 'Type-checks the project with its tsconfig.json', technologies: ['typescript'] },
});

let ws = '';
const write = (file: string, text = '{}'): void => {
  mkdirSync(dirname(join(ws, file)), { recursive: true });
  writeFileSync(join(ws, file), text);
};

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'crossmodal-infer-'));
  write('packages/both/project.json', '{"name":"both"}');
  write('packages/both/vitest.config.ts', 'export default {};');
  write('packages/both/tsconfig.json');
  write('packages/types-only/project.json', '{"name":"types-only"}');
  write('packages/types-only/tsconfig.json');
  write('plugins/tests-only/project.json', '{"name":"tests-only"}');
  write('plugins/tests-only/vitest.config.ts', 'export default {};');
  write('plugins/bare/project.json', '{"name":"bare"}');
  // A vitest.config.mts is not ours: only vitest.config.ts turns the test target on.
  write('plugins/bare/vitest.config.mts', 'export default {};');
  write('node_modules/some-dep/project.json', '{"name":"some-dep"}');
  write('node_modules/some-dep/tsconfig.json');
});

afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('inferTargets', () => {
  it('infers test and typecheck when both config files exist', () => {
    expect(inferTargets('packages/both', ws)).toEqual({
      test: testTarget('packages/both'),
      typecheck: typecheckTarget('packages/both'),
    });
  });

  it('infers only typecheck without a vitest.config.ts', () => {
    expect(inferTargets('packages/types-only', ws)).toEqual({ typecheck: typecheckTarget('packages/types-only') });
  });

  it('infers only test without a tsconfig.json', () => {
    expect(inferTargets('plugins/tests-only', ws)).toEqual({ test: testTarget('plugins/tests-only') });
  });

  it('infers nothing for a project with neither file', () => {
    expect(inferTargets('plugins/bare', ws)).toEqual({});
  });
});

describe('createNodesV2', () => {
  const files = [
    'packages/both/project.json',
    'packages/types-only/project.json',
    'plugins/tests-only/project.json',
    'plugins/bare/project.json',
    'node_modules/some-dep/project.json',
  ];
  const run = () => createNodesV2[1](files, undefined, { workspaceRoot: ws, nxJsonConfiguration: {} });

  it('matches every project.json and is the same pair as createNodes', () => {
    expect(PROJECT_FILE_GLOB).toBe('**/project.json');
    expect(createNodesV2[0]).toBe('**/project.json');
    expect(createNodesV2).toBe(createNodes);
  });

  it('returns one project per project.json outside node_modules, rooted at its directory', async () => {
    const results = await run();
    expect(results.map(([file]) => file)).toEqual(files.slice(0, 4));
    expect(results[0]).toEqual([
      'packages/both/project.json',
      {
        projects: {
          'packages/both': {
            root: 'packages/both',
            targets: { test: testTarget('packages/both'), typecheck: typecheckTarget('packages/both') },
          },
        },
      },
    ]);
    expect(results[3]).toEqual([
      'plugins/bare/project.json',
      { projects: { 'plugins/bare': { root: 'plugins/bare', targets: {} } } },
    ]);
  });

  it('runs every command in the project root, never the workspace root', async () => {
    const results = await run();
    const cwds = results.flatMap(([, r]) =>
      Object.entries(r.projects ?? {}).flatMap(([root, p]) =>
        Object.values(p.targets ?? {}).map((t) => [root, (t.options as { cwd: string }).cwd]),
      ),
    );
    expect(cwds).toEqual([
      ['packages/both', 'packages/both'],
      ['packages/both', 'packages/both'],
      ['packages/types-only', 'packages/types-only'],
      ['plugins/tests-only', 'plugins/tests-only'],
    ]);
  });
});
