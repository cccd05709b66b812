// The optimizer base: parameter groups with their own hyperparameters, per-parameter state
// (step count and buffers such as momenta), a leak-free step, and a state dict to resume exactly.
import { fmt, keep, noGrad, Tensor, tidy } from '@crossmodal/tensor';

/** A hyperparameter value: what a group may hold besides its parameters (JSON-serialisable). */
export type HyperValue = number | boolean | readonly number[];

/** The hyperparameters every optimizer has. */
export interface BaseHyper {
  /** Learning rate; LR schedules write this field. */
  lr: number;
  /** L2 penalty (SGD, Adam) or decoupled decay (AdamW). */
  weightDecay: number;
}

/** A group of parameters sharing hyperparameters (e.g. no weight decay on biases and norms). */
export type ParamGroup<H extends BaseHyper> = H & { readonly params: readonly Tensor[] };

/** What optimizers accept: parameters, or groups that override some hyperparameters. */
export type ParamsInput<H extends BaseHyper> = readonly Tensor[] | readonly (Partial<H> & { readonly params: readonly Tensor[] })[];

/** Per-parameter state: the number of steps taken and named buffers (momenta). */
export interface ParamState {
  step: number;
  readonly buffers: Map<string, Tensor>;
}

/**
 * An optimizer's state as a checkpoint stores it: tensors (safetensors) plus JSON metadata.
 * Parameters are numbered across groups in order (as torch's `state_dict` does).
 */
export interface OptimizerStateDict {
  /** Per-parameter buffers keyed `<param index>.<buffer>`, e.g. `3.expAvg`. */
  readonly tensors: Record<string, Tensor>;
  readonly meta: {
    /** Each group's hyperparameters and the indices of its parameters. */
    readonly groups: readonly (Readonly<Record<string, HyperValue>> & { readonly params: readonly number[] })[];
    /** Step count per parameter index (parameters never stepped are absent). */
    readonly steps: Readonly<Record<string, number>>;
  };
}

/**
 * The base of SGD, Adam and AdamW. A subclass implements `update` for one parameter; `step`
 * runs it for every parameter with a gradient under `noGrad` inside `tidy`, so a step leaves
 * exactly the new parameter values and state buffers behind.
 */
export abstract class Optimizer<H extends BaseHyper> {
  /** The groups, with their (mutable) hyperparameters. */
  readonly paramGroups: ParamGroup<H>[];
  readonly #state = new Map<Tensor, ParamState>();

  protected constructor(
    /** The optimizer's name, for errors. */
    readonly name: string,
    params: ParamsInput<H>,
    defaults: H,
  ) {
    const groups = params.length && !(params[0] instanceof Tensor) ? (params as readonly (Partial<H> & { params: readonly Tensor[] })[]) : [{ params: params as readonly Tensor[] }];
    const seen = new Set<Tensor>();
    this.paramGroups = groups.map((g, i) => {
      for (const p of g.params) {
        if (!(p instanceof Tensor) || p.dtype !== 'float32' || !p.isLeaf) throw new TypeError(`${name}: group ${i} holds ${String(p)}, expected float32 leaf tensors (parameters)`);
        if (seen.has(p)) throw new Error(`${name}: ${p} appears in more than one place in the parameter groups`);
        seen.add(p);
      }
      const group = { ...defaults, ...stripUndefined(g), params: [...g.params] } as ParamGroup<H>;
      this.validate(group);
      return group;
    });
    if (seen.size === 0) throw new Error(`${name}: got no parameters to optimize`);
  }

  /** The names of the per-parameter buffers `update` keeps (a state dict naming others is another optimizer's). */
  protected abstract readonly bufferNames: readonly string[];

  /** Checks a group's hyperparameters; subclasses extend it. */
  protected validate(group: H): void {
    if (!(group.lr >= 0)) throw new RangeError(`${this.name}: lr must be >= 0, got ${group.lr}`);
    if (!(group.weightDecay >= 0)) throw new RangeError(`${this.name}: weightDecay must be >= 0, got ${group.weightDecay}`);
  }

  /**
   * One update of `param` from `grad` with the group's hyperparameters; `state.step` is already
   * incremented. Runs under noGrad inside tidy: write the new value with `param.assign(...)` and
   * buffers with `setBuffer` (that keeps them).
   */
  protected abstract update(param: Tensor, grad: Tensor, group: H, state: ParamState): void;

