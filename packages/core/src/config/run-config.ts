// The run config's types: what a config file holds once validated and given its defaults.
// The schema in schema.ts checks input against these (its output must be assignable to them).
import type { ModelConfigInput } from '../model/model-config.ts';
import type { NamedSpec } from '../registry/provider-registry.ts';

/** Which dataset (and split) feeds training or evaluation, plus that dataset's own options. */
export interface DataSplitConfig {
  /** The dataset's registry name (`fashion-mnist`, `toy-blobs`). */
  readonly name: string;
  /** Which split (`train`, `test`…); the dataset's default when absent. */
  readonly split?: string;
  /** Use only the first `limit` examples. */
  readonly limit?: number;
  readonly [option: string]: unknown;
}

/** Datasets and batching. */
export interface DataConfig {
  /** The training data. */
  readonly train: DataSplitConfig;
  /** The evaluation data (no evaluation without it). */
  readonly eval?: DataSplitConfig;
  /** Examples per training batch (> 0). */
  readonly batchSize: number;
  /** Examples per evaluation batch; `batchSize` when absent. */
  readonly evalBatchSize?: number;
  /** Shuffle training examples each epoch, seeded by the run's seed (default true). */
  readonly shuffle: boolean;
  /** Drop a last training batch smaller than `batchSize` (default false). */
  readonly dropLast: boolean;
  /** Mixup/CutMix on the training batches (off when absent; evaluation is never mixed). */
  readonly mixup?: MixupConfig;
  /**
   * Plain-number example fields collated as float32 in training and evaluation (a regression target
   * such as a score); every other plain-number field is int32, and a fractional value in one is an
   * error naming the field.
   */
  readonly floatFields?: readonly string[];
}

/**
 * `data.mixup` (timm's `--mixup 0.8 --cutmix 1.0 --mixup-prob 1 --mixup-switch-prob 0.5
 * --mixup-mode batch --smoothing 0.1`): the training loader mixes `field` and adds float32 soft
 * targets `<target>Soft` [B, C], with C the training dataset's `numClasses`.
 */
export interface MixupConfig {
  /** α of Mixup's Beta(α, α) (default 0.8; 0 turns Mixup off). */
  readonly mixupAlpha: number;
  /** α of CutMix's Beta(α, α) (default 1.0; 0 turns CutMix off). */
  readonly cutmixAlpha: number;
  /** CutMix box sides as fractions [min, max) of the image, instead of from λ. */
  readonly cutmixMinMax?: readonly [number, number];
  /** Probability a batch is mixed at all (default 1). */
  readonly prob: number;
  /** Probability of CutMix rather than Mixup when both are on (default 0.5). */
  readonly switchProb: number;
  /** One draw per batch (`batch`, default), per mirrored pair (`pair`) or per element (`elem`). */
  readonly mode: 'batch' | 'pair' | 'elem';
  /**
   * ε folded into the soft targets (default 0.1). It replaces the head's `labelSmoothing` on
   * training batches (timm passes `--smoothing` to Mixup); set that one only for the eval loss.
   */
  readonly labelSmoothing: number;
  /** The float32 field mixed, [B, ..., H, W] (default `image`). */
  readonly field: string;
  /** The int32 class-index field (default `label`), kept as it is. */
  readonly target: string;
}

/** The optimizer and its hyper-parameters. */
export interface OptimizerConfig {
  /** Which optimizer. */
  readonly name: 'adamw' | 'adam' | 'sgd';
  /** Peak learning rate (> 0). */
  readonly lr: number;
  /** Weight decay (≥ 0, default 0): decoupled for adamw, L2 for adam and sgd. */
  readonly weightDecay: number;
  /** Adam's β1, β2. */
  readonly betas?: readonly [number, number];
  /** Adam's ε. */
  readonly eps?: number;
  /** SGD momentum. */
  readonly momentum?: number;
  /** SGD Nesterov momentum. */
  readonly nesterov?: boolean;
  /** Which parameters get weight decay: `all` (default, as torch) or `timm` (not vectors, norms, pos_embed, cls_token). */
  readonly decay?: 'all' | 'timm';
}

/** The learning-rate schedule, in optimizer steps. */
export interface ScheduleConfig {
  /** constant, cosine (to `minLr`), step (× `gamma` every `stepSize`), linear (decay to 0). */
  readonly name: 'constant' | 'cosine' | 'step' | 'linear';
  /** Linear warm-up from 0 over this many steps. */
  readonly warmupSteps?: number;
  /** Steps between decays of the `step` schedule. */
  readonly stepSize?: number;
  /** Decay factor of the `step` schedule. */
  readonly gamma?: number;
  /** Floor of the `cosine` schedule. */
  readonly minLr?: number;
}

