// Nx local plugin: infers `test` (Vitest) and `typecheck` (tsc) targets for every project.json, since the @nx/* 24.x plugins don't exist for us.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TargetConfiguration } from 'nx/src/config/workspace-json-project-json';
import type { CreateNodes, CreateNodesResult } from 'nx/src/project-graph/plugins';

// NOTE: only type imports from `nx` here. Nx loads this file through @swc-node/register on every
// graph build, so it stays free of runtime dependencies and of `import.meta`.

/** The file each project declares itself with; the plugin runs once over all of them. */
export const PROJECT_FILE_GLOB = '**/project.json';

/** Inputs shared by both targets: the project's files, its dependencies' shipped sources, the base tsconfig. */
const SHARED_INPUTS = ['default', '^production', '{workspaceRoot}/tsconfig.base.json'] as const;

/**
 * The targets inferred for one project, keyed by target name.
 *
 * - `test`: `vitest run` in the project root, only when it has its own `vitest.config.ts`.
 * - `typecheck`: `tsc -p tsconfig.json --noEmit` in the project root, only when it has a `tsconfig.json`.
 *
 * @param projectRoot - the project's directory relative to the workspace root (`.` for a root project).
 * @param workspaceRoot - the absolute workspace root, used only to test which files exist.
 * @example
 * const targets = inferTargets('packages/tensor', process.cwd());
 * console.log(Object.keys(targets)); // e.g. ['test', 'typecheck']
 */
export function inferTargets(projectRoot: string, workspaceRoot: string): Record<string, TargetConfiguration> {
  const has = (file: string): boolean => existsSync(join(workspaceRoot, projectRoot, file));
  const targets: Record<string, TargetConfiguration> = {};
  if (has('vitest.config.ts')) {
    targets['test'] = {
      // `vitest run` never watches, so the target ends on its own with or without CI=true.
      command: 'vitest run',
      options: { cwd: projectRoot },
      cache: true,
      inputs: [...SHARED_INPUTS, { externalDependencies: ['vitest'] }],
      outputs: [],
      metadata: { description: 'Runs the Vitest specs with the project’s vitest.config.ts', technologies: ['vitest'] },
    };
  }
  if (has('tsconfig.json')) {
    targets['typecheck'] = {
      command: 'tsc -p tsconfig.json --noEmit',
      options: { cwd: projectRoot },
      cache: true,
      inputs: [...SHARED_INPUTS, { externalDependencies: ['typescript'] }],
      outputs: [],
      metadata: { description: 'Type-checks the project with its tsconfig.json', technologies: ['typescript'] },
    };
  }
  return targets;
}

/** True for a path with a `node_modules` segment: installed packages may ship project.json files. */
function isInstalled(file: string): boolean {
  return file.split(/[\\/]/).includes('node_modules');
}

/** Builds Nx's per-file result: one project at the file's directory with the inferred targets. */
function projectFor(file: string, workspaceRoot: string): CreateNodesResult {
  const root = dirname(file);
  return { projects: { [root]: { root, targets: inferTargets(root, workspaceRoot) } } };
}

/**
 * Nx's `createNodes` pair: the project-file glob and a function from matched files to projects.
 * Files under `node_modules` are skipped.
 */
export const createNodes: CreateNodes = [
  PROJECT_FILE_GLOB,
  (files, _options, context) =>
    files.filter((f) => !isInstalled(f)).map((f) => [f, projectFor(f, context.workspaceRoot)] as const),
];

/** The same pair under the name the brief and older Nx versions use; Nx 24 reads either. */
export const createNodesV2: CreateNodes = createNodes;