  /** Updates every parameter that has a gradient. */
  step(): void {
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (!p.grad) continue;
            const state = this.stateOf(p);
            state.step++;
            this.update(p, p.grad, group, state);
          }
        }
      }),
    );
  }

  /** Frees every parameter's gradient (sets it to null). */
  zeroGrad(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /** The state of one parameter (created empty on first use). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.#state.get(p);
    if (!s) this.#state.set(p, (s = { step: 0, buffers: new Map() }));
    return s;
  }

  /** Replaces a state buffer, keeping the new tensor and freeing the old one. */
  protected setBuffer(state: ParamState, name: string, value: Tensor): void {
    const prev = state.buffers.get(name);
    state.buffers.set(name, keep(value));
    if (prev && prev !== value) prev.dispose();
  }

  /** Every parameter across groups, in index order. */
  private allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => [...g.params]);
  }

  /**
   * The state to checkpoint. Tensors are the live buffers (not copies): save them before the
   * next `step()`, which replaces them; do not dispose them.
   */
  stateDict(): OptimizerStateDict {
    const tensors: Record<string, Tensor> = {};
    const steps: Record<string, number> = {};
    let index = 0;
    const groups = this.paramGroups.map(({ params, ...hyper }) => {
      const ids = params.map(() => index++);
      return { ...(hyper as Record<string, HyperValue>), params: ids };
    });
    this.allParams().forEach((p, i) => {
      const s = this.#state.get(p);
      if (!s) return;
      steps[i] = s.step;
      for (const [name, t] of s.buffers) tensors[`${i}.${name}`] = t;
    });
    return { tensors, meta: { groups, steps } };
  }

  /**
   * Restores a state from `stateDict` (same groups, same parameter shapes): hyperparameters,
   * step counts and buffers (float32, copied to each parameter's backend when they live on
   * another). The optimizer takes its own handles; the caller keeps `sd`'s.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const params = this.allParams();
    const { groups, steps } = sd.meta;
    const sizes = this.paramGroups.map((g) => g.params.length);
    if (groups.length !== sizes.length || groups.some((g, i) => g.params.length !== sizes[i])) {
      throw new Error(`${this.name}.loadStateDict: groups of sizes [${groups.map((g) => g.params.length).join(', ')}] do not match this optimizer's [${sizes.join(', ')}]`);
    }
    const byIndex = new Map<number, [string, Tensor][]>();
    for (const [key, t] of Object.entries(sd.tensors)) {
      const m = /^(\d+)\.(.+)$/.exec(key);
      const p = m ? params[Number(m[1])] : undefined;
      if (!m || !p) throw new Error(`${this.name}.loadStateDict: tensor key '${key}' does not name a parameter index below ${params.length}`);
      if (!this.bufferNames.includes(m[2]!)) {
        throw new Error(`${this.name}.loadStateDict: tensor '${key}' is a '${m[2]}' buffer, which ${this.name} does not keep (its buffers: ${this.bufferNames.join(', ')}); is this another optimizer's state?`);
      }
      if (t.isDisposed) throw new Error(`${this.name}.loadStateDict: '${key}' is a disposed tensor`);
      if (fmt(t.shape) !== fmt(p.shape)) throw new Error(`${this.name}.loadStateDict: '${key}' has shape ${fmt(t.shape)}, parameter ${m[1]} has ${fmt(p.shape)}`);
      if (t.dtype !== 'float32') throw new TypeError(`${this.name}.loadStateDict: '${key}' is ${t.dtype}, expected float32 as parameter ${m[1]}`);
      byIndex.set(Number(m[1]), [...(byIndex.get(Number(m[1])) ?? []), [m[2]!, t]]);
    }
    // Every hyperparameter is one this optimizer has, of the same kind, and valid: checked on copies
    // before anything changes, so a bad state dict leaves the optimizer as it was.
    const restored = groups.map(({ params: _ids, ...hyper }, i) => {
      const current = this.paramGroups[i]!;
      for (const [key, value] of Object.entries(hyper)) {
        const known = key in current && key !== 'params';
        if (!known || typeof value !== typeof (current as unknown as Record<string, unknown>)[key]) {
          const keys = Object.keys(current).filter((k) => k !== 'params').join(', ');
          throw new Error(
            `${this.name}.loadStateDict: group ${i}: ${known ? `'${key}' is ${JSON.stringify(value)}, expected a ${typeof (current as unknown as Record<string, unknown>)[key]}` : `'${key}' is not a ${this.name} hyperparameter (${keys}); is this another optimizer's state?`}`,
          );
        }
      }
      const group = { ...current, ...hyper } as ParamGroup<H>;
      this.validate(group);
      return group;
    });
    this.disposeState();
    restored.forEach((group, i) => Object.assign(this.paramGroups[i]!, group));
    params.forEach((p, i) => {
      const step = steps[i];
      if (step === undefined && !byIndex.has(i)) return;
      const state = this.stateOf(p);
      state.step = step ?? 0;
      // On the parameter's backend, as Module.loadStateDict moves values: the update mixes the two.
      for (const [name, t] of byIndex.get(i) ?? []) state.buffers.set(name, keep(t.backend === p.backend ? new Tensor(t) : t.to(p.backend)));
    });
  }

  /** Frees every state buffer; the optimizer starts over (step counts reset). */
  disposeState(): void {
    for (const s of this.#state.values()) for (const t of s.buffers.values()) t.dispose();
    this.#state.clear();
  }
}

/** @internal `o` without its undefined fields, so defaults survive `{ ...defaults, ...o }`. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