/** How long and how to train. */
export interface TrainConfig {
  /** Passes over the training data (> 0). */
  readonly epochs: number;
  /** Stop after this many optimizer steps, even mid-epoch. */
  readonly maxSteps?: number;
  /** Batches whose gradients are summed per optimizer step (≥ 1, default 1). */
  readonly gradAccumulation: number;
  /** Clip the global gradient norm to this value (> 0). */
  readonly clipGradNorm?: number;
  /** Evaluate every so many epochs and/or optimizer steps (default: every epoch when there is eval data). */
  readonly evalEvery?: { readonly epochs?: number; readonly steps?: number };
  /** Loggers show every so many batch-end events (default 1); the bus itself carries every step. */
  readonly logEvery: number;
  /** Keep an exponential moving average of the weights (off when absent). */
  readonly ema?: EmaConfig;
}

/** The weight average of `train.ema` (timm's `--model-ema`, ModelEmaV3's decay rule). */
export interface EmaConfig {
  /** The decay the average settles at, in [0, 1] (default 0.9998). */
  readonly decay: number;
  /** Ramp the decay up as 1 − (1 + step)^−¾ (default true). */
  readonly warmup: boolean;
  /**
   * Which weights an evaluation scores: `both` (default) the trained model's metrics under their
   * names plus the average's under `ema/<name>`; `ema` only the average's, still under `ema/<name>`.
   */
  readonly evaluate: 'ema' | 'both';
  /** Optimizer steps before averaging starts (the average copies the weights until then; default 0). */
  readonly startStep: number;
}

/** Which checkpoints to keep. */
export interface CheckpointConfig {
  /** Keep the checkpoint with the best `metric` (default true). */
  readonly keepBest: boolean;
  /** Keep the checkpoint of the last step (default true). */
  readonly keepLast: boolean;
  /** The metric that decides "best" (default: the first metric). */
  readonly metric?: string;
  /** Whether larger or smaller is better (default: the metric's own direction). */
  readonly mode?: 'max' | 'min';
  /** Also save `last` every so many optimizer steps. */
  readonly everySteps?: number;
}

/** Stop when a metric stops improving. */
export interface EarlyStoppingConfig {
  /** The metric watched (an eval metric key such as `accuracy` or `loss`). */
  readonly metric: string;
  /** Evaluations without improvement before stopping (≥ 1). */
  readonly patience: number;
  /** Whether larger or smaller is better (default: the metric's own direction). */
  readonly mode?: 'max' | 'min';
  /** The smallest change that counts as an improvement (≥ 0). */
  readonly minDelta?: number;
}

/** A logger by name plus its options (`{ name: 'jsonl', path: 'events.jsonl' }`). */
export interface LoggerSpec {
  /** The logger's registry name. */
  readonly name: string;
  readonly [option: string]: unknown;
}

/** A validated run config with its defaults filled in. */
export interface RunConfig {
  /** The run's name (also the default output directory's). */
  readonly name?: string;
  /** Plugin modules to load (package names, or paths relative to the config file). */
  readonly plugins?: readonly string[];
  /** The seed of every random stream of the run (default 0). */
  readonly seed: number;
  /** `auto` (default) or a backend name to force. */
  readonly backend: string;
  /** Creation options per backend, e.g. `{ native: { threads: 2 }, webgpu: { f16: true } }`; each backend gets its own entry. */
  readonly backendOptions: { readonly [backend: string]: { readonly [option: string]: unknown } };
  /** The model: a preset, parts, or a preset with overrides. */
  readonly model: ModelConfigInput;
  /** Datasets and batching. */
  readonly data: DataConfig;
  /** The optimizer. */
  readonly optimizer: OptimizerConfig;
  /** The LR schedule (constant LR when absent). */
  readonly schedule?: ScheduleConfig;
  /** Epochs, steps, accumulation, clipping, evaluation and logging cadence. */
  readonly train: TrainConfig;
  /** Metrics computed at evaluation (default `['accuracy']`). */
  readonly metrics: readonly NamedSpec[];
  /** Checkpoints kept. */
  readonly checkpoint: CheckpointConfig;
  /** Early stopping, off when absent. */
  readonly earlyStopping?: EarlyStoppingConfig;
  /** Loggers attached to the run (default `[{ name: 'console' }]`). */
  readonly loggers: readonly LoggerSpec[];
  /** Where the run writes (default `runs/<name or timestamp>`). */
  readonly output: { readonly dir: string };
}
