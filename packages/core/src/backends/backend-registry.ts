// Backend selection: probe every provider and take the fastest kind available (hardware GPU, then
// native CPU, then GPU on a software adapter, then the oracle), or the one a config forces; say why.
import type { Backend } from '@crossmodal/tensor';
import type { BackendProbe, BackendProvider } from '../contracts/backend-provider.ts';
import { NamedRegistry } from '../registry/named-registry.ts';

/** Probe kinds from most to least preferred; `auto` picks the first available, ties by registration order. */
export const BACKEND_KIND_ORDER: readonly BackendProbe['kind'][] = ['hardware-gpu', 'native-cpu', 'software-gpu', 'reference'];

/** The backend a run will use, and why. */
export interface BackendSelection {
  /** The created backend. */
  readonly backend: Backend;
  /** The provider's name (`cpu`, `native`, `webgpu`). */
  readonly name: string;
  /** What its probe found. */
  readonly probe: BackendProbe;
  /** One line: what was picked and why (shown at run start and in `run-start` events). */
  readonly reason: string;
}

/** Creation options per backend name, e.g. `{ native: { threads: 2 } }` (a config's `backendOptions`). */
export type BackendOptionsByName = { readonly [backend: string]: { readonly [option: string]: unknown } };

/** A forced backend that cannot run here, or no backend at all. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

/** A provider with its probe result (a probe that throws counts as unavailable, with its message). */
export interface ProbedBackend {
  /** The provider probed. */
  readonly provider: BackendProvider;
  /** What its probe found. */
  readonly probe: BackendProbe;
  /** Set when the probe threw (then `probe` says unavailable, with the message; its kind is unknown). */
  readonly probeError?: unknown;
}

async function probeSafely(provider: BackendProvider): Promise<ProbedBackend> {
  try {
    return { provider, probe: await provider.probe() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { provider, probe: { available: false, kind: 'reference', detail: `probe failed: ${message}` }, probeError: error };
  }
}

const rank = (kind: BackendProbe['kind']): number => BACKEND_KIND_ORDER.indexOf(kind);
const summary = ({ provider, probe }: ProbedBackend): string => `${provider.name} (${probe.detail})`;

/** Backends by name (BACKENDS), with `select`. */
export class BackendRegistry extends NamedRegistry<BackendProvider> {
  constructor(providers: readonly BackendProvider[], origins: ReadonlyMap<object, string>) {
    super('backend', providers, origins);
  }

  /** Probes every provider (in parallel), in registration order. */
  probeAll(): Promise<ProbedBackend[]> {
    return Promise.all(this.entries().map(({ provider }) => probeSafely(provider)));
  }

  /**
   * Picks and creates a backend. `'auto'` takes the most preferred kind that is available
   * ({@link BACKEND_KIND_ORDER}; ties: registration order), falling through to the next when one
   * fails to start. A name forces that provider: unknown → UnknownNameError listing the known
   * ones; unavailable → {@link BackendUnavailableError} with the probe's detail. `options` holds
   * each backend's creation options by backend name (`{ native: { threads: 2 }, webgpu: { f16: true } }`);
   * a provider gets only its own entry, so options for one backend never break another under `auto`.
   * @example
   * const { backend, reason } = await runtime.backends.select('auto');
   * // reason: "cpu: the reference CPU backend (no faster backend registered)"
   */
  async select(requested: 'auto' | (string & {}), options: BackendOptionsByName = {}): Promise<BackendSelection> {
    if (requested !== 'auto') return this.#force(requested, options);
    const probed = await this.probeAll();
    const candidates = probed
      .filter((p) => p.probe.available)
      .sort((a, b) => rank(a.probe.kind) - rank(b.probe.kind)); // stable: ties keep registration order
    const failed: string[] = [];
    for (const chosen of candidates) {
      try {
        const backend = await chosen.provider.create(options[chosen.provider.name] ?? {});
        // Unavailable backends that would have won (or whose probe failed, so their kind is unknown).
        const skipped = probed
          .filter((p) => !p.probe.available && (p.probeError !== undefined || rank(p.probe.kind) < rank(chosen.probe.kind)))
          .map(summary);
        const why = skipped.length + failed.length === 0 ? 'no faster backend registered' : `unavailable: ${[...skipped, ...failed].join('; ')}`;
        return { backend, name: chosen.provider.name, probe: chosen.probe, reason: `${chosen.provider.name}: ${chosen.probe.detail} (${why})` };
      } catch (error) {
        failed.push(`${chosen.provider.name} (failed to start: ${error instanceof Error ? error.message : String(error)})`);
      }
    }
    const all = [...probed.filter((p) => !p.probe.available).map(summary), ...failed];
    throw new BackendUnavailableError(`No backend can run here: ${all.join('; ') || 'no backend is registered'}`);
  }

  async #force(name: string, options: BackendOptionsByName): Promise<BackendSelection> {
    const provider = this.get(name);
    const { probe } = await probeSafely(provider);
    if (!probe.available) {
      throw new BackendUnavailableError(`Backend '${name}' was requested (backend: ${JSON.stringify(name)}) but is unavailable here: ${probe.detail}. Use backend: "auto" to pick the fastest available one.`);
    }
    let backend: Backend;
    try {
      backend = await provider.create(options[name] ?? {});
    } catch (error) {
      throw new BackendUnavailableError(`Backend '${name}' was requested but failed to start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { backend, name, probe, reason: `${name}: ${probe.detail} (requested by the config's backend field)` };
  }
}
