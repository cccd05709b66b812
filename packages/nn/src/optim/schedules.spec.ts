// LR schedules' values at given steps, and the scheduler's state.
import { describe, expect, it } from 'vitest';
import { tensor } from '@crossmodal/tensor';
import { Parameter } from '../parameter.ts';
import { SGD } from './sgd.ts';
import { LRScheduler, constantLR, cosineLR, linearDecay, linearWarmup, stepLR } from './schedules.ts';

const expectAll = (actual: number[], expected: number[]): void => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));

describe('schedules', () => {
  it('stepLR multiplies by gamma every stepSize steps', () => {
    const s = stepLR({ stepSize: 5, gamma: 0.7 });
    expect([0, 4, 5, 9, 10, 15].map((e) => s(e, 1))).toEqual([1, 1, 0.7, 0.7, 0.7 ** 2, 0.7 ** 3]);
    expect(() => stepLR({ stepSize: 0, gamma: 0.5 })).toThrow('stepLR: stepSize must be a positive integer, got 0');
  });

  it('rejects a gamma or minLr that would give a NaN or negative lr', () => {
    expect(() => stepLR({ stepSize: 2, gamma: Number.NaN })).toThrow('stepLR: gamma must be a finite number > 0, got NaN');
    expect(() => stepLR({ stepSize: 2, gamma: -0.5 })).toThrow('stepLR: gamma must be a finite number > 0, got -0.5');
    expect(() => stepLR({ stepSize: 2, gamma: 0 })).toThrow('stepLR: gamma must be a finite number > 0, got 0');
    expect(() => cosineLR({ total: 10, minLr: -1e-5 })).toThrow('cosineLR: minLr must be a finite number >= 0, got -0.00001');
    expect(() => linearDecay({ total: 10, minLr: Number.NaN })).toThrow('linearDecay: minLr must be a finite number >= 0, got NaN');
    expect(() => linearDecay({ total: 10, minLr: Infinity })).toThrow('linearDecay: minLr must be a finite number >= 0, got Infinity');
  });

  it('cosineLR goes from baseLr to minLr along half a cosine, then stays', () => {
    const s = cosineLR({ total: 100, minLr: 0.1 });
    expect(s(0, 1)).toBe(1);
    expect(s(50, 1)).toBeCloseTo(0.55, 12);
    expect(s(25, 1)).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 12);
    expect(s(100, 1)).toBeCloseTo(0.1, 12);
    expect(s(150, 1)).toBeCloseTo(0.1, 12);
  });

  it('linearWarmup + linearDecay is BERT\'s schedule, + cosineLR is HF\'s get_cosine_schedule_with_warmup', () => {
    const bert = linearWarmup({ warmup: 10, then: linearDecay({ total: 90 }) });
    expectAll([0, 5, 10, 55, 100, 120].map((t) => bert(t, 2e-4)), [0, 1e-4, 2e-4, 1e-4, 0, 0]);
    // Warm-up into a cosine: Hugging Face's get_cosine_schedule_with_warmup (timm's
    // CosineLRScheduler with warmup_prefix=False counts the cosine from step 0 instead).
    const vit = linearWarmup({ warmup: 4, then: cosineLR({ total: 8 }) });
    expectAll([2, 4, 8, 12].map((t) => vit(t, 1)), [0.5, 1, 0.5, 0]);
    expect(linearWarmup({ warmup: 0 })(3, 0.3)).toBe(0.3);
    expect(constantLR()(1000, 0.3)).toBe(0.3);
  });
});

describe('LRScheduler', () => {
  it('writes schedule(step, baseLr) into every group, from step 0', () => {
    const a = new Parameter(tensor([1]));
    const b = new Parameter(tensor([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
    const sched = new LRScheduler(opt, stepLR({ stepSize: 2, gamma: 0.5 }));
    expect(sched.lastLr).toEqual([0.1, 1]);
    sched.step();
    sched.step();
    expect(sched.currentStep).toBe(2);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.5]);
    a.dispose();
    b.dispose();
  });

  it('throws, naming the step and group, when a schedule gives a NaN or negative lr, and changes nothing', () => {
    const a = new Parameter(tensor([1]));
    const b = new Parameter(tensor([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
    // A hand-written schedule that goes negative from step 2.
    const sched = new LRScheduler(opt, (step, base) => (step < 2 ? base / 2 : -base));
    sched.step();
    expect(() => sched.step()).toThrow('LRScheduler: the schedule gave lr -0.1 at step 2 for group 0 (base lr 0.1), expected a finite number >= 0');
    expect(sched.currentStep).toBe(1);
    expect(sched.lastLr).toEqual([0.05, 0.5]);
    expect(() => new LRScheduler(opt, () => Number.NaN)).toThrow('LRScheduler: the schedule gave lr NaN at step 0 for group 0');
    expect(() => sched.loadStateDict({ step: 0, baseLrs: [0.1, Number.NaN] })).toThrow('gave lr NaN at step 0 for group 1 (base lr NaN)');
    expect(sched.stateDict()).toEqual({ step: 1, baseLrs: [0.1, 1] });
    a.dispose();
    b.dispose();
  });

  it('resumes from its state dict', () => {
    const p = new Parameter(tensor([1]));
    const opt = new SGD([p], { lr: 1 });
    const warm = linearWarmup({ warmup: 4 });
    const first = new LRScheduler(opt, warm);
    first.step();
    const state = first.stateDict();
    expect(state).toEqual({ step: 1, baseLrs: [1] });
    // A new scheduler on the same optimizer would take lr 0.25 as its base; the state restores 1.
    const second = new LRScheduler(opt, warm);
    second.loadStateDict(state);
    second.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
    expect(() => second.loadStateDict({ step: 0, baseLrs: [1, 2] })).toThrow('LRScheduler.loadStateDict: 2 base lrs for 1 parameter groups');
    p.dispose();
  });
});
