// The container a plugin's `register` sees: the runtime's child container, recording which plugin
// registered each value (PLUGIN_ORIGINS), so registries can name plugins in their errors.
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { DATASETS, ENCODERS, FUSIONS, HEADS, LOGGERS, METRICS, MODEL_PROVIDERS, BACKENDS, REGION_STORES } from '../di/tokens.ts';
import { DuplicateNameError, type RegistryKind } from '../registry/errors.ts';

/** The registry kind of each plural token (for messages about values registered twice). */
const KIND_OF = new Map<InjectionToken<unknown>, RegistryKind>([
  [MODEL_PROVIDERS, 'model'], [ENCODERS, 'encoder'], [FUSIONS, 'fusion'], [HEADS, 'head'],
  [DATASETS, 'dataset'], [REGION_STORES, 'region-store'], [LOGGERS, 'logger'], [METRICS, 'metric'], [BACKENDS, 'backend'],
]);

const nameOf = (value: object): string => {
  const name: unknown = Reflect.get(value, 'name');
  return typeof name === 'string' ? name : String(name);
};

/**
 * Wraps `container` so that every `register(token, { useValue })` and `registerInstance(token,
 * value)` by `plugin` records `value → plugin` in `origins`. One value registered under a plural
 * token by two plugins (a plugin re-registering another's provider) throws DuplicateNameError.
 */
export function pluginView(container: DependencyContainer, plugin: string, origins: Map<object, string>): DependencyContainer {
  const record = (token: InjectionToken<unknown>, value: unknown): void => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
    const previous = origins.get(value);
    const kind = KIND_OF.get(token);
    if (previous !== undefined && kind !== undefined) throw new DuplicateNameError(kind, nameOf(value), [previous, plugin]);
    if (previous === undefined) origins.set(value, plugin);
  };
  const view: DependencyContainer = new Proxy(container, {
    get(target, property) {
      if (property === 'register') {
        return (token: InjectionToken<unknown>, provider: unknown, ...rest: unknown[]) => {
          if (typeof provider === 'object' && provider !== null && 'useValue' in provider) record(token, provider.useValue);
          Reflect.apply(target.register, target, [token, provider, ...rest]);
          return view;
        };
      }
      if (property === 'registerInstance') {
        return (token: InjectionToken<unknown>, instance: unknown) => {
          record(token, instance);
          target.registerInstance(token, instance);
          return view;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return view;
}
