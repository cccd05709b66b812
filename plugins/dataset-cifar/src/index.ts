// @crossmodal/dataset-cifar: CIFAR-10 and CIFAR-100 from the python-pickle batches (no pickle code
// executed) or the binary files.
export { cifarPlugin } from './plugin.ts';
export { cifar10Provider, cifar100Provider, type CifarConfig } from './cifar.ts';
export { CifarDataset, type CifarDatasetOptions } from './cifar-dataset.ts';
export { formatFiles, loadCifarSplit, locateCifar, type FormatChoice } from './cifar-files.ts';
export {
  CIFAR10_LAYOUT, CIFAR100_LAYOUT, FORMATS, IMAGE_BYTES, SPLITS,
  type CifarArrays, type CifarBatch, type CifarFormat, type CifarLayout, type CifarName, type FormatFiles, type LabelKind,
  type LabelSet, type Split,
} from './cifar-layout.ts';
export { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classes.ts';
export { parsePythonBatch, parsePythonMeta } from './cifar-python.ts';
export { parseBinaryBatch, parseLabelNames, recordBytes } from './cifar-binary.ts';
