import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { checkImage, exampleGenerator, ExampleGenerators, randomInt, toGenerator } from './image.ts';

const draws = (g: Generator, n = 3): number[] => Array.from({ length: n }, () => g.uniform());

describe('exampleGenerator', () => {
  it('is a pure function of (seed, epoch, index)', () => {
    expect(draws(exampleGenerator(1, 2, 3))).toEqual(draws(exampleGenerator(1, 2, 3)));
  });

  it('gives distinct streams to neighbouring seeds, epochs and indices', () => {
    const firsts = new Set<number>();
    for (let s = 0; s < 5; s++) for (let e = 0; e < 10; e++) for (let i = 0; i < 20; i++) firsts.add(exampleGenerator(s, e, i).nextU32());
    expect(firsts.size).toBe(1000);
  });
});

describe('ExampleGenerators', () => {
  it('counts the reads of each index as its epoch until an epoch is set', () => {
    const streams = new ExampleGenerators(7, 4);
    expect(draws(streams.next(2))).toEqual(draws(exampleGenerator(7, 0, 2)));
    expect(draws(streams.next(2))).toEqual(draws(exampleGenerator(7, 1, 2)));
    expect(draws(streams.next(0))).toEqual(draws(exampleGenerator(7, 0, 0)));
  });

  it('uses the epoch set by setEpoch for every read', () => {
    const streams = new ExampleGenerators(7, 4);
    streams.setEpoch(5);
    expect(draws(streams.next(1))).toEqual(draws(exampleGenerator(7, 5, 1)));
    expect(draws(streams.next(1))).toEqual(draws(exampleGenerator(7, 5, 1)));
    expect(() => streams.setEpoch(-1)).toThrow('setEpoch: epoch must be an integer ≥ 0, got -1');
  });
});

describe('toGenerator and randomInt', () => {
  it('keeps a Generator, seeds a new one from a number and refuses anything else', () => {
    const g = new Generator(3);
    expect(toGenerator('T', g)).toBe(g);
    expect(draws(toGenerator('T', 3))).toEqual(draws(new Generator(3)));
    expect(() => toGenerator('T', 1.5)).toThrow('T: is random and needs a Generator or an integer seed, got 1.5');
  });

  it('draws integers in [lo, hi), each of them', () => {
    const g = new Generator(1);
    const seen = new Set(Array.from({ length: 500 }, () => randomInt(g, 2, 6)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('checkImage', () => {
  it('names a bad shape', () => {
    expect(() => checkImage('T', { data: new Float32Array(4), shape: [2, 2] as unknown as [number, number, number] })).toThrow(
      'T: image shape must be [C, H, W] with positive integers, got [2, 2]',
    );
  });
});
