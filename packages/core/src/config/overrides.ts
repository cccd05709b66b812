// `--set path=value` overrides: dotted paths into the raw config (before validation), values
// parsed as YAML, exactly as the same text after `key: ` in a config file (numbers such as `.001`
// and `1e-3`, booleans, `null`, flow lists `[1, 2]` and maps `{x: 1}`, else strings).
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error.ts';

/** Keys that would reach Object.prototype; never valid in a config. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * `.001` → 0.001, `1e-3` → 0.001, `true` → true, `[1,2]` → [1, 2], `{x: 1}` → { x: 1 }, `adamw` → 'adamw'.
 * Parsed with the `yaml` package and the options `parseConfigText` reads config files with (YAML 1.2
 * core schema, duplicate keys rejected), so a value means the same on the command line as in a file.
 * Returns the value, or an error line naming the override.
 */
function parseValue(text: string, override: string): { value: unknown } | { error: string } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) return { error: `--set '${override}': the value is not valid YAML (${syntax.message.split('\n')[0]}); quote it to pass a string` };
  try {
    return { value: doc.toJS() };
  } catch (error) {
    return { error: `--set '${override}': the value is not valid YAML (${error instanceof Error ? error.message : String(error)}); quote it to pass a string` };
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
    if (Array.isArray(node) && Number(key) > node.length) {
      const list = segments.slice(0, i).join('.');
      const replace = node.length === 0 ? '' : `${node.length === 1 ? '0' : `0 to ${node.length - 1}`} to replace an entry, or `;
      return `--set '${override}': index ${segment} is out of range for ${list}, a list of ${node.length} (use ${replace}${node.length} to append one)`;
    }
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
 * an empty path segment, a path through a scalar, a list index past the end, a value that is not
 * valid YAML) is reported at once in a ConfigError.
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
    const parsed = parseValue(override.slice(eq + 1), override);
    const error = 'error' in parsed ? parsed.error : setAt(root, segments, parsed.value, override);
    if (error !== undefined) problems.push(error);
  }
  if (problems.length > 0) throw new ConfigError('--set', problems);
  return root;
}

/** `optimizer.lr`, `loggers[0].name` (as issue lines print paths) → `optimizer.lr`, `loggers.0.name`. */
const dotted = (path: string): string => path.replace(/\[(\d+)\]/g, '.$1');

/**
 * Marks each line of a validation ConfigError whose path an override set (the override's path, or
 * a path inside it) as coming from `--set`: `run.yaml: optimizer.lr: got …` becomes
 * `run.yaml (with --set optimizer.lr=.001): optimizer.lr: got …`, so the user does not look for the
 * value in the file. Other lines, and errors with no overrides, are returned unchanged.
 */
export function tagOverriddenIssues(error: ConfigError, overrides: readonly string[]): ConfigError {
  if (overrides.length === 0) return error;
  const prefix = `${error.source}: `;
  const issues = error.issues.map((line) => {
    if (!line.startsWith(prefix)) return line;
    const path = dotted(line.slice(prefix.length).split(': ', 1)[0]!);
    const setters = overrides.filter((o) => {
      const target = o.slice(0, Math.max(o.indexOf('='), 0));
      return target !== '' && (path === target || path.startsWith(`${target}.`));
    });
    return setters.length === 0 ? line : `${error.source} (with ${setters.map((o) => `--set ${o}`).join(', ')}): ${line.slice(prefix.length)}`;
  });
  return new ConfigError(error.source, issues);
}
