// Module: the base of every layer and model. Parameters and submodules are found on the module's
// own fields (PyTorch's __setattr__ registration, without the magic), so a model reads like nanoGPT.
import { keep, type Tensor } from '@crossmodal/tensor';
import { Parameter } from './parameter.ts';
import { loadStateDictInto, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict.ts';

/**
 * The base class of layers and models. Subclasses declare their parts as plain fields:
 * - a `Parameter` field is a parameter named after the field (`weight`, `bias`);
 * - a `Module` field is a child (`attn`, `mlp`), and its parameters get the dotted prefix;
 * - an array of Modules (or Parameters) is a list of children named by index (`blocks.0`),
 *   like PyTorch's ModuleList;
 * - anything else (numbers, config objects, `null` for an absent bias) is ignored.
 * Names and order follow field declaration order, so state dicts line up with the reference code.
 * Non-trainable state that belongs in checkpoints (position ids, running statistics) goes
 * through `registerBuffer`. By convention each layer exposes a typed `forward`.
 * @example
 * class Block extends Module {
 *   norm = new LayerNorm(16);
 *   fc = new Linear(16, 16);
 *   forward(x: Tensor): Tensor { return this.fc.forward(this.norm.forward(x)); }
 * }
 * new Block().namedParameters().map(([n]) => n);   // ['norm.weight', 'norm.bias', 'fc.weight', 'fc.bias']
 */
export class Module {
  /** True in training mode (dropout active); set with `train()` / `eval()`. */
  training = true;
  // NOTE: an ES private field: it is not an own enumerable property, so discovery never sees it.
  readonly #buffers = new Map<string, Tensor>();

  /**
   * Registers non-trainable state that `stateDict` saves and `loadStateDict` restores, and
   * returns it (kept out of every `tidy` scope; `dispose` frees it).
   * @example
   * this.positionIds = this.registerBuffer('positionIds', arange(0, maxLen));
   */
  registerBuffer<T extends Tensor>(name: string, value: T): T {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${this.constructor.name}.registerBuffer: '${name}' is not a valid name (letters, digits, _ and $; no dots)`);
    const field: unknown = Reflect.get(this, name);
    if (field instanceof Parameter || field instanceof Module) {
      throw new Error(`${this.constructor.name}.registerBuffer: '${name}' is already a ${field.constructor.name} field of this module`);
    }
    const prev = this.#buffers.get(name);
    if (prev && prev !== value) prev.dispose();
    this.#buffers.set(name, keep(value));
    return value;
  }

  /** This module's own parameters (not its children's), by field name, in declaration order. */
  directParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, v] of Object.entries(this)) {
      if (v instanceof Parameter) out.push([name, v]);
      else if (Array.isArray(v)) v.forEach((x, i) => x instanceof Parameter && out.push([`${name}.${i}`, x]));
    }
    return out;
  }

  /** This module's own buffers, in registration order. */
  directBuffers(): [string, Tensor][] {
    return [...this.#buffers];
  }

  /** This module's direct children, by field name (`blocks.0` for list entries). */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([name, v]);
      else if (Array.isArray(v)) v.forEach((x, i) => x instanceof Module && out.push([`${name}.${i}`, x]));
    }
    return out;
  }

  /**
   * Every module in the tree, this one first (name `''`), pre-order, each once (a module reached
   * twice, as in weight tying, keeps its first name).
   */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (prefix: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m.children()) visit(prefix ? `${prefix}.${name}` : name, child);
    };
    visit('', this);
    return out;
  }

  /** Every parameter with its dotted name (`blocks.0.attn.q.weight`); a shared one appears once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.directParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Every parameter, in `namedParameters` order: what an optimizer takes. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.directBuffers()) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /** Number of scalar parameters (only those with `requiresGrad` when `trainableOnly`). */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off); the same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Frees every parameter's gradient and sets it to null (PyTorch's `set_to_none`). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name, PyTorch's order (each module's parameters, then its
   * buffers, pre-order). The values are the live tensors, not copies: read or save them, do not
   * dispose them. A tied parameter appears under each of its names.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const visit = (prefix: string, m: Module, seen: Set<Module>): void => {
      if (seen.has(m)) return;
      seen.add(m);
      const key = (n: string): string => (prefix ? `${prefix}.${n}` : n);
      for (const [n, p] of m.directParameters()) out[key(n)] = p;
      for (const [n, b] of m.directBuffers()) out[key(n)] = b;
      for (const [n, child] of m.children()) visit(key(n), child, new Set(seen));
    };
    visit('', this, new Set());
    return out;
  }

  /**
   * Copies the values of `sd` into this module's parameters and buffers (with `assign`: the
   * tensors stay the same objects). Throws one error that lists every missing, unexpected and
   * mis-shaped key; with `{ strict: false }` missing and unexpected keys are ignored, mis-shaped
   * ones still throw. Nothing is written unless the whole dict is accepted. Returns the keys that
   * non-strict mode ignored.
   */
  loadStateDict(sd: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDictInto(this.constructor.name, this.stateDict(), sd, options);
  }

  /** Frees every parameter and buffer (and their gradients); the module is unusable afterwards. */
  dispose(): void {
    for (const t of Object.values(this.stateDict())) t.dispose();
  }
}
