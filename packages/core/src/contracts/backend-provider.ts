// The BackendProvider contract: a backend the runtime can probe and create, so it can pick the
// fastest available one (hardware GPU, then native CPU, then GPU on a software adapter, then the
// oracle), say which and why, and let a config field force one.
import type { Backend } from '@crossmodal/tensor';

/** What a probe found. */
export interface BackendProbe {
  /** Whether `create` will succeed here. */
  readonly available: boolean;
  /** What it would run on; decides the default order. */
  readonly kind: 'hardware-gpu' | 'native-cpu' | 'software-gpu' | 'reference';
  /** One line: the adapter or library found, or why it is unavailable and how to fix that. */
  readonly detail: string;
}

/** A backend a plugin offers. */
export interface BackendProvider {
  /** The backend id (`cpu`, `native`, `webgpu`); what a config's `backend` field names. */
  readonly name: string;
  readonly description?: string;
  /** Looks for the device or library without side effects worth undoing. */
  probe(): Promise<BackendProbe>;
  /** Creates the backend (acquires the device, loads the addon). */
  create(options?: { readonly [option: string]: unknown }): Promise<Backend>;
}
