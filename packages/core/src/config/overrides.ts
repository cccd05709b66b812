// `--set path=value` overrides: dotted paths into the raw config (before validation), values
// parsed as JSON when they parse (numbers, booleans, arrays, objects), else taken as strings.
import { ConfigError } from './config-error.ts';

/** Keys that would reach Object.prototype; never valid in a config. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** `1e-3` → 0.001, `true` → true, `[1,2]` → [1, 2], `adamw` → 'adamw'. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sets `value` at `segments` inside `root`, creating objects on the way; returns an error line or undefined. */
function setAt(root: Container, segments: readonly string[], value: unknown, override: string): string | undefined {
  let node: Container = root;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(node) && !/^\d+$/.test(segment)) {
      return `--set '${override}': ${segments.slice(0, i).join('.')} is a list, so '${segment}' must be an index (0, 1, …)`;
    }
    const key = Array.isArray(node) ? Number(segment) : segment;
    if (last) {
      Reflect.set(node, key, value);
      return undefined;
    }
    let next: unknown = Reflect.get(node, key);
    if (next === undefined) Reflect.set(node, key, (next = {}));
    if (!isContainer(next)) {
      return `--set '${override}': ${segments.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object, so it has no '${segments[i + 1]}'`;
    }
    node = next;
  }
  return undefined;
}

/**
 * Applies `path=value` overrides to a copy of a raw config. Every malformed override (no `=`,
 * an empty path segment, a path through a scalar) is reported at once in a ConfigError.
 * @example
 * applyOverrides({ optimizer: { lr: 1 } }, ['optimizer.lr=1e-3', 'loggers=[{"name":"jsonl"}]']);
 * // { optimizer: { lr: 0.001 }, loggers: [{ name: 'jsonl' }] }
 */
export function applyOverrides(raw: unknown, overrides: readonly string[]): unknown {
  if (overrides.length === 0) return raw;
  const root = raw === undefined || raw === null ? {} : structuredClone(raw);
  if (!isContainer(root) || Array.isArray(root)) {
    throw new ConfigError('--set', [`--set: got a config of ${JSON.stringify(raw)}, expected an object to apply overrides to`]);
  }
  const problems: string[] = [];
  for (const override of overrides) {
    const eq = override.indexOf('=');
    const segments = eq > 0 ? override.slice(0, eq).split('.') : [];
    if (eq <= 0 || segments.some((s) => s.trim() === '')) {
      problems.push(`--set '${override}': expected <path>=<value> with a dotted path, e.g. optimizer.lr=1e-3`);
      continue;
    }
    const bad = segments.find((s) => FORBIDDEN.has(s));
    if (bad !== undefined) {
      problems.push(`--set '${override}': '${bad}' is not a config key`);
      continue;
    }
    const error = setAt(root, segments, parseValue(override.slice(eq + 1)), override);
    if (error !== undefined) problems.push(error);
  }
  if (problems.length > 0) throw new ConfigError('--set', problems);
  return root;
}
