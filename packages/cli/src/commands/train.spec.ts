// The resume hint `crossmodal train` prints after Ctrl-C: the same config and overrides, quoted for the shell.
import { describe, expect, it } from 'vitest';
import { resumeCommand } from './train.ts';

describe('resumeCommand', () => {
  it('repeats every override (--backend as backend=…) so the resumed run has the same config', () => {
    const command = { kind: 'train', config: 'run.yaml', overrides: ['optimizer.lr=1e-3', 'train.epochs=300', 'backend=native'] } as const;
    expect(resumeCommand(command, 'runs/x/checkpoints/interrupt')).toBe(
      'crossmodal train run.yaml --set optimizer.lr=1e-3 --set train.epochs=300 --set backend=native --resume runs/x/checkpoints/interrupt',
    );
  });

  it('quotes words the shell would split or expand', () => {
    const command = { kind: 'train', config: 'my runs/a.yaml', overrides: ['name=it\'s', 'data.train.transforms=[flip, {name: x}]'] } as const;
    expect(resumeCommand(command, 'out/ck pt')).toBe(
      `crossmodal train 'my runs/a.yaml' --set 'name=it'\\''s' --set 'data.train.transforms=[flip, {name: x}]' --resume 'out/ck pt'`,
    );
  });
});
