// Test helpers for @crossmodal/tensor and every backend: gradient checks, arbitraries, parity.
export { checkGrads, gradsOf, type GradCheckOptions, type GradMismatch } from './grad-check.ts';
export * from './arbitraries.ts';
export { expectAllClose, allClose, scaledError, type CloseOptions } from './close.ts';
export { fromGolden, fromGoldenMap, type GoldenCase, type GoldenTensor } from './golden.ts';
export { compareBackends, makeInputs, type InputSpec, type ParityOptions, type ParityResult } from './parity.ts';
export { allOps, conformanceCases, opsWithoutKernel, type ConformanceCase } from './conformance.ts';
export { cpuWithoutKernels } from './backends.ts';
export { checkConformanceProperty, conformanceProperties, type ConformanceProperty, type PropertyCase, type PropertyRunOptions } from './conformance-properties.ts';
