// Optimizers, their update rules as pure functions, LR schedules and gradient clipping.
export { Optimizer, type BaseHyper, type HyperValue, type OptimizerStateDict, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.ts';
export { SGD, sgdUpdate, type SGDHyper, type SGDOptions, type SGDTensors } from './sgd.ts';
export { Adam, AdamW, adamUpdate, type AdamHyper, type AdamOptions, type AdamTensors } from './adam.ts';
export { LRScheduler, constantLR, cosineLR, linearDecay, linearWarmup, stepLR, type LRSchedulerState, type Schedule } from './schedules.ts';
export { clipGradNorm, clipGradNormAsync, type ClipGradNormOptions } from './clip-grad.ts';
