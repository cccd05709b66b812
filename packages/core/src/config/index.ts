// The run config: types, schema, parsing (JSON/YAML text, overrides) and its errors. Files are
// read and written by the Node adapter in `@crossmodal/core/node`.
export { ConfigError } from './config-error.ts';
export { applyOverrides } from './overrides.ts';
export { parseConfigText, parseRunConfig } from './parse.ts';
export { formatIssues, formatPath, formatValue } from './issues.ts';
export { runConfigSchema, modelSchema, type RunConfigInput } from './schema.ts';
export type {
  CheckpointConfig, DataConfig, DataSplitConfig, EarlyStoppingConfig, EmaConfig, LoggerSpec, OptimizerConfig,
  RunConfig, ScheduleConfig, TrainConfig,
} from './run-config.ts';
export { readOptions, type OptionReader, type RawOptions } from './options.ts';
