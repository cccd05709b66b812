// Reads the workspace from disk: every project (project.json + package.json) and the .ts files each one owns.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Directories never walked: installs, build output, caches, scratch space, VCS data. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'dist', '.nx', 'tmp', 'coverage', '.git']);

/** One Nx project as the boundary check and the line counter see it. */
export interface WorkspaceProject {
  /** The Nx project name from project.json (`tensor`, `model-vit`). */
  readonly name: string;
  /** The project directory, relative to the workspace root, with `/` separators. */
  readonly root: string;
  /** The Nx tags from project.json (`scope:framework`, `type:tensor`). */
  readonly tags: readonly string[];
  /** The npm name from the sibling package.json, or `@crossmodal/<name>` when there is none yet. */
  readonly packageName: string;
}

/** Converts a platform path to the `/`-separated form used in messages and Nx roots. */
export const toPosix = (path: string): string => path.split(sep).join('/');

/** Parses a JSON file, naming the file when it is malformed. */
export function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Walks `dir` depth-first in name order and yields every file path under it, skipping
 * {@link SKIPPED_DIRS}. `stopAt(dir)` returning true prunes a subdirectory (used for nested projects).
 */
export function* walkFiles(dir: string, stopAt: (dir: string) => boolean = () => false): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !stopAt(path)) yield* walkFiles(path, stopAt);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

/**
 * Every project in the workspace, sorted by root: each directory holding a project.json.
 *
 * @param workspaceRoot - absolute path of the repository root.
 * @example
 * for (const p of readProjects(process.cwd())) console.log(p.name, p.packageName, p.tags.join(','));
 */
export function readProjects(workspaceRoot: string): WorkspaceProject[] {
  const projects: WorkspaceProject[] = [];
  for (const file of walkFiles(workspaceRoot)) {
    if (basename(file) !== 'project.json') continue;
    const dir = dirname(file);
    const config = readJson<{ name?: string; tags?: string[] }>(file);
    const root = toPosix(relative(workspaceRoot, dir)) || '.';
    const name = config.name ?? root.split('/').pop() ?? root;
    const pkgFile = join(dir, 'package.json');
    const pkgName = existsSync(pkgFile) ? readJson<{ name?: string }>(pkgFile).name : undefined;
    projects.push({ name, root, tags: config.tags ?? [], packageName: pkgName ?? `@crossmodal/${name}` });
  }
  return projects.sort((a, b) => a.root.localeCompare(b.root));
}

/** True for the TypeScript sources a project owns (declaration files included: they import too). */
export const isTsSource = (file: string): boolean => /\.(ts|mts|cts|tsx)$/.test(file);

/**
 * The .ts files of one project, as absolute paths; files of projects nested inside it are left to them.
 *
 * @param workspaceRoot - absolute path of the repository root.
 * @param project - the project whose files to list.
 */
export function projectSources(workspaceRoot: string, project: WorkspaceProject): string[] {
  const root = join(workspaceRoot, project.root);
  const isNestedProject = (dir: string): boolean => existsSync(join(dir, 'project.json'));
  return [...walkFiles(root, isNestedProject)].filter(isTsSource);
}
