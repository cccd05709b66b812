// rand's range: values in [low, high) also at the top of the generator's range.
import { describe, expect, it } from 'vitest';
import { Generator, rand } from './index.ts';

/** A generator that replays fixed u32 values. */
class Replay extends Generator {
  constructor(private readonly values: number[]) {
    super(0);
  }
  override nextU32(): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error('Replay: out of values');
    return v;
  }
}

describe('rand', () => {
  it('never returns high for the largest draw (24 bits, as PyTorch for float32)', () => {
    const x = rand([2], { generator: new Replay([0xffffffff, 0]) });
    expect(Array.from(x.dataSync())).toEqual([1 - 2 ** -24, 0]);
  });

  it('draws again when a value rounds up to high in float32', () => {
    // 2 + (1 − 2⁻²⁴) rounds to 3 in float32 (the step below 3 is 2⁻²²): the next draw replaces it.
    const x = rand([1], { low: 2, high: 3, generator: new Replay([0xffffffff, 0x80000000]) });
    expect(Array.from(x.dataSync())).toEqual([2.5]);
  });

  it('keeps every value in [low, high) over many draws', () => {
    const x = rand([4096], { low: -1, high: 1, generator: new Generator(7) }).dataSync();
    expect(x.every((v) => v >= -1 && v < 1)).toBe(true);
    expect(Math.min(...x)).toBeLessThan(-0.99);
    expect(Math.max(...x)).toBeGreaterThan(0.99);
  });

  it('fills float32(low) when the range is empty and rejects low > high or non-finite bounds', () => {
    expect(Array.from(rand([2], { low: 0.5, high: 0.5 }).dataSync())).toEqual([0.5, 0.5]);
    expect(() => rand([2], { low: 1, high: 0 })).toThrow('rand: expected finite low <= high, got low 1 and high 0');
    expect(() => rand([2], { high: Number.POSITIVE_INFINITY })).toThrow(/rand: expected finite low <= high, got low 0 and high Infinity/);
  });
});
