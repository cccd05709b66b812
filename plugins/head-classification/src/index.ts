// @crossmodal/head-classification: the classification head (pooling, Linear, cross-entropy).
export { classificationHeadPlugin } from './plugin.ts';
export { ClassificationHead, classificationHeadProvider, type ClassificationHeadConfig, type Pooling } from './classification-head.ts';
