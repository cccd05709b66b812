// pickStream, firstToken and maskedMean: small exact values, padding that never leaks, stream and shape errors.
import { tensor, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { firstToken, maskedMean, pickStream } from './head-streams.ts';

// [B=2, N=3, D=2]: row b, position n holds (10b + n, −(10b + n)).
const states = tensor([[[0, 0], [1, -1], [2, -2]], [[10, -10], [11, -11], [12, -12]]], [2, 3, 2]);
const mask = tensor([[1, 1, 0], [1, 0, 0]], [2, 3], { dtype: 'int32' });
const rows = (t: Tensor): number[][] => t.toArray() as number[][];

describe('firstToken and maskedMean', () => {
  it('take the first position, and average only real positions', () => {
    expect(rows(firstToken(states))).toEqual([[0, 0], [10, -10]]);
    expect(rows(maskedMean(states, mask))).toEqual([[0.5, -0.5], [10, -10]]);
    expect(rows(maskedMean(states))).toEqual([[1, -1], [11, -11]]);
  });

  it('gives zeros for a row with no real position, and ignores NaN in padding', () => {
    const padded = tensor([[[1, 2], [Number.NaN, Number.POSITIVE_INFINITY]]], [1, 2, 2]);
    expect(rows(maskedMean(padded, tensor([[1, 0]], [1, 2], { dtype: 'int32' })))).toEqual([[1, 2]]);
    expect(rows(maskedMean(padded.slice([0, 0], [1, 1]), tensor([[0]], [1, 1], { dtype: 'int32' })))).toEqual([[0, 0]]);
  });
});

describe('pickStream', () => {
  it('reads the named stream, else the first, and names what is wrong', () => {
    const input = { streams: { vision: { states, mask }, text: { states: states.mul(2) } } };
    expect(pickStream('h', input, undefined, 2).name).toBe('vision');
    expect(pickStream('h', input, 'text', 2).mask).toBeUndefined();
    expect(() => pickStream('h', input, 'audio', 2)).toThrow("h: no stream 'audio' to read (streams: vision, text)");
    expect(() => pickStream('h', input, 'text', 3)).toThrow("h: stream 'text' states must be [B, N, 3], got [2, 3, 2]");
    const badMask = { streams: { vision: { states, mask: tensor([[1, 1]], [1, 2], { dtype: 'int32' }) } } };
    expect(() => pickStream('h', badMask, undefined, 2)).toThrow("h: stream 'vision' mask [1, 2] must be [B, N] = [2, 3]");
  });
});
