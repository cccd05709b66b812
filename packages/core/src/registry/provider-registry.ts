// A registry of named factories: `create(name, config, context)` builds an instance and wraps a
// provider's error with the kind, name and plugin, so a bad option in a config is traced to its part.
import type { CreateContext, NamedProvider } from '../contracts/provider.ts';
import { NamedRegistry } from './named-registry.ts';

/** A config entry as written in a run config: a bare name, or a name plus options. */
export type NamedSpec = string | { readonly name: string; readonly [option: string]: unknown };

/** Splits a {@link NamedSpec} into its name and its options (everything but `name`). */
export function splitSpec(spec: NamedSpec): { name: string; options: Record<string, unknown> } {
  if (typeof spec === 'string') return { name: spec, options: {} };
  const { name, ...options } = spec;
  return { name, options };
}

/** An error thrown by a provider's `create`, wrapped with what was being built. */
export class ProviderCreateError extends Error {
  override readonly name = 'ProviderCreateError';
}

/**
 * Named factories of `T` taking config `C`.
 * @example
 * const accuracy = runtime.metrics.create('accuracy', {}, { seed: 0 });
 */
export class ProviderRegistry<T, C extends object = Record<string, unknown>> extends NamedRegistry<NamedProvider<T, C>> {
  /**
   * Builds `name` from `config`. Unknown names throw UnknownNameError; a provider's own error is
   * rethrown as a {@link ProviderCreateError} prefixed with `<where>: <kind> '<name>' (plugin <plugin>)`
   * (`where`, the config path that named it, is optional).
   */
  create(name: string, config: C, context: CreateContext, where?: string): T {
    const provider = this.get(name, where);
    let result: T;
    try {
      result = provider.create(config, context);
    } catch (error) {
      throw this.#wrap(name, where, error);
    }
    // An async provider (a dataset reading files) fails through its promise: wrap that too.
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw this.#wrap(name, where, error);
      }) as T;
    }
    return result;
  }

  #wrap(name: string, where: string | undefined, error: unknown): ProviderCreateError {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = where === undefined ? '' : `${where}: `;
    return new ProviderCreateError(`${prefix}${this.kind} '${name}' (plugin ${this.pluginOf(name)}): ${message}`, { cause: error });
  }
}
