// The built-in metrics core registers under METRICS (as the plugin `@crossmodal/core`).
import type { MetricProvider } from '../contracts/metric.ts';
import { accuracyMetric, top5Metric, topKMetric } from './classification.ts';
import { meanLossMetric } from './mean-loss.ts';
import { vqaAccuracyMetric } from './vqa-accuracy.ts';

export { accuracyMetric, top5Metric, topKMetric } from './classification.ts';
export { meanLossMetric } from './mean-loss.ts';
export { vqaAccuracyMetric } from './vqa-accuracy.ts';

/** accuracy, top-5, top-k, vqa-accuracy, mean-loss. */
export const builtinMetrics: readonly MetricProvider[] = [accuracyMetric, top5Metric, topKMetric, vqaAccuracyMetric, meanLossMetric];
