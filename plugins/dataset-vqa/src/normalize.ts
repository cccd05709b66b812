// The official VQA answer normalisation (vqaEval.py's processPunctuation and processDigitArticle),
// reimplemented rule for rule so that scores computed here equal the official ones.
import { VQA_ARTICLES, VQA_CONTRACTIONS, VQA_NUMBER_WORDS, VQA_PUNCTUATION } from './answer-tables.ts';

// Python's `\d` on str patterns matches any Unicode decimal digit, not only 0-9.
const DIGIT_COMMA_DIGIT = /\p{Nd},\p{Nd}/u;
// The official pattern is `(?!<=\d)(\.)(?!\d)`: its first group is a lookahead for the text "<=" and
// a digit (a mistyped lookbehind), which never matches where a '.' stands, so in effect a period is
// removed unless a digit follows it ("2.5" stays, "a.m." → "am", "3." → "3").
const PERIOD_NOT_BEFORE_DIGIT = /\.(?!\p{Nd})/gu;
// NOTE: the official call is `periodStrip.sub("", outText, re.UNICODE)`, which passes re.UNICODE (32)
// as the *count*: at most 32 periods are removed. Kept, since it changes answers with more.
const MAX_PERIODS_REMOVED = 32;
const ARTICLES = new Set(VQA_ARTICLES);

/**
 * The official punctuation rule. Each listed punctuation mark is deleted when the text has it next
 * to a space, or has a comma between two digits anywhere ("1,000" → "1000"); otherwise it becomes a
 * space ("black-and-white" → "black and white"). Both tests look at the text as given, not as
 * edited so far. Then periods not followed by a digit are removed.
 * @example
 * processPunctuation('yes!'); // 'yes ' (the '!' has no space beside it, so it becomes one)
 * processPunctuation('1,000'); // '1000'
 */
export function processPunctuation(text: string): string {
  const hasDigitComma = DIGIT_COMMA_DIGIT.test(text);
  let out = text;
  for (const p of VQA_PUNCTUATION) {
    const deleted = hasDigitComma || text.includes(`${p} `) || text.includes(` ${p}`);
    out = out.split(p).join(deleted ? '' : ' ');
  }
  let removed = 0;
  return out.replace(PERIOD_NOT_BEFORE_DIGIT, (period) => (removed++ < MAX_PERIODS_REMOVED ? '' : period));
}

/**
 * The official word rule: lower-case, split on whitespace, number words zero to ten (and "none")
 * to digits, drop the articles a/an/the, expand the contractions written without an apostrophe
 * ("dont" → "don't"), and join with single spaces.
 * @example
 * processDigitArticle('Two Dogs'); // '2 dogs'
 * processDigitArticle('the dont'); // "don't"
 */
export function processDigitArticle(text: string): string {
  const words: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/u)) {
    if (raw === '') continue; // Python's split() drops empty pieces at the ends
    const word = VQA_NUMBER_WORDS[raw] ?? raw;
    if (!ARTICLES.has(word)) words.push(VQA_CONTRACTIONS.get(word) ?? word);
  }
  return words.join(' ');
}

/**
 * An answer as the official evaluation reads a *predicted* one: newlines and tabs to spaces,
 * trimmed, then {@link processPunctuation} and {@link processDigitArticle}. The common VQA
 * preprocessing (bottom-up attention, MCAN, LXMERT) applies the same to the human answers before
 * building an answer vocabulary and soft targets, and so does this package.
 * @example
 * normalizeAnswer(' Two.'); // '2'
 * normalizeAnswer('The Dog!'); // 'dog'
 */
export function normalizeAnswer(answer: string): string {
  return processDigitArticle(processPunctuation(answer.replace(/[\n\t]/g, ' ').trim()));
}
