// The WebGPU backend: storage in pooled GPU buffers, dispatches recorded into one command encoder
// and submitted in batches, readback only when user code asks for data.
import { kernelTable, type AnyKernel, type Backend, type DType, type TypedArray } from '@crossmodal/tensor';
import type { AcquiredDevice } from './device/acquire.ts';
import { BufferPool } from './buffer-pool.ts';
import { packMeta, type MetaWord, type WgslProgram } from './program.ts';
import { resolveSettings, type WebGpuSettings } from './settings.ts';

/** The id kernels of this backend are registered under. */
export const WEBGPU = 'webgpu';

/** A tensor's data on the GPU: a pooled buffer (its size is a size class ≥ the data). */
export class GpuStorage {
  constructor(readonly buffer: GPUBuffer, readonly bytes: number) {}
}

/** Submit after this many recorded dispatches (bounded command buffers, steady progress). */
const DISPATCHES_PER_SUBMIT = 64;

/** The WebGPU backend over one device. */
export class WebGpuBackend implements Backend<GpuStorage> {
  readonly id = WEBGPU;
  readonly kernels: ReadonlyMap<string, AnyKernel>;
  readonly device: GPUDevice;
  readonly #storage: BufferPool;
  readonly #uniforms: BufferPool;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  #encoder: GPUCommandEncoder | null = null;
  #recorded = 0;
  #uniformsInFlight: GPUBuffer[] = [];
  #stagingInFlight: GPUBuffer[] = [];
  #errors: string[] = [];
  #lost: string | null = null;
  /** Resolves with the reason if the device is lost (the training pipeline reports it on the bus). */
  readonly lost: Promise<string>;

  /** Precision and tuning the kernels read (f16 matmul operands, the row-reduction strategy). */
  readonly settings: WebGpuSettings;

  constructor(readonly acquired: AcquiredDevice, kernels: readonly AnyKernel[], settings?: WebGpuSettings) {
    this.device = acquired.device;
    this.settings = settings ?? resolveSettings({}, { ...acquired, features: acquired.device.features });
    this.kernels = kernelTable(WEBGPU, kernels);
    const U = GPUBufferUsage;
    this.#storage = new BufferPool(this.device, U.STORAGE | U.COPY_SRC | U.COPY_DST, 'storage');
    this.#uniforms = new BufferPool(this.device, U.UNIFORM | U.COPY_DST, 'meta');
    // No silent failures: a validation or out-of-memory error surfaces at the next read or sync.
    this.device.addEventListener('uncapturederror', (e: Event) => {
      const error = (e as Event & { error?: GPUError }).error;
      this.#errors.push(`${error?.constructor.name ?? 'GPUError'}: ${error?.message ?? 'unknown error'}`);
    });
    this.lost = this.device.lost.then((info) => {
      this.#lost = `${info.reason}: ${info.message}`;
      // Our own destroy() is not a loss worth reporting: that promise never settles.
      return info.reason === 'destroyed' ? new Promise<string>(() => {}) : this.#lost;
    });
  }

