// Prints non-blank line counts per package (like tinygrad's sz.py) so growth is seen; exits 1 if a file breaks the 400-line cap.
import { fileURLToPath } from 'node:url';
import {
  HARD_CAP_CODE_LINES,
  measureWorkspace,
  overHardCap,
  overSoftCap,
  SOFT_CAP_LINES,
  sum,
} from './workspace-plugin/src/line-count.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
// `npm run sz` prints one row per package; `npx tsx tools/sz.ts --files` lists every file under it too.
const listFiles = process.argv.includes('--files');
const packages = measureWorkspace(root);

const row = (name: string, files: number | string, nonBlank: number | string, code: number | string): string =>
  `${name.padEnd(44)} ${String(files).padStart(6)} ${String(nonBlank).padStart(9)} ${String(code).padStart(7)}`;

console.log(row('package', 'files', 'non-blank', 'code'));
console.log('-'.repeat(69));
for (const p of packages) {
  console.log(row(p.root, p.files.length, p.total.nonBlank, p.total.code));
  if (!listFiles) continue;
  for (const f of p.files) {
    const name = f.file.slice(p.root.length + 1); // relative to the package
    console.log(row(`  ${name}${f.exempt ? ' (exempt)' : ''}`, '', f.nonBlank, f.code));
  }
}
const total = sum(packages.map((p) => p.total));
console.log('-'.repeat(69));
console.log(row('total', packages.reduce((n, p) => n + p.files.length, 0), total.nonBlank, total.code));

// Soft cap: worth a look in review, not a failure (STYLE.md: "write the clearer code and say why").
for (const f of overSoftCap(packages)) console.log(`note: ${f.file} has ${f.lines} lines (soft cap ${SOFT_CAP_LINES})`);

const tooBig = overHardCap(packages);
for (const f of tooBig) {
  console.error(`error: ${f.file} has ${f.code} non-blank non-comment lines (hard cap ${HARD_CAP_CODE_LINES}); split it`);
}
process.exitCode = tooBig.length > 0 ? 1 : 0;
