// The file sink (Node and Deno, through node:fs): one write(2) per line on a descriptor opened for
// appending, so another process reading the file sees every line as soon as the event happened.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LineSink } from './line-sink.ts';

/**
 * Opens `path` for appending (creating its directory), returning a sink that writes each line
 * straight through (no user-space buffer) and fsyncs on close.
 * @example
 * const sink = openFileSink('runs/x/events.jsonl');
 * sink.append('{"type":"run-start"}');
 * sink.close();
 */
export function openFileSink(path: string): LineSink {
  let fd: number | undefined = failingWith(`cannot open '${path}' for appending`, () => {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a');
  });
  return {
    append(line) {
      if (fd === undefined) throw new Error(`jsonl logger: ${path} is already closed`);
      const bytes = new TextEncoder().encode(`${line}\n`);
      const at = fd;
      // NOTE: writeSync may write fewer bytes than asked (a full disk, a pipe); loop until done.
      failingWith(`cannot write to '${path}'`, () => {
        for (let off = 0; off < bytes.length; ) off += writeSync(at, bytes, off, bytes.length - off);
      });
    },
    close() {
      if (fd === undefined) return;
      const at = fd;
      fd = undefined;
      failingWith(`cannot flush and close '${path}'`, () => {
        try {
          fsyncSync(at);
        } finally {
          closeSync(at);
        }
      });
    },
  };
}

/** Runs `io`, turning a failure into an error that names the file and the OS's reason (EACCES, ENOSPC…). */
function failingWith<T>(what: string, io: () => T): T {
  try {
    return io();
  } catch (error) {
    throw new Error(`jsonl logger: ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
