// Buffers pooled by size class (powers of two ≥ 256 bytes), so a training step reuses the
// allocations of the previous one instead of creating buffers per op.

/** Size class of a request: the next power of two, at least 256 bytes. */
export const sizeClass = (bytes: number): number => Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));

/** Free buffers by size class for one usage; counts what it holds. */
export class BufferPool {
  readonly #free = new Map<number, GPUBuffer[]>();
  #live = 0;
  #liveBytes = 0;
  #pooledBytes = 0;

  constructor(private readonly device: GPUDevice, private readonly usage: GPUBufferUsageFlags, private readonly label: string) {}

  /** A buffer of at least `bytes` (its size is the size class). */
  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused) this.#pooledBytes -= size;
    this.#live++;
    this.#liveBytes += size;
    return reused ?? this.device.createBuffer({ size, usage: this.usage, label: `${this.label}/${size}` });
  }

  /** Returns a buffer for reuse (GPU work already queued with it still runs first: queue order). */
  release(buffer: GPUBuffer): void {
    const list = this.#free.get(buffer.size) ?? [];
    list.push(buffer);
    this.#free.set(buffer.size, list);
    this.#live--;
    this.#liveBytes -= buffer.size;
    this.#pooledBytes += buffer.size;
  }

  /** Buffers handed out and not released, their bytes, and bytes held free in the pool. */
  stats(): { live: number; liveBytes: number; pooledBytes: number } {
    return { live: this.#live, liveBytes: this.#liveBytes, pooledBytes: this.#pooledBytes };
  }

  /** Destroys every free buffer (live ones belong to their holders). */
  drain(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
