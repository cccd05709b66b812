// A recording CliIo for the specs: captured stdout/stderr, a Ctrl-C trigger and a recorded exit.
import type { CliIo } from './io.ts';

/** A CliIo whose output is kept, whose Ctrl-C is `interrupt()`, and whose `exit` is recorded. */
export interface RecordingIo extends CliIo {
  readonly out: string[];
  readonly err: string[];
  readonly exits: number[];
  /** Delivers one Ctrl-C to the current handler. */
  interrupt(): void;
}

/** A fresh recording io in `cwd`. */
export function recordingIo(cwd: string, env: Record<string, string> = {}): RecordingIo {
  const handlers = new Set<() => void>();
  const io: RecordingIo = {
    out: [],
    err: [],
    exits: [],
    env,
    cwd,
    stdout: (text) => void io.out.push(text),
    stderr: (text) => void io.err.push(text),
    onInterrupt(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    exit: (code) => void io.exits.push(code),
    interrupt: () => handlers.forEach((h) => h()),
  };
  return io;
}
