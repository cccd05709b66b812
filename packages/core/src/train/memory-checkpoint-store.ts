// A CheckpointStore in memory: the same encoded files as on disk, kept in a Map (tests, browsers).
import type { Backend } from '@crossmodal/tensor';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointData, type CheckpointKind, type CheckpointStore } from './checkpoint.ts';

/**
 * Keeps each kind's latest checkpoint as encoded bytes under `memory:<kind>`.
 * @example
 * const store = new MemoryCheckpointStore();
 * const pipeline = createPipeline(runtime, config, { checkpoints: store });
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #files = new Map<string, ReadonlyMap<string, Uint8Array>>();

  /** Locations saved so far. */
  locations(): string[] {
    return [...this.#files.keys()];
  }

  /** The file names of the checkpoint at `location`, in the order they were written. */
  files(location: string): string[] {
    return [...(this.#files.get(location)?.keys() ?? [])];
  }

  /** Encodes the checkpoint and keeps its files under `memory:<kind>`, replacing that kind's previous one. */
  async save(kind: CheckpointKind, data: CheckpointData): Promise<string> {
    const files = await encodeCheckpoint(data);
    const location = `memory:${kind}`;
    this.#files.set(location, new Map(files.map((f) => [f.name, f.bytes])));
    return location;
  }

  /** Decodes the checkpoint kept at `location`. */
  async load(location: string, options: { backend?: Backend } = {}): Promise<CheckpointData> {
    const files = this.#files.get(location);
    if (!files) throw new Error(`MemoryCheckpointStore: no checkpoint at '${location}' (saved: ${this.locations().join(', ') || 'none'})`);
    const read = async (name: string): Promise<Uint8Array> => {
      const bytes = files.get(name);
      if (!bytes) throw new Error(`MemoryCheckpointStore: checkpoint '${location}' has no file '${name}'`);
      return bytes;
    };
    return decodeCheckpoint(read, location, options.backend);
  }
}

/**
 * Run files kept in memory (tests, browsers): a MemoryCheckpointStore and the resolved config.
 * @example
 * const files = memoryRunFiles();
 * await createPipeline(runtime, config, { files }).run();
 * files.config;   // the resolved config the run wrote
 */
export function memoryRunFiles(): { readonly checkpoints: MemoryCheckpointStore; readonly config: unknown; writeConfig(config: unknown): Promise<string> } {
  let written: unknown;
  return {
    checkpoints: new MemoryCheckpointStore(),
    get config() {
      return written;
    },
    writeConfig: async (config) => {
      written = structuredClone(config);
      return 'memory:resolved-config.json';
    },
  };
}
