// format: durations, values, learning rates, bars and width fitting.
import { describe, expect, it } from 'vitest';
import { fitToWidth, formatBar, formatDuration, formatLr, formatMetrics, formatValue } from './format.ts';

describe('format', () => {
  it('formats durations as m:ss or h:mm:ss, and ? when unknown', () => {
    expect([0, 9.6, 61, 3600 + 62, undefined, Number.NaN, -1].map(formatDuration)).toEqual(['0:00', '0:10', '1:01', '1:01:02', '?', '?', '?']);
  });

  it('formats metric values with four decimals, large ones with four significant digits', () => {
    expect([0.123456, 1, 12345.6, Number.NaN].map(formatValue)).toEqual(['0.1235', '1.0000', '1.235e+4', 'NaN']);
    expect(formatMetrics({ accuracy: 0.5, loss: 2 })).toBe('accuracy 0.5000 loss 2.0000');
  });

  it('formats learning rates in short scientific form', () => {
    expect([0.01, 3e-4, 1].map(formatLr)).toEqual(['1.00e-2', '3.00e-4', '1.00e0']);
  });

  it('fills the bar in proportion, clamped to [0, 1]', () => {
    expect([0, 0.5, 1, 2, -1].map((f) => formatBar(f, 4))).toEqual(['[----]', '[##--]', '[####]', '[####]', '[----]']);
  });

  it('cuts text to one less than the terminal width', () => {
    expect(fitToWidth('abcdef', 4)).toBe('abc');
    expect(fitToWidth('abcdef', undefined)).toBe('abcdef');
  });
});
