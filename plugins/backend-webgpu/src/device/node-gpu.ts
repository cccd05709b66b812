// The Node adapter: Dawn's `webgpu` package. Node-only; imported lazily by acquire.ts.
import { create, globals } from 'webgpu';

// NOTE: the object create() returns must stay referenced for the whole process: if V8 collects
// it while a device is in use, Dawn crashes (segfault or futex abort in ProcessEvents). It lives
// on globalThis, once per process, and is never released.
const holder = globalThis as typeof globalThis & { __crossmodalDawnGpu?: GPU };

/** The process-wide GPU object of Dawn's Node binding (created on first use). */
export async function nodeGpu(): Promise<GPU> {
  if (!holder.__crossmodalDawnGpu) {
    // WebGPU's constants (GPUBufferUsage…) as globals, as in a browser.
    const scope = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(globals)) if (!(k in scope)) scope[k] = v;
    holder.__crossmodalDawnGpu = create([]);
  }
  return holder.__crossmodalDawnGpu;
}
