// @crossmodal/tensor: tensors, ops declared once, autograd, memory scopes and the CPU oracle.
export type { DType, TypedArray } from './dtype.ts';
export { allocArray } from './dtype.ts';
export { ShapeError, broadcastShapes, fmt, sizeOf, normalizeAxis, normalizeAxes, shapesEqual, stridesOf, type Shape } from './shape.ts';
export { defineOp, type OpDef, type InputSpec, type TensorMeta, type MapInputs, type GradContext, type OutSpec } from './op.ts';
export { defineKernel, kernelTable, type Backend, type Kernel, type KernelInput, type OutMeta, type AnyKernel, type StorageOf } from './backend.ts';
export { Tensor, type NestedArray } from './tensor.ts';
export {
  getBackend, setBackend, getGenerator, manualSeed, memory, isGradEnabled, noGrad, tidy, keep, runOp, runOpMulti,
  type TensorContainer,
} from './engine.ts';
export type { MemoryStats } from './storage.ts';
export * from './creation.ts';
export * from './ops/index.ts';
export { Generator, counterUniform, dropoutKeeps, fmix32 } from './random.ts';
export { createCpuBackend, CpuStorage, CPU, type CpuBackend } from './cpu/cpu-backend.ts';

// NOTE: kept last: the CPU kernels must evaluate after every op module (they read the op defs).
import { createCpuBackend } from './cpu/cpu-backend.ts';
import { setDefaultBackendFactory } from './engine.ts';
setDefaultBackendFactory(createCpuBackend);
