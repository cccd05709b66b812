// @crossmodal/dataset-fashion-mnist: Fashion-MNIST (Debian's files) and MNIST from IDX files.
export { fashionMnistPlugin } from './plugin.ts';
export {
  DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, MNIST_CLASSES, fashionMnistProvider, mnistProvider,
  type MnistConfig,
} from './mnist.ts';
export { MnistDataset, type MnistDatasetOptions } from './mnist-dataset.ts';
export { candidateNames, loadMnistSplit, SPLITS, type MnistArrays, type Split } from './mnist-files.ts';
export { encodeIdx, parseIdx, type IdxArray, type IdxExpectation } from './idx.ts';
export { findFile, readMaybeGzipped } from './node-files.ts';
