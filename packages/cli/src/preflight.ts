// Checks every registry name a run config uses before anything runs, so an unknown preset,
// dataset, logger or metric fails at once (exit 2, with the known names) rather than mid-start.
import { splitSpec, type RunConfig, type Runtime } from '@crossmodal/core';

/**
 * Throws UnknownNameError (naming the config field and listing the known names) for the first
 * unknown name in `config`: model preset and parts, datasets, loggers, metrics.
 * @example
 * checkNames(runtime, config);   // throws "model.preset: Unknown model 'mlp-spiral'. Did you mean 'mlp-spirals'? …"
 */
export function checkNames(runtime: Runtime, config: RunConfig): void {
  const model = runtime.models.resolveConfig(config.model);
  for (const [stream, part] of Object.entries(model.encoders)) runtime.encoders.get(part.name, `model.encoders.${stream}`);
  if (model.fusion) runtime.fusions.get(model.fusion.name, 'model.fusion');
  runtime.heads.get(model.head.name, 'model.head');
  runtime.datasets.get(config.data.train.name, 'data.train');
  if (config.data.eval) runtime.datasets.get(config.data.eval.name, 'data.eval');
  config.loggers.forEach((logger, i) => runtime.loggers.get(logger.name, `loggers[${i}]`));
  config.metrics.forEach((metric, i) => runtime.metrics.get(splitSpec(metric).name, `metrics[${i}]`));
}
