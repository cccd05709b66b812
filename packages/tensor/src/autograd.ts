// Reverse-mode autograd over a tape of nodes. Each node holds its own handles to the tensors its
// gradient rule needs, so user code may dispose intermediates (tidy) before calling backward().
import type { InputSpec } from './op.ts';
import type { AnyOp } from './engine.ts';
import { fmt, shapesEqual, type Shape } from './shape.ts';
import { retainRef } from './storage.ts';
import { Tensor } from './tensor.ts';
import { keep, noGrad, tidy } from './engine.ts';
import { add, sumTo } from './ops/index.ts';
import { ones } from './creation.ts';

let nextSeq = 0;

/** @internal One recorded op application. */
export interface GradNode {
  readonly seq: number;
  readonly op: AnyOp;
  readonly attrs: object;
  /** Saved handles of the inputs, by input name (lists for variadic inputs). */
  readonly inputs: Record<string, Tensor | Tensor[] | undefined>;
  /** Saved handles of the outputs, by output name (no history of their own). */
  readonly outputs: Record<string, Tensor | undefined>;
  /** Tensors whose `_node` is this node; at zero the node frees what it saved. */
  refs: number;
  /** True once backward freed the saved tensors (retainGraph false). */
  freed: boolean;
}

type GradRule = (dy: Tensor, inputs: InputSpec, ctx: { out: Tensor; outputs: object; attrs: object; needs: Record<string, boolean> }) => Record<string, (() => Tensor | Tensor[]) | undefined>;

/** @internal records `op` applied to `inputs`, making the outputs non-leaf tensors. */
export function recordNode(op: AnyOp, inputs: InputSpec, attrs: object, outputs: Record<string, Tensor | undefined>): void {
  const saved: Record<string, Tensor | Tensor[] | undefined> = {};
  for (const name of op.inputs) {
    const v = inputs[name];
    saved[name] = v === undefined ? undefined : Array.isArray(v) ? v.map(saveInput) : saveInput(v as Tensor);
  }
  const savedOut: Record<string, Tensor | undefined> = {};
  for (const [name, t] of Object.entries(outputs)) savedOut[name] = t && saveHandle(t);
  const node: GradNode = { seq: nextSeq++, op, attrs, inputs: saved, outputs: savedOut, refs: 0, freed: false };
  const out = outputs[op.outputs[0]!]!;
  out._node = node;
  node.refs++;
  out.requiresGrad = true;
}

function saveHandle(t: Tensor): Tensor {
  return new Tensor({ ref: retainRef(t.liveRef('autograd')), shape: t.shape, dtype: t.dtype, saved: true });
}

function saveInput(t: Tensor): Tensor {
  const s = saveHandle(t);
  if (t.requiresGrad) {
    s.requiresGrad = true;
    if (t._node) {
      s._node = t._node;
      t._node.refs++;
    } else s._gradTarget = t._gradTarget ?? t;
  }
  return s;
}

/** @internal drops one reference to a node; at zero its saved tensors are released. */
export function nodeUnref(node: GradNode): void {
  if (--node.refs === 0) freeSaved(node);
}

function freeSaved(node: GradNode): void {
  node.freed = true;
  for (const v of Object.values(node.inputs)) for (const t of v === undefined ? [] : Array.isArray(v) ? v : [v]) t.dispose();
  for (const t of Object.values(node.outputs)) t?.dispose();
}

/** Every node reachable from `root`, newest first (creation order is a topological order). */
function collect(root: GradNode): GradNode[] {
  const seen = new Set<GradNode>([root]);
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const v of Object.values(n.inputs)) {
      for (const t of v === undefined ? [] : Array.isArray(v) ? v : [v]) {
        if (t._node && !seen.has(t._node)) {
          seen.add(t._node);
          stack.push(t._node);
        }
      }
    }
  }
  return [...seen].sort((a, b) => b.seq - a.seq);
}

/**
 * Accumulates d(root)/d(leaf) into every leaf's `.grad`. `root` must be a scalar unless `grad` (the
 * gradient of some scalar with respect to root) is given. Frees the graph unless `retainGraph`.
 */
