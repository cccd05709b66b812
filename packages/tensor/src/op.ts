// Op definitions: each op is declared once (name, inputs, shape inference, gradient rule) and
// backends provide kernels for it. Autograd lives here, on the definition, never in a kernel.
import type { DType } from './dtype.ts';
import type { Shape } from './shape.ts';
import type { Tensor } from './tensor.ts';

/** An op's tensor inputs by name: a tensor, a list of tensors (variadic), or an optional tensor. */
export type InputSpec = { readonly [name: string]: Tensor | readonly Tensor[] | undefined };

/** What shape inference sees of each input. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

type MapOne<V, T> = V extends readonly Tensor[] ? readonly T[] : T;

/** The inputs record with every tensor replaced by `T` (lists stay lists, optionals stay optional). */
export type MapInputs<In extends InputSpec, T> = { [K in keyof In]: MapOne<NonNullable<In[K]>, T> };

/** An output's shape, or its shape and dtype when it differs from the first input's dtype. */
export type OutSpec = Shape | { readonly shape: Shape; readonly dtype: DType };

/** What `inferShape` returns: one spec for single-output ops, a record for multi-output ops. */
export type OutSpecs<O extends string> = [O] extends ['out'] ? OutSpec : { readonly [K in O]?: OutSpec };

/** What a gradient rule sees besides `dy`: the op's outputs (saved) and its attrs. */
export interface GradContext<A, O extends string> {
  /** The differentiable (first) output, saved from the forward pass. */
  readonly out: Tensor;
  /** Every output the forward pass produced, by name. */
  readonly outputs: { readonly [K in O]?: Tensor };
  /** The attrs the op ran with. */
  readonly attrs: A;
  /** Which inputs need a gradient; a rule sharing one backward op may skip the others. */
  readonly needs: { readonly [name: string]: boolean };
}

/**
 * For each input, a thunk computing its gradient; absent entries mean "not differentiable here".
 * All thunks of one node run in one memory scope, so a rule may compute one backward op lazily
 * (memoised) and hand each of its outputs to one thunk.
 */
export type GradThunks<In extends InputSpec> = {
  readonly [K in keyof In]?: () => NonNullable<In[K]> extends readonly Tensor[] ? Tensor[] : Tensor;
};

/**
 * The declaration of an op. `In` are its tensor inputs, `A` its static attributes, `O` the names of
 * its outputs (the first one is the differentiable output; the others are auxiliary, such as
 * attention probabilities, and carry no gradient).
 */
export interface OpDef<In extends InputSpec, A extends object = Record<string, never>, O extends string = 'out'> {
  /** Unique op name; kernels are looked up by it. */
  readonly name: string;
  /** Input names in order; the engine validates and flattens inputs in this order. */
  readonly inputs: readonly (keyof In & string)[];
  /** Output names; the first is differentiable. Defaults to `['out']`. */
  readonly outputs: readonly O[];
  /** Output shapes (and dtypes) from input metadata; throws ShapeError naming every shape on mismatch. */
  inferShape(inputs: MapInputs<In, TensorMeta>, attrs: A): OutSpecs<O>;
  /** Gradient rule written with other ops. Absent: the op is not differentiable (outputs are constants). */
  readonly grad?: (dy: Tensor, inputs: In, ctx: GradContext<A, O>) => GradThunks<In>;
  /**
   * The op written with other ops. A backend without a kernel for this op runs the composite (with
   * autograd off; the gradient still comes from `grad`). Fused ops are parity-tested against it.
   */
  readonly composite?: (inputs: In, attrs: A) => [O] extends ['out'] ? Tensor : { [K in O]?: Tensor };
  /** The output is a view of input 0's storage with a new shape (reshape): no kernel runs. */
  readonly alias?: boolean;
}

/** The untyped view of an op that the engine and kernel tables work with. */
export interface AnyOpDef {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly alias?: boolean;
  inferShape(inputs: never, attrs: never): unknown;
}

type DefInput<In extends InputSpec, A extends object, O extends string> = Omit<OpDef<In, A, O>, 'outputs'> & {
  readonly outputs?: readonly O[];
};

/**
 * Declares an op. Type parameters are explicit where inference cannot see them:
 * `defineOp<{ a: Tensor; b: Tensor }, MatMulAttrs>({ name: 'MatMul', inputs: ['a', 'b'], ... })`.
 */
export function defineOp<In extends InputSpec, A extends object = Record<string, never>, O extends string = 'out'>(
  def: DefInput<In, A, O>,
): OpDef<In, A, O> {
  const outputs = (def.outputs ?? ['out']) as readonly O[];
  if (outputs.length === 0) throw new Error(`defineOp ${def.name}: an op needs at least one output`);
  return Object.freeze({ ...def, outputs: Object.freeze([...outputs]) });
}
