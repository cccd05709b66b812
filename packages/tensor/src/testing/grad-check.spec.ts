import { describe, expect, it } from 'vitest';
import { randn, manualSeed, type Tensor } from '../index.ts';
import { checkGrads } from './index.ts';

describe('checkGrads', () => {
  it('accepts a correct gradient', () => {
    manualSeed(3);
    expect(checkGrads((a, b) => a!.matmul(b!).tanh(), [randn([3, 4]), randn([4, 2])])).toBeLessThan(2e-3);
  });
  it('reports a wrong gradient with the input and element', () => {
    manualSeed(3);
    // A function whose autograd sees x·2 while its value is x·3 (detach hides the extra x).
    const wrong = (x: Tensor): Tensor => x.mul(2).add(x.detach());
    expect(() => checkGrads(wrong, [randn([2, 2])])).toThrow(/4 gradient element\(s\) disagree[^]*input 0 \[2, 2\]\[0\]: autograd/);
  });
});
