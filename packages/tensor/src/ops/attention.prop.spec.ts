import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attentionComposite, scaledDotProductAttention, tensor, tidy, type AttentionOptions, type AttentionResult, type Tensor } from '../index.ts';
import { arbPermutation, arbQkv, expectAllClose, numRuns } from '../testing/index.ts';

type Data = { shape: readonly number[]; data: Float32Array };
type Attend = (q: Tensor, k: Tensor, v: Tensor, opts?: AttentionOptions) => AttentionResult;

const t = ({ shape, data }: Data): Tensor => tensor(data, [...shape]);

/** The rows of a [rows, cols] matrix reordered by `perm` (row i of the result is row perm[i]). */
function permuteRows({ shape, data }: Data, perm: readonly number[]): Data {
  const cols = shape[1]!;
  const out = new Float32Array(data.length);
  perm.forEach((src, i) => out.set(data.subarray(src * cols, (src + 1) * cols), i * cols));
  return { shape, data: out };
}

const rowsOf = (x: Tensor): number[][] => x.toArray() as number[][];
const run = { numRuns: numRuns() };

function describeLaws(name: string, attend: Attend): void {
  describe(`${name} obeys the attention laws`, () => {
    it('gives each query a distribution over keys', () => {
      fc.assert(fc.property(arbQkv(), ({ q, k, v }) => tidy(() => {
        const probs = attend(t(q), t(k), t(v), { returnProbs: true }).probs!;
        expect(probs.dataSync().every((p) => p >= 0)).toBe(true);
        expectAllClose(probs.sum(-1), { shape: [q.shape[0]!], data: new Float32Array(q.shape[0]!).fill(1) }, { atol: 1e-5 });
      })), run);
    });

    it('is invariant to permuting key/value pairs together', () => {
      const arb = arbQkv().chain((x) => fc.tuple(fc.constant(x), arbPermutation(x.k.shape[0]!)));
      fc.assert(fc.property(arb, ([{ q, k, v }, perm]) => tidy(() => {
        const permuted = attend(t(q), t(permuteRows(k, perm)), t(permuteRows(v, perm))).out;
        expectAllClose(permuted, attend(t(q), t(k), t(v)).out, { atol: 1e-5, rtol: 1e-5 });
      })), run);
    });

    it('permutes output rows when the queries are permuted', () => {
      const arb = arbQkv().chain((x) => fc.tuple(fc.constant(x), arbPermutation(x.q.shape[0]!)));
      fc.assert(fc.property(arb, ([{ q, k, v }, perm]) => tidy(() => {
        const out = rowsOf(attend(t(q), t(k), t(v)).out);
        const permuted = attend(t(permuteRows(q, perm)), t(k), t(v)).out;
        expect(rowsOf(permuted)).toEqual(perm.map((i) => out[i]));
      })), run);
    });

    it('gives masked keys probability exactly 0 and keeps the rest a distribution', () => {
      const arb = arbQkv().chain((x) => fc.tuple(fc.constant(x), fc.array(fc.boolean(), { minLength: x.k.shape[0]!, maxLength: x.k.shape[0]! })));
      fc.assert(fc.property(arb, ([{ q, k, v }, keep]) => tidy(() => {
        const mask = tensor(keep.map(Number), [keep.length], { dtype: 'int32' });
        const probs = rowsOf(attend(t(q), t(k), t(v), { mask, returnProbs: true }).probs!);
        for (const row of probs) {
          row.forEach((p, j) => (keep[j] ? expect(p).toBeGreaterThanOrEqual(0) : expect(p).toBe(0)));
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(keep.some(Boolean) ? 1 : 0, 5);
        }
      })), run);
    });

    it('lets causal rows ignore the future: changing a key and value leaves earlier rows unchanged', () => {
      const arb = arbQkv().chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.k.shape[0]! - 1 }), fc.float({ min: 1, max: 4, noNaN: true })));
      fc.assert(fc.property(arb, ([{ q, k, v }, m, delta]) => tidy(() => {
        const bump = ({ shape, data }: Data): Data => {
          const cols = shape[1]!;
          const out = data.slice();
          for (let c = 0; c < cols; c++) out[m * cols + c] = Math.fround(out[m * cols + c]! + delta);
          return { shape, data: out };
        };
        const before = rowsOf(attend(t(q), t(k), t(v), { causal: true }).out);
        const after = rowsOf(attend(t(q), t(bump(k)), t(bump(v)), { causal: true }).out);
        const [tq, tk] = [q.shape[0]!, k.shape[0]!];
        // Query i sees key m only when m ≤ i + tk − tq.
        for (let i = 0; i < tq; i++) if (m > i + tk - tq) expect(after[i]).toEqual(before[i]);
      })), run);
    });

    it('puts each output inside the hull of the value rows (per coordinate)', () => {
      fc.assert(fc.property(arbQkv(), ({ q, k, v }) => tidy(() => {
        const out = rowsOf(attend(t(q), t(k), t(v)).out);
        const vs = rowsOf(t(v));
        for (const row of out) {
          row.forEach((x, c) => {
            const col = vs.map((r) => r[c]!);
            expect(x).toBeGreaterThanOrEqual(Math.min(...col) - 1e-5);
            expect(x).toBeLessThanOrEqual(Math.max(...col) + 1e-5);
          });
        }
      })), run);
    });
  });
}

describeLaws('scaledDotProductAttention', scaledDotProductAttention);
describeLaws('attentionComposite', attentionComposite);
