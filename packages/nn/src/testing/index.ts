// Test helpers for @crossmodal/nn and the backend plugins (import only from specs).
export { TINY, TinyClassifier, relError, tinyLossAndGrads, tinySetup, type TinySetup } from './tiny-classifier.ts';
export { P, pickleDict } from '../io/numpy-pickle-testing.ts';
