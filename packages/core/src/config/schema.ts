// The run config's zod schema. Every leaf carries an `expected` text (the `error` option), so the
// formatter can say `got <value>, expected <what>`; objects are strict, so a typo'd key is an error.
import { z } from 'zod';

/** The `error` option: the text that ends up after "expected" in a ConfigError line. */
const expected = (text: string) => ({ error: text });

const positiveNumber = (text = 'a number > 0') => z.number(expected(text)).positive(expected(text));
const nonNegativeNumber = (text = 'a number ≥ 0') => z.number(expected(text)).nonnegative(expected(text));
const positiveInt = (text = 'an integer > 0') => z.int(expected(text)).positive(expected(text));
const nonNegativeInt = (text = 'an integer ≥ 0') => z.int(expected(text)).nonnegative(expected(text));
const name = (what: string) => z.string(expected(`${what} (a non-empty string)`)).min(1, expected(`${what} (a non-empty string)`));
const flag = () => z.boolean(expected('true or false'));
const fraction = () => z.number(expected('a number in [0, 1)')).gte(0, expected('a number in [0, 1)')).lt(1, expected('a number in [0, 1)'));
const direction = () => z.enum(['max', 'min'], expected("'max' or 'min'"));

const part = z.looseObject({ name: name('a registry name').optional() }, expected('a part: { name, ...options }'));

