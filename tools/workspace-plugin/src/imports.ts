// Lists the module specifiers a TypeScript file imports, with line numbers, using the TS scanner (no regex over comments).
import ts from 'typescript';

/** One import, re-export or dynamic import() of a string literal, as written in the source. */
export interface ImportSite {
  /** The specifier exactly as written: `./shape.ts`, `@crossmodal/tensor/testing`. */
  readonly specifier: string;
  /** 1-based line of the specifier in the file. */
  readonly line: number;
}

/**
 * Every specifier `source` imports: `import … from`, side-effect `import '…'`, `import type`,
 * `export … from`, `import('…')` with a literal (template literals without `${}` count) and `require('…')`.
 * Text inside comments and ordinary strings is ignored, because TypeScript's own pre-processor does the scan.
 *
 * @param source - the file's text.
 * @example
 * importSites("import { nn } from '@crossmodal/nn';\nexport * from './a.ts';");
 * // → [{ specifier: '@crossmodal/nn', line: 1 }, { specifier: './a.ts', line: 2 }]
 */
export function importSites(source: string): ImportSite[] {
  // readImportFiles = true, detectJavaScriptImports = true (dynamic import() and require()).
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const newlines: number[] = [];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) newlines.push(i);
  return importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(newlines, ref.pos) }));
}

/** 1-based line of offset `pos`: one more than the number of newlines before it (binary search). */
function lineOf(newlines: readonly number[], pos: number): number {
  let lo = 0;
  let hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newlines[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
