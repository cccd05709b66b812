// @crossmodal/nn: modules and parameters, layers, init schemes, losses, optimizers, LR schedules,
// state dicts (safetensors, PyTorch checkpoints), checkpoint averaging (uniform and greedy soups) and weight EMA.
// Node-only file helpers live in `@crossmodal/nn/node`.
export { Parameter, type ParameterOptions } from './parameter.ts';
export { Module } from './module.ts';
export { StateDictError, type LoadStateDictOptions, type LoadStateDictResult, type MisShapedKey } from './state-dict.ts';
export * from './init.ts';
export * from './layers/index.ts';
export * from './losses.ts';
export * from './optim/index.ts';
export * from './io/index.ts';
export * from './average.ts';
export { ModelEma, type ModelEmaOptions } from './ema.ts';