  /** A zero-initialised-or-not storage of `bytes` (callers write every element). */
  alloc(bytes: number): GpuStorage {
    this.#assertUsable();
    return new GpuStorage(this.#storage.acquire(bytes), bytes);
  }

  upload(data: TypedArray): GpuStorage {
    const s = this.alloc(data.byteLength);
    if (!data.byteLength) return s;
    // NOTE: queue.writeBuffer would run before commands still in the open encoder, which may read
    // this pooled buffer's previous contents; a staging copy recorded in the encoder keeps the
    // order without submitting (uploads of scalars happen many times per training step).
    const size = Math.ceil(data.byteLength / 4) * 4;
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    staging.unmap();
    this.#encoderFor().copyBufferToBuffer(staging, 0, s.buffer, 0, size);
    this.#stagingInFlight.push(staging);
    if (++this.#recorded >= DISPATCHES_PER_SUBMIT) this.flush();
    return s;
  }

  fill(dtype: DType, size: number, value: number): GpuStorage {
    if (value === 0) {
      const s = this.alloc(size * 4);
      this.#encoderFor().clearBuffer(s.buffer);
      return s;
    }
    const host = dtype === 'float32' ? new Float32Array(size).fill(value) : new Int32Array(size).fill(value);
    return this.upload(host);
  }

  async read(storage: GpuStorage, dtype: DType, size: number): Promise<TypedArray> {
    const bytes = size * 4;
    const staging = this.device.createBuffer({ size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    if (bytes) this.#encoderFor().copyBufferToBuffer(storage.buffer, 0, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      this.#assertUsable();
      const copy = staging.getMappedRange().slice(0, bytes);
      staging.unmap();
      return dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
    } finally {
      staging.destroy();
    }
  }

  release(storage: GpuStorage): void {
    this.#storage.release(storage.buffer);
  }

  /** Submits recorded work and waits for the GPU to finish it; throws any error the device reported. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.#assertUsable();
  }

  /** Submits the commands recorded so far. */
  flush(): void {
    if (!this.#encoder) return;
    this.device.queue.submit([this.#encoder.finish()]);
    this.#encoder = null;
    this.#recorded = 0;
    const uniforms = this.#uniformsInFlight;
    const staging = this.#stagingInFlight;
    this.#uniformsInFlight = [];
    this.#stagingInFlight = [];
    if (staging.length) void this.device.queue.onSubmittedWorkDone().then(() => staging.forEach((b) => b.destroy()));
    // Meta buffers go back to the pool once the GPU is done with the submission that read them.
    if (uniforms.length) void this.device.queue.onSubmittedWorkDone().then(() => uniforms.forEach((u) => this.#uniforms.release(u)));
  }

  /**
   * Records one dispatch of `program`: inputs then outputs bound in order, then the meta block.
   * The pipeline is compiled once per program key per device.
   */
  run(program: WgslProgram, inputs: readonly GpuStorage[], outputs: readonly GpuStorage[], meta: readonly MetaWord[], groups: readonly [number, number, number]): void {
    this.#assertUsable();
    const pipeline = this.#pipeline(program);
    const words = packMeta(meta, program.metaWords);
    const uniform = this.#uniforms.acquire(words.byteLength);
    this.device.queue.writeBuffer(uniform, 0, words);
    this.#uniformsInFlight.push(uniform);
    const entries: GPUBindGroupEntry[] = [...inputs, ...outputs].map((s, binding) => ({ binding, resource: { buffer: s.buffer } }));
    entries.push({ binding: entries.length, resource: { buffer: uniform, size: words.byteLength } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.#encoderFor().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    if (groups[0] > 0 && groups[1] > 0 && groups[2] > 0) pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    pass.end();
    if (++this.#recorded >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** Buffers in use and pooled (the leak tests watch these). */
  poolStats(): { live: number; liveBytes: number; pooledBytes: number; pipelines: number } {
    return { ...this.#storage.stats(), pipelines: this.#pipelines.size };
  }

  /** Waits for submitted work, frees pooled buffers and destroys the device. */
  async destroy(): Promise<void> {
    if (!this.#lost) await this.sync().catch(() => undefined);
    this.#storage.drain();
    this.#uniforms.drain();
    this.device.destroy();
  }

  #pipeline(program: WgslProgram): GPUComputePipeline {
    let p = this.#pipelines.get(program.key);
    if (!p) {
      const module = this.device.createShaderModule({ code: program.source, label: program.key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: program.key });
      this.#pipelines.set(program.key, p);
    }
    return p;
  }

  #encoderFor(): GPUCommandEncoder {
    return (this.#encoder ??= this.device.createCommandEncoder());
  }

  #assertUsable(): void {
    if (this.#lost) throw new Error(`webgpu: the device was lost (${this.#lost}); create a new backend`);
    if (this.#errors.length) {
      const errors = this.#errors.splice(0);
      throw new Error(`webgpu: the device reported ${errors.length} error(s): ${errors.join('; ')}`);
    }
  }
}
