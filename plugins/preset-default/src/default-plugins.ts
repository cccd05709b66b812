// The built-in plugins as one array: what the CLI loads when a run config names no plugins.
// A preset is the one kind of plugin package allowed to import others (scope:preset in boundaries.json).
import type { Plugin } from '@crossmodal/core';
import { nativeBackendPlugin } from '@crossmodal/backend-native';
import { webgpuBackendPlugin } from '@crossmodal/backend-webgpu';
import { cifarPlugin } from '@crossmodal/dataset-cifar';
import { fashionMnistPlugin } from '@crossmodal/dataset-fashion-mnist';
import { imageFolderPlugin } from '@crossmodal/dataset-image-folder';
import { regionFeaturesPlugin } from '@crossmodal/dataset-region-features';
import { refcocoPlugin } from '@crossmodal/dataset-refcoco';
import { sortOfClevrPlugin } from '@crossmodal/dataset-sort-of-clevr';
import { syntheticDatasetsPlugin } from '@crossmodal/dataset-synthetic';
import { vqaPlugin } from '@crossmodal/dataset-vqa';
import { classificationHeadPlugin } from '@crossmodal/head-classification';
import { vlHeadsPlugin } from '@crossmodal/head-vl';
import { consoleLoggerPlugin } from '@crossmodal/logger-console';
import { jsonlLoggerPlugin } from '@crossmodal/logger-jsonl';
import { mlpModelPlugin } from '@crossmodal/model-mlp';
import { vitModelPlugin } from '@crossmodal/model-vit';

/**
 * Every built-in plugin, in registration order: datasets, encoders and presets, heads, loggers,
 * backends. (Core's own CPU backend and metrics are registered by `createRuntime` itself.)
 * @example
 * const runtime = createRuntime(defaultPlugins);
 * runtime.list().map((row) => `${row.kind} ${row.name}`);
 */
export const defaultPlugins: readonly Plugin[] = [
  syntheticDatasetsPlugin,
  fashionMnistPlugin,
  cifarPlugin,
  imageFolderPlugin,
  sortOfClevrPlugin,
  regionFeaturesPlugin,
  vqaPlugin,
  refcocoPlugin,
  mlpModelPlugin,
  vitModelPlugin,
  classificationHeadPlugin,
  vlHeadsPlugin,
  consoleLoggerPlugin,
  jsonlLoggerPlugin,
  nativeBackendPlugin,
  webgpuBackendPlugin,
];
