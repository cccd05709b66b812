// Argument checks shared by every viz function: each error names the function, the argument, the value and what was expected.

/** Formats a value for an error message: arrays and typed arrays by length, strings quoted, the rest as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return value.length <= 8 ? `[${value.map(describeValue).join(', ')}]` : `array(${value.length})`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * The error every viz check throws: `fn: arg must be <expected>, got <value>`.
 * @example
 * const e = argError('encodePng', 'width', 0, 'a positive integer');
 * e.message; // "encodePng: width must be a positive integer, got 0"
 */
export function argError(fn: string, arg: string, value: unknown, expected: string): RangeError {
  return new RangeError(`${fn}: ${arg} must be ${expected}, got ${describeValue(value)}`);
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInt(fn: string, arg: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 1 ? 'a positive integer' : `an integer >= ${min}`) : `an integer in [${min}, ${max}]`;
    throw argError(fn, arg, value, range);
  }
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkRange(fn: string, arg: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) throw argError(fn, arg, value, `a number in [${min}, ${max}]`);
}
