// parseArgs: every command's shape, and a message naming the problem for every bad command line.
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';
import { UsageError } from './errors.ts';

describe('parseArgs', () => {
  it('parses train with repeated --set, --resume and --backend (as an override after the others)', () => {
    expect(parseArgs(['train', 'a.yaml', '--set', 'optimizer.lr=1e-3', '--backend=cpu', '--set=train.epochs=2', '--resume', 'runs/a/checkpoints/last'])).toEqual({
      kind: 'train',
      config: 'a.yaml',
      overrides: ['optimizer.lr=1e-3', 'train.epochs=2', 'backend=cpu'],
      resume: 'runs/a/checkpoints/last',
    });
  });

  it('parses eval with its checkpoint and list with or without a config', () => {
    expect(parseArgs(['eval', 'a.json', '--checkpoint', 'ck'])).toEqual({ kind: 'eval', config: 'a.json', checkpoint: 'ck', overrides: [] });
    expect(parseArgs(['list'])).toEqual({ kind: 'list', overrides: [] });
    expect(parseArgs(['list', 'a.yaml'])).toEqual({ kind: 'list', config: 'a.yaml', overrides: [] });
  });

  it('answers help and version in every spelling', () => {
    expect([[], ['--help'], ['-h'], ['help']].map((a) => parseArgs(a))).toEqual(Array(4).fill({ kind: 'help' }));
    expect(parseArgs(['help', 'train'])).toEqual({ kind: 'help', topic: 'train' });
    expect(parseArgs(['eval', '--help'])).toEqual({ kind: 'help', topic: 'eval' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['fit', 'a.yaml'], "unknown command 'fit' (commands: train, eval, list; see crossmodal --help)"],
    [['train'], 'train: missing <config> (usage: crossmodal train <config>)'],
    [['train', 'a.yaml', 'b.yaml'], "train: unexpected argument 'b.yaml' (usage: crossmodal train <config>)"],
    [['train', 'a.yaml', '--lr', '1'], "train: unknown option '--lr' (options: --set, --resume, --backend, --help)"],
    [['train', 'a.yaml', '--set'], 'train: --set needs a value'],
    [['train', 'a.yaml', '--resume', 'x', '--resume', 'y'], 'train: --resume given twice'],
    [['eval', 'a.yaml'], 'eval: missing --checkpoint <path> (a checkpoint directory written by train)'],
    [['list', '--checkpoint', 'x'], "list: unknown option '--checkpoint' (options: --set, --backend, --help)"],
    [['help', 'fit'], "help: unknown command 'fit' (commands: train, eval, list)"],
  ])('rejects %j with a UsageError naming the problem', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });
});
