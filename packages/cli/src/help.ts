// The help text: one overview and one page per command. Kept as data so the spec checks it names
// every command and flag the parser accepts.
import type { CommandName } from './args.ts';

/** `crossmodal --help`. */
export const OVERVIEW = `crossmodal — train and study attention models from a run config

Usage:
  crossmodal train <config> [--set path=value]... [--resume <checkpoint>] [--backend <name>]
  crossmodal eval <config> --checkpoint <checkpoint> [--set path=value]... [--backend <name>]
  crossmodal list [<config>]
  crossmodal attention <checkpoint> (--index <n> | --image <file.png>) [--out <dir>] [--split <name>]
  crossmodal average <checkpoint>... --out <dir> [--greedy] [--config <run.yaml>]
  crossmodal pos-embed <checkpoint> [--out <file.png>]
  crossmodal curves <run-dir | events.jsonl>... [--labels a,b] [--out <file.png>] [--json <file.json>]
  crossmodal import <checkpoint.{pth,pt,bin,safetensors}> (--model <preset> | --config <run.yaml>) --out <dir>
  crossmodal help [<command>] | --help | --version

A config (.yaml, .yml or .json) names its model, data, optimizer, loggers and the plugins that
provide them (\`plugins:\`, package names or paths relative to the config file; default: the
built-in set, @crossmodal/preset-default).

Exit codes: 0 ok, 1 the run failed, 2 bad usage or config, 130 stopped by Ctrl-C.
Set CROSSMODAL_DEBUG=1 to print stack traces.
`;

