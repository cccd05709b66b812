// The harness's pure parts: the median, number formatting, tables, and the BENCHMARKS.md section
// replacement (only the marked section changes; a missing section is inserted before "## Suite").
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fmt, markdownTable, measure, median, updateSection } from './harness.ts';

describe('bench harness', () => {
  it('takes the median of odd and even lists without reordering the input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('formats figures to about three significant digits and marks missing ones', () => {
    expect([fmt(1234.4), fmt(12.34), fmt(1.234), fmt(undefined), fmt(Number.NaN)]).toEqual(['1234', '12.3', '1.23', '—', '—']);
  });

  it('draws a markdown table', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });

  it('runs the body warm-up + samples × reps times', async () => {
    let calls = 0;
    const t = await measure(async () => void calls++, { warmup: 2, samples: 3, minSampleSeconds: 0 });
    expect(t.repsPerSample).toBe(1);
    expect(calls).toBe(5);
  });

  it('replaces only its own section, inserts it before "## Suite" when absent, and leaves no temporary file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cm-bench-')), 'B.md');
    writeFileSync(path, '# Bench\n\nintro\n\n## Suite\n\nrest\n');
    await updateSection(path, '<!-- b -->', '<!-- e -->', '<!-- b -->\none\n<!-- e -->');
    expect(readFileSync(path, 'utf8')).toBe('# Bench\n\nintro\n\n<!-- b -->\none\n<!-- e -->\n\n## Suite\n\nrest\n');
    await updateSection(path, '<!-- b -->', '<!-- e -->', '<!-- b -->\ntwo\n<!-- e -->');
    expect(readFileSync(path, 'utf8')).toBe('# Bench\n\nintro\n\n<!-- b -->\ntwo\n<!-- e -->\n\n## Suite\n\nrest\n');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });
});
