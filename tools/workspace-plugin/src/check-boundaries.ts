// CLI for the module-boundary check: `tsx tools/workspace-plugin/src/check-boundaries.ts [workspaceRoot]`; exits 1 on any violation.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, formatViolation } from './boundaries.ts';

/** The repository root, two levels above this plugin's src/ folder. */
const DEFAULT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Checks the workspace at `argv[0]` (default: this repository) and prints the result.
 *
 * @returns the process exit code: 0 when clean, 1 when any import breaks a rule, 2 for a bad argument.
 */
export function main(argv: readonly string[]): number {
  const root = resolve(argv[0] ?? DEFAULT_ROOT);
  if (!existsSync(join(root, 'nx.json'))) {
    console.error(`check-boundaries: ${root} is not an Nx workspace (no nx.json)`);
    return 2;
  }
  const report = checkBoundaries(root);
  const summary = `${report.projects} projects, ${report.files} files`;
  if (report.violations.length === 0) {
    console.log(`module boundaries: ok (${summary})`);
    return 0;
  }
  for (const v of report.violations) console.error(formatViolation(v));
  console.error(`module boundaries: ${report.violations.length} violation(s) (${summary})`);
  return 1;
}

// Run only when executed directly, so the spec (or another tool) can import `main`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
