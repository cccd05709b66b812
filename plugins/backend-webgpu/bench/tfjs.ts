// TensorFlow.js's webgpu backend on the same Dawn GPU object as ours, and its full-sync helper.
import type * as TfCore from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { nodeGpu } from '../src/device/node-gpu.ts';

/** TensorFlow.js with its webgpu backend active, and a sync that waits for all submitted work. */
export interface TfWebGpu {
  readonly tf: typeof TfCore;
  readonly backend: WebGPUBackend;
  /** Ends TF.js's open compute pass, submits its pending commands and waits until the queue has run them. */
  sync(): Promise<void>;
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
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend: Ctor } = await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js: the webgpu backend did not initialise');
  await tf.ready();
  const backend = tf.backend();
  if (!(backend instanceof Ctor)) throw new Error(`TensorFlow.js: active backend is ${tf.getBackend()}, not webgpu`);
  return {
    tf,
    backend,
    async sync() {
      // Close TF.js's open compute pass first, as its own readback path does.
      backend.ensureCommandEncoderReady();
      backend.endComputePassEncoder();
      backend.submitQueue();
      await backend.device.queue.onSubmittedWorkDone();
    },
  };
}
