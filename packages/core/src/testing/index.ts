// @crossmodal/core/testing: helpers for tests of core and of the packages built on it.
export { createTestRuntime } from './test-runtime.ts';
export {
  toyPlugin, toyVectorsEncoder, toyClassificationHead, toyBlobsDataset, toyMlpPreset,
  ToyVectorEncoder, ToyClassificationHead, ToyBlobs,
} from './toy-plugin.ts';
