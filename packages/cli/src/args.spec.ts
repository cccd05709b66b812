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
    expect(parseArgs(['eval', 'a.json', '--checkpoint', 'ck', '--weights', 'ema'])).toEqual({ kind: 'eval', config: 'a.json', checkpoint: 'ck', overrides: [], weights: 'ema' });
    expect(parseArgs(['list'])).toEqual({ kind: 'list', overrides: [] });
    expect(parseArgs(['list', 'a.yaml'])).toEqual({ kind: 'list', config: 'a.yaml', overrides: [] });
  });

  it('parses the study commands: attention, average (uniform and greedy), pos-embed, curves', () => {
    expect(parseArgs(['attention', 'ck', '--index', '7', '--out', 'o', '--split', 'train', '--set', 'seed=1', '--backend', 'cpu'])).toEqual({
      kind: 'attention', checkpoint: 'ck', index: 7, out: 'o', split: 'train', overrides: ['seed=1', 'backend=cpu'],
    });
    expect(parseArgs(['attention', 'ck', '--image=a.png', '--config', 'run.yaml'])).toEqual({ kind: 'attention', checkpoint: 'ck', image: 'a.png', config: 'run.yaml', overrides: [] });
    expect(parseArgs(['average', 'a', 'b', 'c', '--out', 'soup'])).toEqual({ kind: 'average', checkpoints: ['a', 'b', 'c'], out: 'soup', greedy: false, overrides: [] });
    expect(parseArgs(['average', 'a', '--greedy', 'b', '--out', 'soup', '--config', 'r.yaml'])).toEqual({
      kind: 'average', checkpoints: ['a', 'b'], out: 'soup', greedy: true, config: 'r.yaml', overrides: [],
    });
    expect(parseArgs(['pos-embed', 'ck'])).toEqual({ kind: 'pos-embed', checkpoint: 'ck' });
    expect(parseArgs(['pos-embed', 'ck', '--weights=trained'])).toEqual({ kind: 'pos-embed', checkpoint: 'ck', weights: 'trained' });
    expect(parseArgs(['average', 'a', 'b', '--out', 's', '--weights', 'ema'])).toMatchObject({ kind: 'average', weights: 'ema' });
    expect(parseArgs(['attention', 'ck', '--index', '0', '--weights', 'ema'])).toMatchObject({ kind: 'attention', weights: 'ema' });
    expect(parseArgs(['curves', 'runs/a', '--out', 'c.png'])).toEqual({ kind: 'curves', runs: ['runs/a'], out: 'c.png' });
    expect(parseArgs(['curves', 'runs/a', 'runs/b', '--labels', 'native, webgpu', '--smoothing', '0.8', '--max-step', '300']))
      .toEqual({ kind: 'curves', runs: ['runs/a', 'runs/b'], labels: ['native', 'webgpu'], smoothing: 0.8, maxStep: 300 });
    expect(parseArgs(['import', 'w.pth', '--model', 'vit-b16-384', '--num-classes', '37', '--image-size=384', '--interpolation', 'bilinear', '--format', 'hf', '--key', 'model_ema', '--set', 'seed=1', '--out', 'o'])).toEqual({
      kind: 'import', checkpoint: 'w.pth', out: 'o', model: 'vit-b16-384', numClasses: 37, imageSize: 384, interpolation: 'bilinear', format: 'hf', key: 'model_ema', overrides: ['seed=1'],
    });
  });

  it('answers help and version in every spelling', () => {
    expect([[], ['--help'], ['-h'], ['help']].map((a) => parseArgs(a))).toEqual(Array(4).fill({ kind: 'help' }));
    expect(parseArgs(['help', 'train'])).toEqual({ kind: 'help', topic: 'train' });
    expect(parseArgs(['eval', '--help'])).toEqual({ kind: 'help', topic: 'eval' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['fit', 'a.yaml'], "unknown command 'fit' (commands: train, eval, list, attention, average, pos-embed, curves, import; see crossmodal --help)"],
    [['train'], 'train: missing <config> (usage: crossmodal train <config>)'],
    [['train', 'a.yaml', 'b.yaml'], "train: unexpected argument 'b.yaml' (usage: crossmodal train <config>)"],
    [['train', 'a.yaml', '--lr', '1'], "train: unknown option '--lr' (options: --set, --resume, --backend, --help)"],
    [['train', 'a.yaml', '--set'], 'train: --set needs a value'],
    [['train', 'a.yaml', '--resume', 'x', '--resume', 'y'], 'train: --resume given twice'],
    [['eval', 'a.yaml'], 'eval: missing --checkpoint <path> (a checkpoint directory written by train)'],
    [['list', '--checkpoint', 'x'], "list: unknown option '--checkpoint' (options: --set, --backend, --help)"],
    [['help', 'fit'], "help: unknown command 'fit' (commands: train, eval, list, attention, average, pos-embed, curves, import)"],
    [['attention', 'ck'], 'attention: give exactly one of --index <n> (an example of the eval split) or --image <file.png>'],
    [['attention', 'ck', '--index', '1', '--image', 'a.png'], 'attention: give exactly one of --index <n> (an example of the eval split) or --image <file.png>'],
    [['attention', 'ck', '--index', '-1'], "attention: --index must be a whole number ≥ 0, got '-1'"],
    [['attention', 'ck', '--index', '1.5'], "attention: --index must be a whole number ≥ 0, got '1.5'"],
    [['attention', '--index', '1'], 'attention: missing <checkpoint> (usage: crossmodal attention <checkpoint>)'],
    [['average', '--out', 'soup'], 'average: missing <checkpoint>... (usage: crossmodal average <checkpoint>... --out <dir>)'],
    [['average', 'a', 'b'], 'average: missing --out <dir> (where the averaged checkpoint goes)'],
    [['average', 'a', '--out', 'x', '--greedy=yes'], "average: --greedy takes no value (got '--greedy=yes')"],
    [['average', 'a', '--out', 'x', '--index', '1'], "average: unknown option '--index' (options: --out, --config, --set, --backend, --weights, --greedy, --help)"],
    [['eval', 'a.yaml', '--checkpoint', 'c', '--weights', 'best'], "eval: --weights must be 'trained' (the default) or 'ema' (the moving average of train.ema), got 'best'"],
    [['pos-embed', 'a', 'b'], "pos-embed: unexpected argument 'b' (usage: crossmodal pos-embed <checkpoint>)"],
    [['curves'], 'curves: missing <run-dir | events.jsonl>... (usage: crossmodal curves <run>... [--out <file.png>])'],
    [['curves', 'a', '--smoothing', '1'], "curves: --smoothing must be a number in [0, 1), got '1'"],
    [['curves', 'a', '--max-step', '0'], "curves: --max-step must be a whole number ≥ 1, got '0'"],
    [['import', 'w.pth', '--model', 'vit-tiny'], 'import: missing --out <dir> (where the converted checkpoint goes)'],
    [['import', 'w.pth', '--model', 'vit-tiny', '--out', 'o', '--num-classes', '1.5'], "import: --num-classes must be a whole number ≥ 1, got '1.5'"],
    [['import', 'w.pth', '--model', 'vit-tiny', '--out', 'o', '--interpolation', 'nearest'], "import: --interpolation must be 'bicubic' or 'bilinear', got 'nearest'"],
  ])('rejects %j with a UsageError naming the problem', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });
});
