// Reads a provider's plain-data config (part options in a run config): every error names the
// provider, the field, the value and what was expected, so a typo in a YAML file points at itself.

/** A config object as a provider receives it (the registry name may ride along under `name`). */
export type RawOptions = { readonly [option: string]: unknown };

/** Typed accessors over one provider's config; each throws a RangeError that names the field. */
export interface OptionReader {
  /** An integer ≥ `min`, or `fallback` when the field is absent (no fallback: required). */
  int(field: string, fallback: number | undefined, min: number): number;
  /** A finite number in [min, max], or `fallback` when absent. */
  number(field: string, fallback: number, min: number, max?: number): number;
  /** One of `values`, or `fallback` when absent. */
  oneOf<const V extends string>(field: string, fallback: V, values: readonly V[]): V;
  /** A non-empty string, `fallback` when absent. */
  string<F extends string | undefined>(field: string, fallback: F): string | F;
}

const show = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value)));

/**
 * Checks that `config` holds only `known` fields (plus `name`, the registry name every part
 * config carries) and returns typed readers for them.
 * @example
 * const o = readOptions('spirals', { arms: 4 }, ['arms']);
 * o.int('arms', 3, 2);   // 4
 */
export function readOptions(owner: string, config: RawOptions, known: readonly string[]): OptionReader {
  const allowed = ['name', ...known];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) throw new RangeError(`${owner}: unknown option '${key}' (known: ${allowed.join(', ')})`);
  }
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new RangeError(`${owner}: ${field} must be ${expected}, got ${show(value)}`);
  };
  return {
    int(field, fallback, min) {
      const v = config[field] ?? fallback;
      return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fail(field, `an integer ≥ ${min}`, v);
    },
    number(field, fallback, min, max = Number.POSITIVE_INFINITY) {
      const v = config[field] ?? fallback;
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `in [${min}, ${max}]`;
      return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(field, `a number ${range}`, v);
    },
    oneOf(field, fallback, values) {
      const v = config[field] ?? fallback;
      const found = values.find((x) => x === v);
      return found ?? fail(field, `one of ${values.map(show).join(', ')}`, v);
    },
    string(field, fallback) {
      const v = config[field];
      if (v === undefined) return fallback;
      return typeof v === 'string' && v !== '' ? v : fail(field, 'a non-empty string', v);
    },
  };
}
