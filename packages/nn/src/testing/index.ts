// Test helpers for @crossmodal/nn and the backend plugins (import only from specs).
export { TINY, TinyClassifier, relError, tinyLossAndGrads, tinySetup, type TinySetup } from './tiny-classifier.ts';
