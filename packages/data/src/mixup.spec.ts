// Mixup/CutMix: the Beta sampler, timm's boxes, exact pixels and soft targets, modes, determinism by (seed, epoch, batch).
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import type { HostBatch } from './collate.ts';
import { DataLoader, disposeBatch } from './data-loader.ts';
import { cutmixBox, cutmixMinMaxBox, Mixup, mixupTargets, sampleBeta, sampleGamma, type MixupOptions, type UniformSource } from './mixup.ts';

/** A uniform source that replays fixed values. */
const replay = (...us: number[]): UniformSource => ({ uniform: () => us.shift()! });

/** [B, C, H, W] float32 with pixel (i, c, y, x) = 1000·i + 100·c + 10·y + x, and labels i mod C. */
function images(b: number, c: number, h: number, w: number, numClasses = 3): HostBatch {
  const data = new Float32Array(b * c * h * w);
  for (let i = 0; i < b; i++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[((i * c + ch) * h + y) * w + x] = 1000 * i + 100 * ch + 10 * y + x;
  return { image: { data, shape: [b, c, h, w] }, label: { data: Int32Array.from({ length: b }, (_, i) => i % numClasses), shape: [b] } };
}

const moments = (draw: () => number, n: number): [number, number] => {
  const xs = Array.from({ length: n }, draw);
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  return [mean, xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n];
};

const mixup = (o: Partial<MixupOptions> = {}): Mixup => new Mixup({ numClasses: 3, seed: 4, ...o });
const at = (batch: HostBatch, field: string): Float32Array => batch[field]!.data as Float32Array;

describe('sampleGamma and sampleBeta', () => {
  it('draw Gamma(a) with mean a and variance a, below and above shape 1', () => {
    const gen = new Generator(3);
    for (const a of [0.5, 2.5]) {
      const [mean, variance] = moments(() => sampleGamma(gen, a), 20000);
      expect(Math.abs(mean - a) / a).toBeLessThan(0.03);
      expect(Math.abs(variance - a) / a).toBeLessThan(0.06);
    }
  });

  it("draw Beta(α, α) with mean 1/2 and variance 1/(4(2α + 1)) (Mixup's 0.8, CutMix's 1.0)", () => {
    const gen = new Generator(5);
    for (const alpha of [0.8, 1]) {
      const [mean, variance] = moments(() => sampleBeta(gen, alpha, alpha), 20000);
      expect(mean).toBeCloseTo(0.5, 2);
      expect(Math.abs(variance - 1 / (4 * (2 * alpha + 1)))).toBeLessThan(0.004);
    }
  });

  it('names a bad shape', () => {
    expect(() => sampleGamma(new Generator(0), 0)).toThrow('sampleGamma: shape must be a finite number > 0, got 0');
  });
});

describe("timm's CutMix boxes", () => {
  it('centres a box of side ⌊H·√(1−λ)⌋ on a uniform pixel, row first', () => {
    // λ = 0.75: sides 4; centre (⌊0.5·8⌋, ⌊0.25·8⌋) = (4, 2).
    expect(cutmixBox(replay(0.5, 0.25), 8, 8, 0.75)).toEqual({ y0: 2, y1: 6, x0: 0, x1: 4 });
  });

  it('clips at the border and keeps the ⌊side/2⌋ half-extent of an odd side', () => {
    expect(cutmixBox(replay(0, 0.99), 8, 8, 0.75)).toEqual({ y0: 0, y1: 2, x0: 5, x1: 8 });
    // λ = 0.84: ⌊8·0.4⌋ = 3, half-extent 1, so the box is 2×2 (area 4, not 9): λ is corrected from it.
    expect(cutmixBox(replay(0.5, 0.5), 8, 8, 0.84)).toEqual({ y0: 3, y1: 5, x0: 3, x1: 5 });
  });

  it('draws min/max boxes inside the image and names an empty side range', () => {
    const gen = new Generator(1);
    for (let k = 0; k < 50; k++) {
      const { y0, y1, x0, x1 } = cutmixMinMaxBox(gen, 10, 20, [0.2, 0.6]);
      expect([y1 - y0 >= 2 && y1 - y0 < 6, x1 - x0 >= 4 && x1 - x0 < 12, y0 >= 0 && y1 <= 10, x0 >= 0 && x1 <= 20]).toEqual([true, true, true, true]);
    }
    expect(() => cutmixMinMaxBox(gen, 4, 4, [0.3, 0.4])).toThrow('Mixup: cutmixMinMax [0.3, 0.4] gives no box side for a 4×4 image');
  });
});

describe('mixupTargets', () => {
  it('mixes smoothed one-hots of each label and its mirrored partner', () => {
    expect(Array.from(mixupTargets(Int32Array.of(0, 1), 2, [0.75, 0.75], 0))).toEqual([0.75, 0.25, 0.25, 0.75]);
    // ε = 0.3, C = 3: off = 0.1, on = 0.8; row 0 = 0.5·(0.8, 0.1, 0.1) + 0.5·(0.1, 0.1, 0.8).
    const row = Array.from(mixupTargets(Int32Array.of(0, 2), 3, [0.5, 0.5], 0.3).subarray(0, 3));
    row.forEach((v, c) => expect(v).toBeCloseTo([0.45, 0.1, 0.45][c]!, 6));
  });
});

describe('Mixup', () => {
  it('blends every pixel as λ·xᵢ + (1 − λ)·x_{B−1−i} with one λ per batch (Mixup)', () => {
    const m = mixup({ cutmixAlpha: 0 });
    const input = images(4, 1, 2, 2);
    const out = m.apply(input, { epoch: 0, batch: 0 });
    const { lam } = m.plan(0, 0, 4, 2, 2)[0]!;
    expect(lam).toBeGreaterThan(0);
    expect(lam).toBeLessThan(1);
    const src = at(input, 'image');
    at(out, 'image').forEach((v, k) => expect(v).toBe(Math.fround(lam * src[k]! + (1 - lam) * src[(3 - Math.floor(k / 4)) * 4 + (k % 4)]!)));
    expect(out.label).toBe(input.label); // the class indices are kept as they are
    expect(Array.from(at(out, 'labelSoft').subarray(0, 3))).toEqual(Array.from(mixupTargets(Int32Array.of(0, 1, 2, 0), 3, [lam, lam, lam, lam], 0.1).subarray(0, 3)));
  });

  it("pastes the partner's box into every channel and corrects λ to the box's area (CutMix)", () => {
    const m = mixup({ mixupAlpha: 0, labelSmoothing: 0, numClasses: 2 });
    const input = images(2, 2, 8, 8, 2);
    const [draw] = m.plan(0, 3, 2, 8, 8);
    const { y0, y1, x0, x1 } = draw!.box!;
    expect(draw!.lam).toBe(1 - ((y1 - y0) * (x1 - x0)) / 64);
    const out = at(m.apply(input, { epoch: 0, batch: 3 }), 'image');
    for (let i = 0; i < 2; i++) for (let c = 0; c < 2; c++) for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const inside = y >= y0 && y < y1 && x >= x0 && x < x1;
      expect(out[((i * 2 + c) * 8 + y) * 8 + x]).toBe(1000 * (inside ? 1 - i : i) + 100 * c + 10 * y + x);
    }
    const soft = at(m.apply(input, { epoch: 0, batch: 3 }), 'labelSoft');
    expect(Array.from(soft)).toEqual(Array.from(Float32Array.of(draw!.lam, 1 - draw!.lam, 1 - draw!.lam, draw!.lam)));
  });

  it("'pair' gives i and B−1−i one draw and leaves an odd batch's middle alone; 'elem' draws per element", () => {
    const pair = mixup({ mode: 'pair', cutmixAlpha: 0 }).plan(2, 1, 5, 0, 0);
    expect(pair[0]).toBe(pair[4]);
    expect(pair[1]).toBe(pair[3]);
    expect(pair[2]).toEqual({ lam: 1 });
    expect(pair[0]!.lam).not.toBe(pair[1]!.lam);
    const out = at(mixup({ mode: 'pair', cutmixAlpha: 0 }).apply(images(5, 1, 1, 2), { epoch: 2, batch: 1 }), 'image');
    expect(Array.from(out.subarray(4, 6))).toEqual([2000, 2001]);
    const elem = mixup({ mode: 'elem', cutmixAlpha: 0 }).plan(2, 1, 4, 0, 0).map((d) => d.lam);
    expect(new Set(elem).size).toBe(4);
  });

  it('switches between CutMix and Mixup with switchProb and skips mixing with prob', () => {
    const boxes = (switchProb: number) => Array.from({ length: 20 }, (_, b) => mixup({ switchProb }).plan(0, b, 2, 8, 8)[0]!.box !== undefined);
    expect(boxes(1).every(Boolean)).toBe(true);
    expect(boxes(0).some(Boolean)).toBe(false);
    expect(boxes(0.5).filter(Boolean).length).toBeGreaterThan(3);
    const input = images(4, 1, 2, 2);
    const skipped = mixup({ prob: 0 }).apply(input, { epoch: 0, batch: 0 });
    expect(Array.from(at(skipped, 'image'))).toEqual(Array.from(at(input, 'image')));
    expect(Array.from(at(skipped, 'labelSoft').subarray(0, 3)).map((v) => +v.toFixed(6))).toEqual([0.933333, 0.033333, 0.033333]);
  });

  it('gives soft-target rows that sum to 1 in every mode', () => {
    for (const mode of ['batch', 'pair', 'elem'] as const) {
      const soft = at(mixup({ mode, numClasses: 10 }).apply(images(7, 1, 6, 6, 10), { epoch: 1, batch: 5 }), 'labelSoft');
      for (let i = 0; i < 7; i++) expect(soft.subarray(i * 10, i * 10 + 10).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 6);
    }
  });

  it('draws the same for the same (seed, epoch, batch) and differently otherwise', () => {
    const lams = (seed: number, epoch: number, batch: number) => new Mixup({ numClasses: 3, seed, mode: 'elem' }).plan(epoch, batch, 6, 8, 8);
    expect(lams(4, 1, 2)).toEqual(lams(4, 1, 2));
    for (const other of [lams(5, 1, 2), lams(4, 2, 2), lams(4, 1, 3)]) expect(other).not.toEqual(lams(4, 1, 2));
  });

  it('mixes through a DataLoader, and a run resumed mid-epoch gets the same batches', async () => {
    const set = { size: 12, get: (i: number) => ({ image: { data: Float32Array.from({ length: 16 }, (_, k) => i + k / 16), shape: [1, 4, 4] }, label: i % 3 }) };
    const m = mixup();
    const loader = new DataLoader(set, { batchSize: 4, shuffle: true, seed: 9, batchTransform: (b, c) => m.apply(b, c) });
    const read = async (startBatch: number) => {
      const out: number[][] = [];
      for await (const batch of loader.epoch(1, { startBatch })) {
        expect(batch.labelSoft!.shape).toEqual([4, 3]);
        out.push([...(await batch.image!.data()), ...(await batch.labelSoft!.data())]);
        disposeBatch(batch);
      }
      return out;
    };
    const full = await read(0);
    expect(await read(1)).toEqual(full.slice(1));
    expect(full[0]!.slice(0, 16)).not.toEqual(Array.from({ length: 16 }, (_, k) => k / 16)); // mixed
  });

  it('names the option, the value and what was expected', () => {
    expect(() => mixup({ mixupAlpha: -1 })).toThrow('Mixup: mixupAlpha must be a finite number ≥ 0 (0 turns it off), got -1');
    expect(() => mixup({ mixupAlpha: 0, cutmixAlpha: 0 })).toThrow('Mixup: mixupAlpha and cutmixAlpha are both 0');
    expect(() => mixup({ cutmixAlpha: 0, cutmixMinMax: [0.2, 0.8] })).toThrow('Mixup: cutmixMinMax needs CutMix on (cutmixAlpha > 0)');
    expect(() => mixup({ cutmixMinMax: [0.8, 0.2] })).toThrow('Mixup: cutmixMinMax must be [min, max] with 0 ≤ min < max ≤ 1, got [0.8, 0.2]');
    expect(() => mixup({ labelSmoothing: 1 })).toThrow('Mixup: labelSmoothing must be a number in [0, 1), got 1');
    expect(() => mixup({ numClasses: 1 })).toThrow('Mixup: numClasses must be an integer ≥ 2, got 1');
    expect(() => mixup({ target: 'image' })).toThrow("Mixup: field, target and softTarget must be three different fields, got 'image', 'image', 'imageSoft'");
  });

  it('names the field and the problem in a batch it cannot mix', () => {
    const ctx = { epoch: 0, batch: 0 };
    const { image, label } = images(2, 1, 2, 2);
    expect(() => mixup().apply({ label: label! }, ctx)).toThrow("Mixup: the batch has no field 'image' to mix (fields: label)");
    expect(() => mixup().apply({ image: { data: new Float32Array(4), shape: [2, 2] }, label: label! }, ctx)).toThrow(
      "Mixup: CutMix needs field 'image' as [B, ..., H, W], got shape [2, 2]; set cutmixAlpha 0 for Mixup alone",
    );
    expect(() => mixup().apply({ image: image!, label: { data: Int32Array.of(0, 3), shape: [2] } }, ctx)).toThrow(
      'Mixup: label 3 at batch position 1 is outside [0, 3)',
    );
    expect(() => mixup().apply({ image: image!, label: { data: Float32Array.of(0, 1), shape: [2] } }, ctx)).toThrow(
      "Mixup: field 'label' must be int32 class indices [2], got a Float32Array of shape [2]",
    );
  });

  it('refuses a cutmixMinMax too small for the image on every batch, not only those that draw CutMix', () => {
    // switchProb 0: every batch draws Mixup, so no box is ever drawn; the 4×4 image still cannot take one.
    const m = mixup({ cutmixMinMax: [0.3, 0.4], switchProb: 0 });
    for (const batch of [0, 1, 2]) {
      expect(() => m.apply(images(2, 1, 4, 4), { epoch: 0, batch })).toThrow('Mixup: cutmixMinMax [0.3, 0.4] gives no box side for a 4×4 image');
    }
    // A size that fits draws exactly as before the check: the plan is a function of the draws alone.
    const fits = mixup({ cutmixMinMax: [0.3, 0.6] });
    const gen = fits.generator(0, 5);
    const cut = gen.uniform() < 1 && gen.uniform() < fits.switchProb;
    const lam = sampleBeta(gen, cut ? 1 : 0.8, cut ? 1 : 0.8);
    const box = cut ? cutmixMinMaxBox(gen, 10, 10, [0.3, 0.6]) : undefined;
    expect(fits.plan(0, 5, 2, 10, 10)[0]).toEqual(box ? { lam: 1 - ((box.y1 - box.y0) * (box.x1 - box.x0)) / 100, box } : { lam });
  });
});
