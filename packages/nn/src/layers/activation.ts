// The activations a config can name, as one table (timm's get_act_layer, reduced to what we use).
import type { Tensor } from '@crossmodal/tensor';

/** Activation names: `gelu` (exact, erf), `gelu-tanh` (the tanh approximation), `relu`. */
export type Activation = 'gelu' | 'gelu-tanh' | 'relu';

const ACTIVATIONS: Readonly<Record<Activation, (x: Tensor) => Tensor>> = {
  gelu: (x) => x.gelu(),
  'gelu-tanh': (x) => x.gelu('tanh'),
  relu: (x) => x.relu(),
};

/** The function for an activation name; unknown names throw with the known ones. */
export function activationFn(name: Activation): (x: Tensor) => Tensor {
  const fn = ACTIVATIONS[name];
  if (!fn) throw new Error(`activation: unknown '${String(name)}', expected one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  return fn;
}
