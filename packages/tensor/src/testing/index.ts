// Test helpers for @crossmodal/tensor and every backend: gradient checks, arbitraries, parity.
export { checkGrads, type GradCheckOptions, type GradMismatch } from './grad-check.ts';