/** `model`: a preset and/or parts; parts may be partial overrides of the preset's. */
export const modelSchema = z
  .strictObject(
    {
      preset: name('a model preset name').optional(),
      encoders: z.record(z.string(), part, expected('encoders by stream, e.g. { "vision": { "name": "…" } }')).optional(),
      fusion: part.optional(),
      head: part.optional(),
    },
    expected('a model: { preset } and/or { encoders, fusion?, head }'),
  )
  .superRefine((model, ctx) => {
    if (model.preset === undefined && (model.encoders === undefined || model.head === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a model preset, or encoders and a head' });
    }
  });

const dataSplit = z.looseObject(
  { name: name('a dataset name'), split: name('a split name').optional(), limit: positiveInt('an integer > 0 (examples to use)').optional() },
  expected('a dataset: { name, split?, limit?, ...options }'),
);

const probability = () => z.number(expected('a number in [0, 1]')).gte(0, expected('a number in [0, 1]')).lte(1, expected('a number in [0, 1]'));

/** `data.mixup`: Mixup/CutMix on training batches (timm's `Mixup`, DeiT's defaults); `mixup: {}` takes every default. */
const mixup = z
  .strictObject(
    {
      mixupAlpha: nonNegativeNumber('a number ≥ 0 (Beta(α, α); 0 turns Mixup off)').default(0.8),
      cutmixAlpha: nonNegativeNumber('a number ≥ 0 (Beta(α, α); 0 turns CutMix off)').default(1),
      cutmixMinMax: z.tuple([probability(), probability()], expected('[min, max], box sides as fractions of the image, min < max')).optional(),
      prob: probability().default(1),
      switchProb: probability().default(0.5),
      mode: z.enum(['batch', 'pair', 'elem'], expected("one of 'batch', 'pair', 'elem'")).default('batch'),
      labelSmoothing: fraction().default(0.1),
      field: name('a batch field').default('image'),
      target: name('a batch field').default('label'),
    },
    expected("mixup: { mixupAlpha?, cutmixAlpha?, cutmixMinMax?, prob?, switchProb?, mode?: 'batch' | 'pair' | 'elem', labelSmoothing?, field?, target? }"),
  )
  .superRefine((m, ctx) => {
    if (m.mixupAlpha === 0 && m.cutmixAlpha === 0) ctx.addIssue({ code: 'custom', path: ['cutmixAlpha'], message: 'a number > 0 here or in mixupAlpha (both 0 mix nothing)' });
    if (m.cutmixMinMax && !(m.cutmixMinMax[0] < m.cutmixMinMax[1])) ctx.addIssue({ code: 'custom', path: ['cutmixMinMax'], message: '[min, max] with min < max' });
    if (m.cutmixMinMax && m.cutmixAlpha === 0) ctx.addIssue({ code: 'custom', path: ['cutmixAlpha'], message: 'a number > 0 (cutmixMinMax needs CutMix on)' });
  });

const data = z.strictObject(
  {
    train: dataSplit,
    eval: dataSplit.optional(),
    batchSize: positiveInt(),
    evalBatchSize: positiveInt().optional(),
    shuffle: flag().default(true),
    dropLast: flag().default(false),
    mixup: mixup.optional(),
    floatFields: z.array(name('a batch field'), expected('a list of batch fields to collate as float32')).optional(),
  },
  expected('data: { train, eval?, batchSize, evalBatchSize?, shuffle?, dropLast?, mixup?, floatFields? }'),
);

const optimizer = z.strictObject(
  {
    name: z.enum(['adamw', 'adam', 'sgd'], expected("one of 'adamw', 'adam', 'sgd'")),
    lr: positiveNumber(),
    weightDecay: nonNegativeNumber().default(0),
    betas: z.tuple([fraction(), fraction()], expected('[β1, β2], each in [0, 1)')).optional(),
    eps: positiveNumber().optional(),
    momentum: fraction().optional(),
    nesterov: flag().optional(),
    decay: z.enum(['all', 'timm'], expected("one of 'all', 'timm'")).optional(),
  },
  expected('an optimizer: { name, lr, weightDecay?, betas?, eps?, momentum?, nesterov?, decay? }'),
);

const schedule = z
  .strictObject(
    {
      name: z.enum(['constant', 'cosine', 'step', 'linear'], expected("one of 'constant', 'cosine', 'step', 'linear'")),
      warmupSteps: nonNegativeInt().optional(),
      stepSize: positiveInt().optional(),
      gamma: positiveNumber().optional(),
      minLr: nonNegativeNumber().optional(),
    },
    expected('a schedule: { name, warmupSteps?, stepSize?, gamma?, minLr? }'),
  )
  .superRefine((s, ctx) => {
    if (s.name === 'step' && s.stepSize === undefined) ctx.addIssue({ code: 'custom', path: ['stepSize'], message: "an integer > 0 (the 'step' schedule needs it)" });
  });

/** `train.ema`: an average of the weights (timm's --model-ema); `ema: {}` takes every default. */
const ema = z.strictObject(
  {
    decay: z.number(expected('a number in [0, 1]')).gte(0, expected('a number in [0, 1]')).lte(1, expected('a number in [0, 1]')).default(0.9998),
    warmup: flag().default(true),
    evaluate: z.enum(['ema', 'both'], expected("'ema' or 'both'")).default('both'),
    startStep: nonNegativeInt().default(0),
  },
  expected("ema: { decay?, warmup?, evaluate?: 'ema' | 'both', startStep? }"),
);

const train = z.strictObject(
  {
    epochs: positiveInt(),
    maxSteps: positiveInt().optional(),
    gradAccumulation: positiveInt().default(1),
    clipGradNorm: positiveNumber().optional(),
    evalEvery: z.strictObject({ epochs: positiveInt().optional(), steps: positiveInt().optional() }, expected('{ epochs?, steps? }')).optional(),
    logEvery: positiveInt().default(1),
    ema: ema.optional(),
  },
  expected('train: { epochs, maxSteps?, gradAccumulation?, clipGradNorm?, evalEvery?, logEvery?, ema? }'),
);

const metric = z.union([name('a metric name'), z.looseObject({ name: name('a metric name') })], expected('a metric name or { name, ...options }'));

const checkpoint = z.strictObject(
  { keepBest: flag().default(true), keepLast: flag().default(true), metric: name('a metric key').optional(), mode: direction().optional(), everySteps: positiveInt().optional() },
  expected('checkpoint: { keepBest?, keepLast?, metric?, mode?, everySteps? }'),
);

const earlyStopping = z.strictObject(
  { metric: name('a metric key'), patience: positiveInt(), mode: direction().optional(), minDelta: nonNegativeNumber().optional() },
  expected('earlyStopping: { metric, patience, mode?, minDelta? }'),
);

const logger = z.looseObject({ name: name('a logger name') }, expected('a logger: { name, ...options }'));

/** The whole run config (before `output.dir` gets its name-based default). */
export const runConfigSchema = z.strictObject(
  {
    name: name('a run name').optional(),
    plugins: z.array(name('a plugin module (package name or path)'), expected('a list of plugin modules')).optional(),
    seed: nonNegativeInt('an integer in [0, 2^32) (a u32: the loaders and augmentations seed from it)').max(2 ** 32 - 1, expected('an integer in [0, 2^32) (a u32: the loaders and augmentations seed from it)')).default(0),
    backend: name("'auto' or a backend name").default('auto'),
    backendOptions: z
      .record(name('a backend name'), z.record(z.string(), z.unknown(), expected('an object of that backend\'s options')), expected('backendOptions: { <backend>: { ...options } }'))
      .default(() => ({})),
    model: modelSchema,
    data,
    optimizer,
    schedule: schedule.optional(),
    train,
    metrics: z.array(metric, expected('a list of metrics')).default(() => ['accuracy']),
    checkpoint: checkpoint.prefault({}),
    earlyStopping: earlyStopping.optional(),
    loggers: z.array(logger, expected('a list of loggers')).default(() => [{ name: 'console' }]),
    output: z.strictObject({ dir: name('a directory path').optional() }, expected('output: { dir? }')).prefault({}),
  },
  expected('a run config object'),
);

/** A run config as written (before defaults): what code may pass to `parseRunConfig`. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
