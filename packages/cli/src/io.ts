// What commands need from the process, as one injectable value: output streams, environment,
// working directory, Ctrl-C and exit. `processIo()` is the real one (Node, and Deno through its
// `process` global); specs pass a recording fake.

/** The process as the commands see it. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Environment variables (CROSSMODAL_DEBUG). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths on the command line resolve against. */
  readonly cwd: string;
  /** Calls `handler` on each SIGINT (Ctrl-C) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process now with `code` (the second Ctrl-C). */
  exit(code: number): void;
}

/** The running process's streams, environment, signals and exit. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => void process.off('SIGINT', handler);
    },
    exit: (code) => process.exit(code),
  };
}
