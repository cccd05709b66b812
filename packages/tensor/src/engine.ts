// The engine: runs an op on its inputs' backend (kernel, else the op's composite), records the
// autograd node, and keeps memory scopes (`tidy`) and the grad mode.
import type { Backend, OutMeta } from './backend.ts';
import type { DType } from './dtype.ts';
import type { AnyOpDef, InputSpec, OpDef, OutSpec, TensorMeta } from './op.ts';
import { fmt, sizeOf, assertValidShape, type Shape } from './shape.ts';
import { newRef, retainRef, stats, type MemoryStats } from './storage.ts';
import { Tensor } from './tensor.ts';
import { recordNode } from './autograd.ts';
import { Generator } from './random.ts';

interface Scope {
  readonly tracked: Set<Tensor>;
}

const scopes: Scope[] = [];
const scopeOf = new WeakMap<Tensor, Scope>();
let gradEnabled = true;
let current: Backend | undefined;
let defaultFactory: (() => Backend) | undefined;
const generator = new Generator(0);

/** The backend new tensors are created on (the reference CPU backend unless set). */
export function getBackend(): Backend {
  if (current) return current;
  if (!defaultFactory) throw new Error('getBackend: no backend set; import from @crossmodal/tensor or call setBackend()');
  return (current = defaultFactory());
}

/**
 * @internal The package entry sets the CPU oracle as the lazy default. It lives outside this module
 * because the CPU kernels import the ops, which import the engine.
 */
export function setDefaultBackendFactory(factory: () => Backend): void {
  defaultFactory = factory;
}

/** Makes `backend` the default for new tensors; returns the previous one. */
export function setBackend(backend: Backend): Backend {
  const prev = getBackend();
  current = backend;
  return prev;
}

/** The process-wide seeded generator used by random creation functions and dropout seeds. */
export function getGenerator(): Generator {
  return generator;
}

/** Seeds the process-wide generator: same seed, same initialisation and dropout masks. */
export function manualSeed(seed: number): void {
  generator.seed(seed);
}

/** Counts of live tensors and device memory, to prove a step leaks nothing. */
export function memory(): MemoryStats {
  return structuredClone(stats);
}

/** True while ops record gradients. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with gradient recording off. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** What `tidy` looks through for tensors to keep: tensors inside arrays and plain objects. */
export type TensorContainer = void | undefined | null | number | string | boolean | Tensor | TensorContainer[] | { [k: string]: TensorContainer };

/**
 * Runs `fn` in a memory scope: every tensor created inside and not returned (or `keep`-ed) is
 * disposed when it ends, also when `fn` throws. Returned tensors move to the enclosing scope.
 * Tensors saved by autograd stay alive through their own references until backward frees them.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { tracked: new Set() };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('tidy: fn returned a Promise; tidy scopes are synchronous');
  } catch (err) {
    endScope(scope, new Set());
    throw err;
  }
  endScope(scope, collectTensors(result, new Set()));
  return result;
}

function endScope(scope: Scope, keep: Set<Tensor>): void {
  const popped = scopes.pop();
  if (popped !== scope) throw new Error('internal: tidy scopes unbalanced');
  const parent = scopes.at(-1);
  for (const t of scope.tracked) {
    scopeOf.delete(t);
    if (!keep.has(t)) t.dispose();
    else if (parent) {
      parent.tracked.add(t);
      scopeOf.set(t, parent);
    }
  }
}

function collectTensors(x: unknown, out: Set<Tensor>): Set<Tensor> {
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out);
  else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, out);
  }
  return out;
}

/** Takes a tensor out of every scope so `tidy` never disposes it; returns it. */
export function keep<T extends Tensor>(t: T): T {
  untrackTensor(t);
  return t;
}

/** @internal registers a new user tensor with the innermost scope. */
export function trackTensor(t: Tensor): void {
  const scope = scopes.at(-1);
  if (!scope) return;
  scope.tracked.add(t);
  scopeOf.set(t, scope);
}

/** @internal removes a tensor from its scope (dispose, keep). */
export function untrackTensor(t: Tensor): void {
  const scope = scopeOf.get(t);
  if (!scope) return;
  scope.tracked.delete(t);
  scopeOf.delete(t);
}

/** @internal wraps a new backend storage as a tensor. */
export function wrapStorage(backend: Backend, handle: object, shape: Shape, dtype: DType): Tensor {
  return new Tensor({ ref: newRef(backend, handle, sizeOf(shape) * 4), shape, dtype });
}

/** Runs a single-output op; the user function of each op calls this. */
export function runOp<In extends InputSpec, A extends object>(op: OpDef<In, A, 'out'>, inputs: In, attrs: A): Tensor {
  return dispatch(op as unknown as AnyOp, inputs, attrs).out!;
}

/** Runs a multi-output op; outputs the op did not produce (optional ones) are absent. */
export function runOpMulti<In extends InputSpec, A extends object, O extends string>(
  op: OpDef<In, A, O>,
  inputs: In,
  attrs: A,
): { [K in O]?: Tensor } {
  return dispatch(op as unknown as AnyOp, inputs, attrs) as { [K in O]?: Tensor };
}

/** The engine's erased view of an op (what dispatch needs at run time). */
export interface AnyOp extends AnyOpDef {
  inferShape(inputs: Record<string, unknown>, attrs: object): unknown;
  readonly grad?: unknown;
  readonly composite?: (inputs: Record<string, unknown>, attrs: object) => Tensor | Record<string, Tensor | undefined>;
}

type Flat = [name: string, value: Tensor | readonly Tensor[] | undefined][];