/** Per-command help. */
export const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  train: `Usage: crossmodal train <config> [--set path=value]... [--resume <checkpoint>] [--backend <name>]

Trains the model the config describes, writing checkpoints (best, last), the resolved config and
the loggers' files under the config's output.dir.

  --set path=value     override a config field before validation (repeatable):
                       --set optimizer.lr=1e-3 --set train.epochs=2 --set 'loggers=[{"name":"jsonl"}]'
  --resume <dir>       continue from a checkpoint directory (…/checkpoints/last or …/interrupt)
  --backend <name>     force a backend (same as --set backend=<name>); 'auto' picks the fastest

Ctrl-C once: finish the current step, write an interrupt checkpoint, exit 130.
Ctrl-C twice: exit at once.
`,
  eval: `Usage: crossmodal eval <config> --checkpoint <checkpoint> [--set path=value]... [--backend <name>]
                       [--weights trained|ema]

Evaluates a checkpoint on the config's data.eval split with the config's metrics, prints the
metrics, and writes them as JSON to eval-<kind>.json in the run's directory (the
checkpoint <run>/checkpoints/<kind> gives <run>/eval-<kind>.json; eval-<kind>-ema.json for ema).

  --weights <which>    trained (default: model.safetensors) or ema: the moving average of the
                       weights a run with train.ema saved beside them (ema.safetensors)
`,
  list: `Usage: crossmodal list [<config>] [--set path=value]... [--backend <name>]

Prints every registered model preset, encoder, fusion module, head, dataset, logger, metric and
backend with the plugin that provides it: the built-in plugins, or the plugins <config> names
(--set and --backend apply to <config> as for train).
`,
  attention: `Usage: crossmodal attention <checkpoint> (--index <n> | --image <file.png>) [--out <dir>] [--split <name>]
                            [--config <run.yaml>] [--set path=value]... [--backend <name>] [--weights trained|ema]

Runs the checkpoint's model on one image with attention probabilities and writes PNGs:
  layer<L>-head<H>.png   the class token's attention of head H in layer L, over the image
  layer<L>-mean.png      the mean of layer L's heads
  rollout-<f>.png        attention rollout (Abnar & Zuidema 2020) with head fusion f = mean, max, min
  sheet.png              all of them on one sheet, with the input
The image is shown min-max stretched (inputs are often normalised) and scaled up to ≥ 112 px.
It prints what a classifier made of the image: its top three classes with their probabilities, and
the label with whether the prediction is right (--index), by the dataset's class names; the sheet's
title says the same.

  --index <n>          example n of the run config's data.eval split
  --image <file.png>   a PNG instead: converted to the model's channels, its shorter side resized to
                       the model's imageSize and centre-cropped (an eval pipeline's Resize + CenterCrop),
                       pixels 0..255 mapped onto the eval data's value range (as its normalisation)
  --out <dir>          where the PNGs go (default <run>/attention/<n or image name>)
  --split <name>       take --index from this split of the eval dataset instead (e.g. train)
  --config <file>      the run config (default: resolved-config.json in the checkpoint or its run)
  --set, --backend     as for train, applied to that config
  --weights <which>    trained (default: model.safetensors) or ema: the moving average of the
                       weights a run with train.ema saved beside them (ema.safetensors) (default --out: …/<n>-ema)

Models that return no attention maps (e.g. mlp-spirals) are refused with their name.
`,
  average: `Usage: crossmodal average <checkpoint>... --out <dir> [--greedy] [--config <run.yaml>]
                          [--set path=value]... [--backend <name>] [--weights trained|ema]

Averages the weights of checkpoints of one architecture ("model soups", Wortsman et al. 2022) and
writes the soup as a checkpoint directory that eval, attention and pos-embed accept (with the
first checkpoint's step and resolved config; its optimizer state is empty). Checkpoints whose keys
or shapes differ are refused with every mismatch listed.

  --out <dir>          the new checkpoint directory
  --greedy             the greedy soup: rank the checkpoints by their recorded metric (evaluating
                       those without one), then add each in turn, keeping it only when the soup's
                       score on data.eval does not drop; prints every score and which were kept
  --config <file>      the run config whose data.eval and first metric score the soups (default:
                       the first checkpoint's resolved-config.json)
  --set, --backend     as for train, applied to that config
  --weights <which>    trained (default: model.safetensors) or ema: the moving average of the
                       weights a run with train.ema saved beside them (ema.safetensors); the soup of averages is written as the
                       new checkpoint's model.safetensors
`,
  'pos-embed': `Usage: crossmodal pos-embed <checkpoint> [--out <file.png>] [--weights trained|ema]

Writes the position-embedding similarity sheet (ViT paper, Fig. 7): for every patch position, the
cosine similarity of its learned embedding with every other position's, as one tile of the grid.
Reads the parameter whose name ends in pos_embed ([1, prefix + g², D]; the grid g and the prefix
tokens are inferred). A checkpoint without one is refused.

  --out <file.png>     default <run>/pos-embed.png (pos-embed-ema.png for --weights ema)
  --weights <which>    trained (default: model.safetensors) or ema: the moving average of the
                       weights a run with train.ema saved beside them (ema.safetensors)
`,
  curves: `Usage: crossmodal curves <run-dir | events.jsonl>... [--labels a,b,...] [--smoothing <w>]
                         [--max-step <n>] [--out <file.png>] [--json <file.json>]

One run: plots its training curves from its JSONL event log (the jsonl logger): train loss per
step, and the eval metrics (loss and accuracy panels) per evaluation.
Several runs (e.g. the same config on native and on WebGPU, or ours beside PyTorch's log): one
panel per quantity with a line per run, and, against the first run, how closely each other run's
train loss tracks it over the steps both logged (max |Δ| over the first 50 and over all, mean |Δ|,
the gap of the last 50 steps' means) and the last common evaluation's difference.
Each run's wall time by its log's clock, added up over the processes of a run resumed with
--resume (each process listed with the steps it trained).

  --labels a,b,...     legend labels, one per run (default: the run directories' names)
  --smoothing <w>      EMA weight for the train-loss lines, in [0, 1) (default 0; 0.9 for several runs)
  --max-step <n>       plot only steps ≤ n
  --out <file.png>     default <run>/curves.png (one run) or <first run>/compare.png
  --json <file.json>   also write each run's evaluations as a table: step, every metric, and the
                       mean train loss since the evaluation before (a resumed run's repeated
                       steps count once)
`,
  import: `Usage: crossmodal import <checkpoint.{pth,pt,bin,safetensors}> (--model <preset> | --config <run.yaml>) --out <dir>
                         [--set path=value]... [--num-classes <n>] [--image-size <px>]
                         [--interpolation bicubic|bilinear] [--format auto|<name>] [--key <entry>]

Converts a pretrained checkpoint into a crossmodal checkpoint directory that eval, attention and
pos-embed accept, through the weight importer of the model's plugin (vit: timm and Hugging Face
ViTModel / ViTForImageClassification names). Prints how every key was mapped and writes it to
import-report.json beside the checkpoint; the directory appears only once complete.

  <checkpoint>         a torch.save file (.pth, .pt, .bin; zip format, read without running its
                       pickle code; the state dict at the top or under 'state_dict' / 'model')
                       or a .safetensors file
  --model <preset>     the model the weights go into (sets model.preset)
  --config <file>      a run config to take the model, plugins and data from; it is written as
                       resolved-config.json (without one, --set data.… and optimizer.… make it)
  --set path=value     override a config field, e.g. --set model.encoders.vision.dim=192
  --num-classes <n>    a head for n classes: a checkpoint head of another size is replaced by a
                       freshly initialised one (reported)
  --image-size <px>    the input size: position embeddings are resampled to the new grid
  --interpolation <m>  bicubic (default, as timm) or bilinear resampling
  --format <name>      the checkpoint's naming (default auto: detected from its keys)
  --key <entry>        the .pth entry holding the state dict (e.g. state_dict_ema)
  --out <dir>          the new checkpoint directory (must not exist)

Keys that no rule maps and tensors that do not fit are refused, all of them listed.
`,
};
