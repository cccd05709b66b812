// Zod issues → ConfigError lines `<source>: <path>: got <value as JSON>, expected <what>`. The
// value is read from the raw input at the issue's path; unknown keys list the known ones.
import { z } from 'zod';
import { closestName } from '../registry/errors.ts';

type Path = readonly PropertyKey[];

/** `optimizer.lr`, `loggers[0].name`; `(root)` for the whole config. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `${out === '' ? '' : '.'}${String(segment)}`;
  return out === '' ? '(root)' : out;
}

/** The raw value at `path`, or undefined when the path leaves the input. */
function valueAt(raw: unknown, path: Path): unknown {
  let value = raw;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = Reflect.get(value, segment);
  }
  return value;
}

/** JSON of the value, shortened; `nothing` for a missing value. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const text = json ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Optional, default, prefault and pipe wrappers, peeled off. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.out;
    else return s;
  }
}

/** The keys the schema allows for the object at `path` (for unknown-key messages). */
function knownKeysAt(schema: z.core.$ZodType, path: Path): string[] {
  let s: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    const current = unwrap(s);
    if (current instanceof z.ZodObject) s = current.shape[String(segment)];
    else if (current instanceof z.ZodArray) s = current.element;
    else if (current instanceof z.ZodRecord) s = current.valueType;
    else s = undefined;
    if (!s) return [];
  }
  const target = unwrap(s);
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** What was expected: the schema's own text, or a plain rendering of zod's default message. */
function expectedText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) return `a value of type ${issue.expected}`;
  return issue.message;
}

/** One issue (at `prefix` + its path) as ConfigError lines; unions descend into the branch that matched the shape. */
function issueLines(issue: z.core.$ZodIssue, prefix: Path, raw: unknown, schema: z.core.$ZodType, source: string): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, path);
    return issue.keys.map((key) => {
      const close = closestName(key, known);
      const hint = close === undefined ? '' : `did you mean '${close}'? `;
      return `${source}: ${formatPath([...path, key])}: got ${formatValue(valueAt(raw, [...path, key]))}, expected no such key (${hint}known keys: ${known.join(', ')})`;
    });
  }
  if (issue.code === 'invalid_union') {
    // A branch whose issues all sit below this value matched its shape: report those, not "no branch matched".
    const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0));
    if (deeper) return deeper.flatMap((inner) => issueLines(inner, path, raw, schema, source));
  }
  return [`${source}: ${formatPath(path)}: got ${formatValue(valueAt(raw, path))}, expected ${expectedText(issue)}`];
}

/** Every issue as `<source>: <path>: got <value>, expected <what>` lines, in zod's order. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, schema: z.core.$ZodType, source: string): string[] {
  return issues.flatMap((issue) => issueLines(issue, [], raw, schema, source));
}
