// Parity with the official vqaEval.py: its normalisation and per-question accuracy on 300 random
// cases of tricky answers (fixtures/vqa-eval.golden.json, written by make_official_golden.py
// from both revisions of the official script).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.spec-helper.ts';
import { processDigitArticle, processPunctuation } from './normalize.ts';
import { officialAccuracy } from './vqa-eval.ts';

interface Golden {
  readonly words: readonly { text: string; punctuation: string; digitArticle: string }[];
  readonly cases: readonly { humans: string[]; pred: string; accuracy2021: number; accuracy2017: number }[];
}
const golden = JSON.parse(readFileSync(`${FIXTURES}vqa-eval.golden.json`, 'utf8')) as Golden;

describe('parity with the official vqaEval.py', () => {
  it('normalises every tricky answer as processPunctuation and processDigitArticle do', () => {
    expect(golden.words.length).toBeGreaterThan(50);
    expect(golden.words.map((w) => [w.text, processPunctuation(w.text), processDigitArticle(w.text)])).toEqual(
      golden.words.map((w) => [w.text, w.punctuation, w.digitArticle]),
    );
  });

  it.each(['2021', '2017'] as const)('gives the %s script’s accuracy on every case', (protocol) => {
    const key = protocol === '2021' ? 'accuracy2021' : 'accuracy2017';
    const scored = golden.cases.filter((c) => c[key] > 0).length;
    expect(scored).toBeGreaterThan(100); // most cases are not trivially 0
    const mismatches = golden.cases
      .map((c) => ({ ...c, ours: officialAccuracy(c.pred, c.humans, protocol) }))
      .filter((c) => Math.abs(c.ours - c[key]) > 1e-9);
    expect(mismatches).toEqual([]);
  });

  it('holds cases where the two revisions disagree', () => {
    expect(golden.cases.filter((c) => c.accuracy2021 !== c.accuracy2017).length).toBeGreaterThan(50);
  });
});
