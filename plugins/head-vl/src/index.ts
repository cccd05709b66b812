// @crossmodal/head-vl: vision-language heads (VQA, classification, referring expressions,
// image–text matching), the seeds' pooling modules and retrieval recall@k.
export { vlHeadsPlugin } from './plugin.ts';
export {
  AnswerMlp, VlClassificationHead, vlClassificationHeadProvider, VqaHead, vqaHeadProvider,
  type VlClassificationHeadConfig, type VqaHeadConfig, type VqaLossReduction,
} from './answer-head.ts';
export { ReferringHead, referringHeadProvider, type ReferringHeadConfig, type ReferringLoss } from './referring-head.ts';
export { alignmentScores, MatchingHead, matchingHeadProvider, type MatchingHeadConfig } from './matching-head.ts';
export { recallAt10Metric, recallAt1Metric, recallAt5Metric, recallAtKMetric, recallHits } from './retrieval-metric.ts';
export { AttFlat, DensePooler, McanLayerNorm } from './pooling.ts';
export {
  AttFlatPooler, AttFlatSumPooler, ClsTanhPooler, createPooler, ModelPooled, POOLING_OPTIONS, POOLINGS, ProductPooler, StreamPooler,
  type Pooler, type PoolingName, type TwoStreams,
} from './poolers.ts';
