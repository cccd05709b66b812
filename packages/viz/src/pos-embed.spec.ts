// Position-embedding similarity: orthogonal embeddings give the identity pattern; the sheet lays tiles out on the grid.
import { describe, expect, it } from 'vitest';
import { colorAt } from './colormap.ts';
import { positionEmbeddingSheet, positionEmbeddingSimilarity } from './pos-embed.ts';

// 1 class row, then 4 orthogonal rows of different lengths and signs (a 2×2 grid).
const ortho = {
  shape: [1, 5, 4],
  data: [9, 9, 9, 9, /* patches */ 2, 0, 0, 0, 0, -3, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 7],
};

describe('positionEmbeddingSimilarity', () => {
  it('is the identity for orthogonal embeddings, after dropping the class row', () => {
    const { similarity, grid } = positionEmbeddingSimilarity(ortho);
    expect(grid).toEqual([2, 2]);
    expect(similarity.shape).toEqual([4, 4]);
    expect([...similarity.data]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('gives exact cosines for known angles', () => {
    const { similarity } = positionEmbeddingSimilarity({ shape: [4, 2], data: [1, 0, 1, 1, 0, 1, -1, 0] }, { prefixTokens: 0 });
    expect(similarity.data[1]).toBeCloseTo(Math.SQRT1_2, 6); // 0° vs 45°
    expect(similarity.data[2]).toBeCloseTo(0, 6);
    expect(similarity.data[3]).toBeCloseTo(-1, 6);
  });

  it('names the argument, value and expectation on bad input', () => {
    expect(() => positionEmbeddingSimilarity({ shape: [2, 5, 4], data: new Array(40).fill(1) })).toThrow(
      'positionEmbeddingSimilarity: posEmbed.shape must be [N, D] or [1, N, D], got [2, 5, 4]',
    );
    expect(() => positionEmbeddingSimilarity({ shape: [5, 1], data: [1, 0, 1, 1, 1] })).toThrow(
      'positionEmbeddingSimilarity: posEmbed row 1 must be a finite non-zero vector (its squared norm was given), got 0',
    );
  });
});

describe('positionEmbeddingSheet', () => {
  it('tiles one map per position on the grid, each lit only at its own position', () => {
    const sheet = positionEmbeddingSheet(ortho, { cellSize: 1, padding: 1 });
    expect([sheet.width, sheet.height]).toEqual([7, 7]); // 1 + 2 × (2 + 1)
    const at = (x: number, y: number): number[] => [...sheet.data.subarray((y * 7 + x) * 3, (y * 7 + x) * 3 + 3)];
    const one = [...colorAt('viridis', 1)];
    const zero = [...colorAt('viridis', 0.5)]; // cosine 0 sits mid-range of [-1, 1]
    for (let p = 0; p < 4; p++) {
      const [tx, ty] = [1 + (p % 2) * 3, 1 + Math.floor(p / 2) * 3];
      for (let q = 0; q < 4; q++) expect(at(tx + (q % 2), ty + Math.floor(q / 2))).toEqual(q === p ? one : zero);
    }
    expect(at(0, 0)).toEqual([255, 255, 255]);
  });
});
