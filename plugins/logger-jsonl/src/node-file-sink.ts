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
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | undefined = openSync(path, 'a');
  return {
    append(line) {
      if (fd === undefined) throw new Error(`jsonl logger: ${path} is already closed`);
      const bytes = new TextEncoder().encode(`${line}\n`);
      // NOTE: writeSync may write fewer bytes than asked (a full disk, a pipe); loop until done.
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    },
    close() {
      if (fd === undefined) return;
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
    },
  };
}
