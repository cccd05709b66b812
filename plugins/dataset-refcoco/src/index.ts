// @crossmodal/dataset-refcoco: RefCOCO, RefCOCO+ and RefCOCOg from refer's refs(<splitBy>).p and
// instances.json (no pickle code executed): expressions, splits, target boxes, target regions by IoU.
export { refcocoPlugin } from './plugin.ts';
export { refcocoProvider, readRefcocoOptions, type RefcocoConfig } from './refcoco.ts';
export { RefcocoDataset, type RefcocoDatasetOptions, type RegionBoxSource } from './refcoco-dataset.ts';
export { RefcocoFormatError, parseRefsPickle, type RefRecord, type RefSentence } from './refs-pickle.ts';
export { parseInstances, type CocoAnnotation, type CocoCategory, type CocoImage, type Instances } from './instances.ts';
export {
  PUBLISHED_SPLITS, REFER_DATASETS, REFER_SPLITS, Refer, SPLIT_BY, inSplit, xywhToXyxy,
  type Box, type RefExpression, type ReferDataset, type ReferSplit, type SplitBy,
} from './refer.ts';
export { loadRefer, locateRefer, type ReferFiles } from './refer-files.ts';
export {
  boxIou, groundingCorrect, labelRegions, regionCoverage, regionIous, regionRows,
  type IouOptions, type LabelOptions, type RegionBoxes, type RegionCoverage, type RegionLabels,
} from './iou.ts';