function dispatch(op: AnyOp, inputs: InputSpec, attrs: object): Record<string, Tensor | undefined> {
  const flat: Flat = op.inputs.map((n) => [n, inputs[n]]);
  const backend = commonBackend(op.name, flat);
  const metas: Record<string, TensorMeta | TensorMeta[]> = {};
  let firstDtype: DType | undefined;
  for (const [n, v] of flat) {
    if (v === undefined) continue;
    metas[n] = Array.isArray(v) ? v.map(metaOf) : metaOf(v as Tensor);
    firstDtype ??= Array.isArray(v) ? v[0]?.dtype : (v as Tensor).dtype;
  }
  const outMetas = outMetasOf(op, op.inferShape(metas, attrs), firstDtype ?? 'float32');
  let outputs: Record<string, Tensor | undefined>;
  if (op.alias) {
    const src = flat[0]![1] as Tensor;
    const m = outMetas.out!;
    outputs = { out: new Tensor({ ref: retainRef(src.liveRef(op.name)), shape: m.shape, dtype: m.dtype }) };
  } else {
    const kernel = backend.kernels.get(op.name);
    if (kernel) outputs = runKernel(op, kernel, backend, flat, attrs, outMetas);
    else if (op.composite) outputs = runComposite(op, inputs, attrs, outMetas);
    else throw new Error(`${op.name}: backend '${backend.id}' has no kernel for it and the op has no composite`);
  }
  const first = outputs[op.outputs[0]!];
  // Only float outputs carry gradients (argmax, comparisons and casts to int32 are constants).
  if (gradEnabled && op.grad && first?.dtype === 'float32' && flat.some(([, v]) => requiresGrad(v))) {
    recordNode(op, inputs, attrs, outputs);
  }
  return outputs;
}

type KernelRun = (b: Backend, i: Record<string, unknown>, a: object, o: Record<string, OutMeta>) => unknown;

function runKernel(op: AnyOp, kernel: { run: unknown }, backend: Backend, flat: Flat, attrs: object, outs: Record<string, OutMeta>) {
  const kin: Record<string, unknown> = {};
  for (const [n, v] of flat) {
    if (v === undefined) continue;
    kin[n] = Array.isArray(v) ? v.map((t) => kernelInput(op.name, t)) : kernelInput(op.name, v as Tensor);
  }
  // Called through the kernel (no per-op bound closure); its typed signature was checked at defineKernel.
  const result = (kernel.run as KernelRun).call(kernel, backend, kin, attrs, outs);
  const handles = (op.outputs.length === 1 ? { [op.outputs[0]!]: result } : result) as Record<string, object | undefined>;
  const outputs: Record<string, Tensor | undefined> = {};
  for (const name of op.outputs) {
    const m = outs[name];
    const h = handles[name];
    if (!m) continue;
    if (!h) throw new Error(`internal: kernel ${backend.id}/${op.name} did not produce output '${name}'`);
    outputs[name] = wrapStorage(backend, h, m.shape, m.dtype);
  }
  return outputs;
}

function runComposite(op: AnyOp, inputs: InputSpec, attrs: object, outs: Record<string, OutMeta>) {
  // The composite runs without recording; the op's own grad rule is the one that gets recorded.
  const produced = noGrad(() => tidy(() => {
    const r = op.composite!(inputs as Record<string, unknown>, attrs);
    return r instanceof Tensor ? { out: r } : (r as Record<string, Tensor>);
  }));
  for (const name of op.outputs) {
    const m = outs[name];
    const t = produced[name];
    if (!m) continue;
    if (!t || t.dtype !== m.dtype || fmt(t.shape) !== fmt(m.shape)) {
      throw new Error(`internal: composite of ${op.name} made output '${name}' ${t ? fmt(t.shape) : 'none'}, expected ${fmt(m.shape)}`);
    }
  }
  return produced;
}

function outMetasOf(op: AnyOp, spec: unknown, dtype: DType): Record<string, OutMeta> {
  const one = (s: OutSpec): OutMeta => {
    const shape = 'shape' in s ? s.shape : s;
    assertValidShape(op.name, shape);
    return { shape, dtype: 'shape' in s ? s.dtype : dtype, size: sizeOf(shape) };
  };
  if (Array.isArray(spec) || (spec as { shape?: unknown }).shape !== undefined) return { [op.outputs[0]!]: one(spec as OutSpec) };
  const out: Record<string, OutMeta> = {};
  for (const [k, v] of Object.entries(spec as Record<string, OutSpec | undefined>)) if (v) out[k] = one(v);
  return out;
}

function commonBackend(what: string, flat: Flat): Backend {
  let backend: Backend | undefined;
  let first: Tensor | undefined;
  for (const [, v] of flat) {
    for (const t of v === undefined ? [] : Array.isArray(v) ? v : [v as Tensor]) {
      const b = t.liveRef(what).backend;
      if (backend && b !== backend) {
        throw new Error(`${what}: inputs live on different backends ('${backend.id}' for ${first}, '${b.id}' for ${t}); move one with .to()`);
      }
      backend ??= b;
      first ??= t;
    }
  }
  return backend ?? getBackend();
}

const metaOf = (t: Tensor): TensorMeta => ({ shape: t.shape, dtype: t.dtype });
const kernelInput = (what: string, t: Tensor) => ({ storage: t.liveRef(what).handle, shape: t.shape, dtype: t.dtype, size: t.size });
const requiresGrad = (v: Tensor | readonly Tensor[] | undefined): boolean =>
  v !== undefined && (Array.isArray(v) ? v.some((t) => t.requiresGrad) : (v as Tensor).requiresGrad);