export function backward(root: Tensor, grad: Tensor | undefined, { retainGraph = false }: { retainGraph?: boolean } = {}): void {
  if (!root.requiresGrad) throw new Error(`backward: ${root} does not require grad (no leaf it depends on has requiresGrad)`);
  if (grad && !shapesEqual(grad.shape, root.shape)) throw new Error(`backward: gradient ${fmt(grad.shape)} does not match ${fmt(root.shape)}`);
  if (!grad && root.size !== 1) throw new Error(`backward: root has shape ${fmt(root.shape)}; pass a gradient for non-scalar roots`);
  noGrad(() => {
    const seed = keep(grad ? new Tensor(grad) : ones(root.shape, { backend: root.backend }));
    if (!root._node) return accumulateLeaf(root, seed);
    const nodes = collect(root._node);
    for (const n of nodes) n.refs++; // hold every node until it is processed
    const grads = new Map<GradNode, Tensor>([[root._node, seed]]);
    let done = 0;
    try {
      for (const node of nodes) {
        done++; // the inner finally releases this node whatever propagate does
        const dy = grads.get(node);
        grads.delete(node);
        try {
          if (dy) propagate(node, dy, grads);
        } finally {
          dy?.dispose();
          if (!retainGraph) freeSaved(node);
          nodeUnref(node);
        }
      }
    } finally {
      for (const g of grads.values()) g.dispose();
      // When propagate threw, the nodes not reached still hold the extra reference taken above.
      for (const node of nodes.slice(done)) {
        if (!retainGraph) freeSaved(node);
        nodeUnref(node);
      }
    }
  });
}

function propagate(node: GradNode, dy: Tensor, grads: Map<GradNode, Tensor>): void {
  if (node.freed) {
    throw new Error(`backward: the graph through ${node.op.name} was freed by an earlier backward(); pass { retainGraph: true } to the first call`);
  }
  const rule = node.op.grad as GradRule;
  const out = node.outputs[node.op.outputs[0]!]!;
  const wanted = node.op.inputs.filter((name) => listOf(node.inputs[name]).some((t) => t.requiresGrad));
  const needs = Object.fromEntries(node.op.inputs.map((n) => [n, wanted.includes(n)]));
  // Every thunk of a node runs in one scope, so a rule may share one backward op among its
  // inputs (memoise it inside the rule); whatever the thunks leave unreturned is freed here.
  const computed = tidy(() => {
    const thunks = rule(dy, node.inputs, { out, outputs: node.outputs, attrs: node.attrs, needs });
    return wanted.map((name) => {
      const thunk = thunks[name];
      if (!thunk) return [];
      const list = listOf(node.inputs[name]);
      const r = thunk();
      const gs = Array.isArray(r) ? r : [r];
      // A fresh handle per gradient: rules may return dy itself or a saved tensor, which we must not own.
      return list.map((t, i) => (t.requiresGrad ? new Tensor(fitGrad(node.op.name, name, gs[i]!, t.shape)) : null));
    });
  });
  wanted.forEach((name, k) => {
    listOf(node.inputs[name]).forEach((t, i) => {
      const gi = computed[k]![i];
      if (!gi) return;
      keep(gi);
      if (t._node) {
        const prev = grads.get(t._node);
        if (prev) {
          grads.set(t._node, keep(add(prev, gi)));
          prev.dispose();
          gi.dispose();
        } else grads.set(t._node, gi);
      } else accumulateLeaf(t._gradTarget!, gi);
    });
  });
}

const listOf = (v: Tensor | Tensor[] | undefined): Tensor[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Sums a gradient over broadcast axes back to the input's shape. */
function fitGrad(op: string, input: string, g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  try {
    return sumTo(g, shape);
  } catch {
    throw new Error(`internal: gradient of ${op}.${input} has shape ${fmt(g.shape)}, input has ${fmt(shape)}`);
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.isDisposed) return g.dispose();
  if (!leaf.grad) {
    leaf.grad = g;
    return;
  }
  const sum = keep(add(leaf.grad, g));
  leaf.grad.dispose();
  g.dispose();
  leaf.grad = sum;
}
