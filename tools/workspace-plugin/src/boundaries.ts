// Module-boundary check by Nx tags (STYLE.md "Module boundaries"), standing in for @nx/enforce-module-boundaries.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importSites } from './imports.ts';
import { projectSources, readJson, readProjects, toPosix, type WorkspaceProject } from './workspace.ts';

/** The rules a single import can break; each violation names one. */
export type BoundaryRule =
  | 'dep-constraint' // a tag constraint from boundaries.json
  | 'testing-subpath' // `@crossmodal/<pkg>/testing` outside a spec or a src/testing/ folder
  | 'relative-escape' // a relative import that leaves its project root
  | 'relative-extension' // a relative import without .ts/.js/.json (Deno runs sources unchanged)
  | 'unknown-package'; // an `@crossmodal/*` name no project in the workspace carries

/** One entry of `depConstraints`, with Nx's semantics; `*` matches any tag. */
export interface DepConstraint {
  /** The constraint applies to every project carrying this tag. */
  readonly sourceTag: string;
  /** If present, each dependency must carry at least one of these tags (`[]`: no dependency at all). */
  readonly onlyDependOnLibsWithTags?: readonly string[];
  /** If present, no dependency may carry any of these tags. */
  readonly notDependOnLibsWithTags?: readonly string[];
  /** One line saying why the constraint exists; quoted in violation messages. */
  readonly reason?: string;
}

/** One broken rule at one import site. */
export interface BoundaryViolation {
  /** The importing file, relative to the workspace root. */
  readonly file: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** The specifier as written. */
  readonly specifier: string;
  /** Which rule it breaks. */
  readonly rule: BoundaryRule;
  /** What is wrong and what is allowed instead. */
  readonly message: string;
}

/** What one run of the check saw and found. */
export interface BoundaryReport {
  /** Number of projects checked. */
  readonly projects: number;
  /** Number of .ts files scanned. */
  readonly files: number;
  /** Every violation, in project, file and line order. */
  readonly violations: readonly BoundaryViolation[];
}

/** Our npm scope; only these specifiers are checked against tags. */
const SCOPE = '@crossmodal/';
/** Extensions a relative specifier may end with: what Deno, Node ESM and `rewriteRelativeImportExtensions` accept. */
const RELATIVE_EXTENSION = /\.(ts|js|json)$/;
/** Files allowed to import a `/testing` subpath: specs of every kind (`.prop.spec.ts`, `.gpu.spec.ts`…) and Deno's `*.test.ts`. */
const SPEC_FILE = /\.(spec|test)\.(ts|mts|tsx)$/;

/** The constraint file shipped next to this plugin: `tools/workspace-plugin/boundaries.json`. */
export const DEFAULT_CONSTRAINTS_FILE = fileURLToPath(new URL('../boundaries.json', import.meta.url));

/**
 * Reads and validates a constraints file of the form `{ "depConstraints": DepConstraint[] }`.
 * A malformed entry fails with the file, the entry index and the field that is wrong.
 *
 * @param file - path of the JSON file (default: {@link DEFAULT_CONSTRAINTS_FILE}).
 */
export function loadDepConstraints(file: string = DEFAULT_CONSTRAINTS_FILE): DepConstraint[] {
  const raw = readJson<{ depConstraints?: unknown }>(file).depConstraints;
  if (!Array.isArray(raw)) throw new Error(`${file}: expected "depConstraints" to be an array`);
  const isTags = (x: unknown): boolean => Array.isArray(x) && x.every((t) => typeof t === 'string');
  return raw.map((entry: Partial<Record<keyof DepConstraint, unknown>>, i) => {
    const where = `${file}: depConstraints[${i}]`;
    if (typeof entry.sourceTag !== 'string') throw new Error(`${where}.sourceTag: expected a string`);
    for (const key of ['onlyDependOnLibsWithTags', 'notDependOnLibsWithTags'] as const) {
      if (entry[key] !== undefined && !isTags(entry[key])) throw new Error(`${where}.${key}: expected an array of tags`);
    }
    if (entry.onlyDependOnLibsWithTags === undefined && entry.notDependOnLibsWithTags === undefined) {
      throw new Error(`${where}: expected onlyDependOnLibsWithTags or notDependOnLibsWithTags`);
    }
    return entry as DepConstraint;
  });
}

/** Human-readable form of a constraint, used as the rule name in messages. */
export function describeConstraint(c: DepConstraint): string {
  const parts: string[] = [];
  if (c.onlyDependOnLibsWithTags) {
    const only = c.onlyDependOnLibsWithTags;
    parts.push(only.length === 0 ? 'depends on nothing of ours' : `depends only on ${only.join(' or ')}`);
  }
  if (c.notDependOnLibsWithTags) parts.push(`never on ${c.notDependOnLibsWithTags.join(' or ')}`);
  return `${c.sourceTag} ${parts.join(', ')}`;
}

const hasTag = (p: WorkspaceProject, tag: string): boolean => tag === '*' || p.tags.includes(tag);

