import { describe, expect, it } from 'vitest';
import { describePrediction, topClasses } from './prediction.ts';

const NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

describe('topClasses', () => {
  it('ranks classes by softmax probability, which sum to 1 over all classes', () => {
    const logits = [0, Math.log(2), Math.log(5), Math.log(2)];
    expect(topClasses(logits, 4)).toEqual([
      { index: 2, p: 0.5 }, { index: 1, p: 0.2 }, { index: 3, p: 0.2 }, { index: 0, p: expect.closeTo(0.1, 12) as unknown as number },
    ]);
  });

  it('is stable for large logits (shifted by the maximum)', () => {
    expect(topClasses([1000, 1000 + Math.log(3)], 1)).toEqual([{ index: 1, p: expect.closeTo(0.75, 12) as unknown as number }]);
  });

  it('refuses NaN logits by name instead of predicting class 0', () => {
    expect(() => topClasses([0.1, Number.NaN, 0.3])).toThrow(/logits are not finite \(largest NaN\)/);
    expect(() => topClasses([])).toThrow(/no logits/);
  });
});

describe('describePrediction', () => {
  it('names the label and the top three by class name, and says whether the model was right', () => {
    const logits = new Float32Array(10);
    logits[9] = 5;
    logits[7] = 2;
    logits[5] = 1;
    const d = describePrediction(logits, 9, NAMES);
    expect(d.line).toMatch(/^label 9 \(Ankle boot\), predicted 9 \(Ankle boot\) 89\.7% \(right\); then 7 \(Sneaker\) 4\.\d%, 5 \(Sandal\) 1\.\d%$/);
    expect(d.short).toMatch(/^LABEL 9 \(Ankle boot\), PREDICTED 9 \(Ankle boot\) 89\.7%$/);
    expect(describePrediction(logits, 7, NAMES).line).toMatch(/^label 7 \(Sneaker\), predicted 9 \(Ankle boot\) 89\.7% \(wrong\);/);
  });

  it('uses bare indices without names (or when a name is the index itself) and omits the label when there is none', () => {
    expect(describePrediction([0, 3], undefined).line).toMatch(/^predicted 1 95\.3%; then 0 4\.7%$/);
    expect(describePrediction([0, 3], 1, ['0', '1']).short).toBe('LABEL 1, PREDICTED 1 95.3%');
  });
});
