// TensorFlow.js beside our backends: its webgpu backend on the same Dawn GPU object as ours, its wasm
// backend (XNNPACK) loaded from node_modules, and the gradient registry both need for training.
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { nodeGpu } from '../src/device/node-gpu.ts';

/** One TF.js backend as the suites use it: the tf namespace, its column name, and a full sync. */
export interface TfRuntime {
  readonly tf: typeof TfCore;
  /** The framework column of its records. */
  readonly framework: 'tfjs-webgpu' | 'tfjs-wasm';
  /**
   * Makes this backend TF.js's active one. TF.js has one engine per process and both backends can be
   * loaded in it, so every suite activates its runtime before it makes tensors.
   */
  activate(): Promise<void>;
  /** Returns once every op issued so far has run. */
  sync(): Promise<void>;
}

/** TensorFlow.js with its webgpu backend. */
export interface TfWebGpu extends TfRuntime {
  readonly framework: 'tfjs-webgpu';
  readonly backend: WebGPUBackend;
}

/** TensorFlow.js with its wasm backend. */
export interface TfWasm extends TfRuntime {
  readonly framework: 'tfjs-wasm';
  /** XNNPACK's thread count: 1 in Node, where TF.js's wasm build does not start worker threads. */
  readonly threads: number;
  readonly simd: boolean;
}

/**
 * tfjs-core, with every gradient registered. NOTE: tfjs-core's Node bundle (its `main`) registers no
 * gradients, and its ESM `dist/register_all_gradients.js` does not load in Node (directory imports).
 * The `@tensorflow/tfjs` umbrella's Node bundle registers them all at import, into TF.js's
 * process-global registry that tfjs-core's bundle reads; it also registers its cpu and webgl
 * backends, which we never select (backends are chosen by name below).
 */
async function loadTf(): Promise<typeof TfCore> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs');
  if (!tf.getGradient('BatchMatMul')) throw new Error('TensorFlow.js: importing @tensorflow/tfjs registered no gradients');
  return tf;
}

async function activate(tf: typeof TfCore, name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js: the ${name} backend did not initialise`);
  await tf.ready();
}

/**
 * Loads TF.js with `navigator.gpu` set to our process-wide Dawn GPU object (held on globalThis by
 * nodeGpu(), so it is never collected). The backend module registers 'webgpu' only when
 * `navigator.gpu` exists at import time, hence the dynamic imports after setting it.
 */
export async function loadTfWebGpu(): Promise<TfWebGpu> {
  const gpu = await nodeGpu();
  const scope = globalThis as typeof globalThis & { navigator?: { gpu?: GPU } };
  if (!scope.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else if (!scope.navigator.gpu) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
  const tf = await loadTf();
  const { WebGPUBackend: Ctor } = await import('@tensorflow/tfjs-backend-webgpu');
  await activate(tf, 'webgpu');
  const backend = tf.backend();
  if (!(backend instanceof Ctor)) throw new Error(`TensorFlow.js: active backend is ${tf.getBackend()}, not webgpu`);
  return {
    tf,
    framework: 'tfjs-webgpu',
    backend,
    activate: () => activate(tf, 'webgpu'),
    async sync() {
      // Close TF.js's open compute pass first, as its own readback path does.
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      backend.submitQueue();
      await backend.device.queue.onSubmittedWorkDone();
    },
  };
}

/**
 * Loads TF.js's wasm backend with its .wasm binaries read from node_modules (setWasmPaths with the
 * package's dist folder as a file-path prefix; nothing is fetched) and makes it active. In Node its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is always false (tfjs issue 3830), so XNNPACK runs on one thread.
 */
export async function loadTfWasm(): Promise<TfWasm> {
  const tf = await loadTf();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const binary = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  // setWasmPaths throws once the backend has initialised (a second load in this process): keep that one.
  if (!tf.engine().registry['wasm']) wasm.setWasmPaths(`${dirname(binary)}${sep}`);
  await activate(tf, 'wasm');
  return {
    tf,
    framework: 'tfjs-wasm',
    threads: wasm.getThreadsCount(),
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    activate: () => activate(tf, 'wasm'),
    // The wasm backend runs each kernel inside the op call: nothing is pending when an op returns.
    sync: async () => undefined,
  };
}