/** The constraints `source → target` breaks, as messages (empty when the dependency is allowed). */
export function brokenConstraints(
  source: WorkspaceProject,
  target: WorkspaceProject,
  constraints: readonly DepConstraint[],
): string[] {
  const broken: string[] = [];
  for (const c of constraints) {
    if (!hasTag(source, c.sourceTag)) continue;
    const onlyOk = !c.onlyDependOnLibsWithTags || c.onlyDependOnLibsWithTags.some((t) => hasTag(target, t));
    const notOk = !c.notDependOnLibsWithTags || !c.notDependOnLibsWithTags.some((t) => hasTag(target, t));
    if (onlyOk && notOk) continue;
    const why = c.reason ? ` (${c.reason})` : '';
    broken.push(
      `project ${source.name} [${source.tags.join(', ')}] may not import ${target.name} [${target.tags.join(', ')}]: ` +
        `constraint "${describeConstraint(c)}"${why}`,
    );
  }
  return broken;
}

/** Everything the per-import rules need about the importing file. */
interface ImportContext {
  readonly workspaceRoot: string;
  readonly project: WorkspaceProject;
  readonly file: string; // absolute
  readonly byPackage: ReadonlyMap<string, WorkspaceProject>;
  readonly constraints: readonly DepConstraint[];
}

/** Checks an `@crossmodal/*` specifier: known package, tag constraints, test-only subpath. */
function checkScoped(ctx: ImportContext, specifier: string): [BoundaryRule, string][] {
  const [scope, pkg, ...subpath] = specifier.split('/');
  const packageName = `${scope}/${pkg}`;
  const target = ctx.byPackage.get(packageName);
  if (!target) {
    const known = [...ctx.byPackage.keys()].sort().join(', ');
    return [['unknown-package', `no project in the workspace is named ${packageName}; known: ${known}`]];
  }
  const found: [BoundaryRule, string][] = [];
  if (target !== ctx.project) {
    for (const m of brokenConstraints(ctx.project, target, ctx.constraints)) found.push(['dep-constraint', m]);
  }
  if (subpath[0] === 'testing') {
    const inProject = toPosix(relative(join(ctx.workspaceRoot, ctx.project.root), ctx.file));
    if (!SPEC_FILE.test(ctx.file) && !inProject.startsWith('src/testing/')) {
      found.push([
        'testing-subpath',
        `${packageName}/testing is test-only: import it from a *.spec.ts (or Deno *.test.ts) file or from a package's src/testing/ folder`,
      ]);
    }
  }
  return found;
}

/** Checks a relative specifier: it stays inside the project and names its file extension. */
function checkRelative(ctx: ImportContext, specifier: string): [BoundaryRule, string][] {
  const found: [BoundaryRule, string][] = [];
  const projectRoot = join(ctx.workspaceRoot, ctx.project.root);
  const landsAt = toPosix(relative(projectRoot, resolve(dirname(ctx.file), specifier)));
  if (landsAt === '..' || landsAt.startsWith('../') || isAbsolute(landsAt)) {
    found.push([
      'relative-escape',
      `resolves outside project ${ctx.project.name} (${ctx.project.root}); import the other package by its name instead`,
    ]);
  }
  if (!RELATIVE_EXTENSION.test(specifier)) {
    found.push(['relative-extension', 'relative imports carry .ts, .js or .json so that Deno runs the sources unchanged']);
  }
  return found;
}

/** All violations in one file. */
function checkFile(ctx: ImportContext): BoundaryViolation[] {
  const file = toPosix(relative(ctx.workspaceRoot, ctx.file));
  const violations: BoundaryViolation[] = [];
  for (const { specifier, line } of importSites(readFileSync(ctx.file, 'utf8'))) {
    const isRelative = specifier === '.' || specifier === '..' || /^\.\.?\//.test(specifier);
    const found = specifier.startsWith(SCOPE)
      ? checkScoped(ctx, specifier)
      : isRelative
        ? checkRelative(ctx, specifier)
        : [];
    for (const [rule, message] of found) violations.push({ file, line, specifier, rule, message });
  }
  return violations;
}

/**
 * Runs every boundary rule over every project's .ts files.
 *
 * @param workspaceRoot - absolute path of the repository root.
 * @param constraints - the tag constraints (default: those in {@link DEFAULT_CONSTRAINTS_FILE}).
 * @example
 * const { violations } = checkBoundaries(process.cwd());
 * for (const v of violations) console.error(formatViolation(v));
 */
export function checkBoundaries(
  workspaceRoot: string,
  constraints: readonly DepConstraint[] = loadDepConstraints(),
): BoundaryReport {
  const projects = readProjects(workspaceRoot);
  const byPackage = new Map<string, WorkspaceProject>();
  for (const p of projects) {
    const clash = byPackage.get(p.packageName);
    if (clash) throw new Error(`projects ${clash.root} and ${p.root} are both named ${p.packageName}`);
    byPackage.set(p.packageName, p);
  }
  let files = 0;
  const violations: BoundaryViolation[] = [];
  for (const project of projects) {
    for (const file of projectSources(workspaceRoot, project)) {
      files += 1;
      violations.push(...checkFile({ workspaceRoot, project, file, byPackage, constraints }));
    }
  }
  return { projects: projects.length, files, violations };
}

/** One line per violation: `file:line: 'specifier' [rule] message`. */
export function formatViolation(v: BoundaryViolation): string {
  return `${v.file}:${v.line}: '${v.specifier}' [${v.rule}] ${v.message}`;
}
