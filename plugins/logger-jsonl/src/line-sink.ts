// Where JSONL lines go: a minimal sink contract, so the logger itself stays free of platform code
// (the Node/Deno file sink lives in node-file-sink.ts; a browser could append to IndexedDB).

/** An append-only line destination. */
export interface LineSink {
  /** Appends one line (the sink adds the newline) and hands it to the OS before returning. */
  append(line: string): void;
  /** Flushes to stable storage and releases the destination. */
  close(): void;
}

/** Opens a sink for a path (the file sink by default; tests pass an in-memory one). */
export type OpenSink = (path: string) => LineSink;
