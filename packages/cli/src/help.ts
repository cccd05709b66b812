// The help text: one overview and one page per command. Kept as data so the spec checks it names
// every command and flag the parser accepts.
import type { CommandName } from './args.ts';

/** `crossmodal --help`. */
export const OVERVIEW = `crossmodal — train and study attention models from a run config

Usage:
  crossmodal train <config> [--set path=value]... [--resume <checkpoint>] [--backend <name>]
  crossmodal eval <config> --checkpoint <checkpoint> [--set path=value]... [--backend <name>]
  crossmodal list [<config>]
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

Evaluates a checkpoint on the config's data.eval split with the config's metrics, prints the
metrics, and writes them as JSON to eval-<kind>.json in the run's directory (the
checkpoint <run>/checkpoints/<kind> gives <run>/eval-<kind>.json).
`,
  list: `Usage: crossmodal list [<config>]

Prints every registered model preset, encoder, fusion module, head, dataset, logger, metric and
backend with the plugin that provides it: the built-in plugins, or the plugins <config> names.
`,
};
