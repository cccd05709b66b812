// Where the console logger writes: a tiny adapter over `process.stdout` (Node, Deno) or
// `console.log` (browsers), so the logger imports nothing platform-specific and tests inject one.

/** A text sink that knows whether it is a terminal. */
export interface TextOutput {
  /** True on an interactive terminal: the logger redraws one progress line in place. */
  readonly isTTY: boolean;
  /** Terminal width, when known; progress lines are cut to fit so `\r` never wraps. */
  readonly columns?: number | undefined;
  /** Writes text as is (the logger adds the newlines). */
  write(text: string): void;
}

/** The part of a Node/Deno `process.stdout` the adapter uses. */
interface StdoutLike {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const isStdoutLike = (value: unknown): value is StdoutLike =>
  typeof value === 'object' && value !== null && typeof (value as Partial<StdoutLike>).write === 'function';

/**
 * The process's standard output where there is one (Node, Deno: `isTTY` and `columns` read live),
 * else `console.log` line by line with `isTTY` false (browsers, workers).
 * @example
 * standardOutput().write('hello\n');
 */
export function standardOutput(): TextOutput {
  const proc: unknown = Reflect.get(globalThis, 'process');
  const stdout: unknown = typeof proc === 'object' && proc !== null ? Reflect.get(proc, 'stdout') : undefined;
  if (isStdoutLike(stdout)) {
    return {
      get isTTY() {
        return stdout.isTTY === true;
      },
      get columns() {
        return stdout.columns;
      },
      write: (text) => void stdout.write(text),
    };
  }
  let pending = '';
  return {
    isTTY: false,
    write(text) {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(line);
    },
  };
}

/**
 * An output that records what it was given, for tests: `text` is everything written.
 * @example
 * const out = memoryOutput({ isTTY: true });
 * out.write('a\rb');   // out.text === 'a\rb'
 */
export function memoryOutput(options: { isTTY: boolean; columns?: number }): TextOutput & { readonly text: string } {
  let text = '';
  return {
    isTTY: options.isTTY,
    columns: options.columns,
    write(chunk) {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}
