// Exit codes by error type, and the stderr text with and without CROSSMODAL_DEBUG.
import { ConfigError, UnknownNameError } from '@crossmodal/core';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, formatError, PluginLoadError, UsageError } from './errors.ts';

describe('exitCodeOf', () => {
  it('gives 2 for usage, config, plugin and name errors, 1 for anything else', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeOf(new ConfigError('a.yaml', ['a.yaml: seed: got -1, expected an integer ≥ 0']))).toBe(2);
    expect(exitCodeOf(new PluginLoadError('x'))).toBe(2);
    expect(exitCodeOf(new UnknownNameError('model', 'vit-x', ['vit-b16']))).toBe(2);
    expect(exitCodeOf(new RangeError('NaN loss'))).toBe(EXIT.failure);
    expect(exitCodeOf('a string')).toBe(1);
  });
});

describe('formatError', () => {
  it('prefixes the message, indents its further lines, and adds stacks only when debugging', () => {
    const error = new ConfigError('a.yaml', ['a.yaml: seed: got -1, expected an integer ≥ 0', 'a.yaml: data: got nothing, expected data']);
    expect(formatError(error, false)).toBe('crossmodal: a.yaml: seed: got -1, expected an integer ≥ 0\n  a.yaml: data: got nothing, expected data\n');
    const debug = formatError(new Error('outer', { cause: new Error('inner') }), true);
    expect(debug).toMatch(/^crossmodal: outer\nError: outer\n\s+at /);
    expect(debug).toContain('Error: inner');
  });
});
