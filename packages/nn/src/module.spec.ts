// Module and Parameter: discovery and naming, modes, gradients, disposal, and state dicts.
import { describe, expect, it } from 'vitest';
import { arange, memory, ones, randn, tensor, tidy, zeros, type Tensor } from '@crossmodal/tensor';
import { Module } from './module.ts';
import { Parameter } from './parameter.ts';
import { StateDictError } from './state-dict.ts';
import { LayerNorm } from './layers/layer-norm.ts';
import { Linear } from './layers/linear.ts';

class Block extends Module {
  readonly norm = new LayerNorm(4);
  readonly fc = new Linear(4, 3);
  readonly scale = new Parameter(ones([1]));
}

class Net extends Module {
  readonly embed = new Parameter(zeros([10, 4]));
  readonly blocks = [new Block(), new Block()];
  readonly head: Linear;
  readonly notAModule = { fc: new Linear(2, 2) }; // plain objects are not searched
  readonly depth = 2;
  positionIds: Tensor;
  constructor() {
    super();
    this.head = new Linear(3, 2, { bias: false });
    this.positionIds = this.registerBuffer('positionIds', arange(0, 5));
  }
}

describe('Parameter', () => {
  it('takes over the storage of its source and survives tidy', () => {
    const before = memory();
    const p = tidy(() => new Parameter(tensor([1, 2, 3])));
    expect(p.requiresGrad).toBe(true);
    expect(Array.from(p.dataSync())).toEqual([1, 2, 3]);
    expect(memory().tensors - before.tensors).toBe(1);
    expect(memory().storages - before.storages).toBe(1);
    p.dispose();
    expect(memory().storages).toBe(before.storages);
  });

  it('rejects int32 values and wrapping another Parameter', () => {
    expect(() => new Parameter(tensor([1], undefined, { dtype: 'int32' }))).toThrow(/float32/);
    const p = new Parameter(zeros([2]));
    expect(() => new Parameter(p)).toThrow(/already a Parameter/);
    p.dispose();
  });
});

describe('Module', () => {
  it('names parameters with dotted paths in declaration order, lists by index', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'embed',
      'blocks.0.scale',
      'blocks.0.norm.weight',
      'blocks.0.norm.bias',
      'blocks.0.fc.weight',
      'blocks.0.fc.bias',
      'blocks.1.scale',
      'blocks.1.norm.weight',
      'blocks.1.norm.bias',
      'blocks.1.fc.weight',
      'blocks.1.fc.bias',
      'head.weight',
    ]);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'blocks.0', 'blocks.0.norm', 'blocks.0.fc', 'blocks.1', 'blocks.1.norm', 'blocks.1.fc', 'head']);
    expect(net.parameters()[0]).toBe(net.embed);
    expect(net.numParameters()).toBe(40 + 2 * (1 + 4 + 4 + 12 + 3) + 6);
    net.dispose();
    net.notAModule.fc.dispose();
  });

  it('lists a shared (tied) parameter once in parameters() and under each name in stateDict()', () => {
    class Tied extends Module {
      readonly a = new Linear(2, 2, { bias: false });
      readonly b = new Linear(2, 2, { bias: false });
    }
    const m = new Tied();
    const extra = m.b.weight;
    Object.assign(m.b, { weight: m.a.weight });
    expect(m.parameters()).toHaveLength(1);
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'b.weight']);
    m.dispose();
    extra.dispose();
  });

  it('puts parameters, then buffers, then children in the state dict', () => {
    const net = new Net();
    const keys = Object.keys(net.stateDict());
    expect(keys.slice(0, 2)).toEqual(['embed', 'positionIds']);
    expect(keys.at(-1)).toBe('head.weight');
    expect(net.stateDict()['positionIds']).toBe(net.positionIds);
    net.dispose();
    net.notAModule.fc.dispose();
  });

  it('switches train/eval mode on every descendant', () => {
    const net = new Net();
    expect(net.eval().namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(net.train().namedModules().every(([, m]) => m.training)).toBe(true);
    net.dispose();
    net.notAModule.fc.dispose();
  });

  it('zeroGrad frees every gradient', () => {
    const fc = new Linear(3, 2);
    tidy(() => fc.forward(randn([4, 3])).sum().backward());
    expect(fc.weight.grad?.shape).toEqual([2, 3]);
    const before = memory().tensors;
    fc.zeroGrad();
    expect(fc.weight.grad).toBeNull();
    expect(fc.bias!.grad).toBeNull();
    expect(memory().tensors).toBe(before - 2);
    fc.dispose();
  });

  it('dispose frees every parameter and buffer', () => {
    const before = memory();
    const net = new Net();
    net.notAModule.fc.dispose();
    net.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().storages).toBe(before.storages);
  });

  it('rejects a buffer that would shadow a parameter or child', () => {
    const block = new Block();
    expect(() => block.registerBuffer('fc', zeros([1]))).toThrow(/'fc' is already a Linear field/);
    expect(() => block.registerBuffer('a.b', zeros([1]))).toThrow(/not a valid name/);
    block.dispose();
  });
});

describe('Module state dicts', () => {
  it('round-trips: loading one model into another makes them compute the same', () => {
    const a = new Block();
    const b = new Block();
    b.loadStateDict(a.stateDict());
    const x = randn([2, 4]);
    const ya = a.fc.forward(a.norm.forward(x));
    const yb = b.fc.forward(b.norm.forward(x));
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    // Parameters stay the same objects (optimizers hold them) and remain leaves with grads on.
    expect(b.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
    for (const t of [x, ya, yb]) t.dispose();
    a.dispose();
    b.dispose();
  });

  it('keeps the loaded values after the source tensors are disposed', () => {
    const b = new Block();
    const sd: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(b.stateDict())) sd[k] = v.shape.length === 2 ? ones(v.shape) : ones(v.shape).mul(2);
    b.loadStateDict(sd);
    for (const t of Object.values(sd)) t.dispose();
    expect(Array.from(b.fc.weight.dataSync())).toEqual(Array(12).fill(1));
    expect(Array.from(b.scale.dataSync())).toEqual([2]);
    b.dispose();
  });

  it('lists missing, unexpected and mis-shaped keys in one error, and writes nothing', () => {
    const b = new Block();
    const before = Array.from(b.fc.weight.dataSync());
    const sd: Record<string, Tensor> = { ...b.stateDict() };
    delete sd['norm.bias'];
    sd['fc.extra'] = zeros([1]);
    sd['fc.weight'] = zeros([4, 3]);
    sd['scale'] = zeros([2]);
    let err: unknown;
    try {
      b.loadStateDict(sd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const message = (err as Error).message;
    expect(message).toContain('missing keys (1): norm.bias');
    expect(message).toContain('unexpected keys (1): fc.extra');
    expect(message).toContain('fc.weight: expected [3, 4] float32, got [4, 3] float32');
    expect(message).toContain('scale: expected [1] float32, got [2] float32');
    expect((err as StateDictError).misShaped.map((m) => m.key)).toEqual(['scale', 'fc.weight']);
    expect(Array.from(b.fc.weight.dataSync())).toEqual(before);
    sd['fc.extra']!.dispose();
    sd['fc.weight']!.dispose();
    sd['scale']!.dispose();
    b.dispose();
  });

  it('non-strict mode ignores missing and unexpected keys but still rejects mis-shaped ones', () => {
    const b = new Block();
    const w = ones([3, 4]);
    const extra = zeros([1]);
    const result = b.loadStateDict({ 'fc.weight': w, 'other.thing': extra }, { strict: false });
    expect(result.missing).toEqual(['scale', 'norm.weight', 'norm.bias', 'fc.bias']);
    expect(result.unexpected).toEqual(['other.thing']);
    expect(Array.from(b.fc.weight.dataSync())).toEqual(Array(12).fill(1));
    const bad = zeros([4, 3]);
    expect(() => b.loadStateDict({ 'fc.weight': bad }, { strict: false })).toThrow(/mis-shaped keys \(1\):\n {4}fc\.weight: expected \[3, 4\] float32, got \[4, 3\] float32/);
    for (const t of [w, extra, bad]) t.dispose();
    b.dispose();
  });

  it('restores buffers, including int32 ones', () => {
    const net = new Net();
    const ids = tensor([4, 3, 2, 1, 0], undefined, { dtype: 'int32' });
    net.loadStateDict({ positionIds: ids }, { strict: false });
    expect(Array.from(net.positionIds.dataSync())).toEqual([4, 3, 2, 1, 0]);
    const wrongType = tensor([0, 1, 2, 3, 4]);
    expect(() => net.loadStateDict({ positionIds: wrongType }, { strict: false })).toThrow(/positionIds: expected \[5\] int32, got \[5\] float32/);
    for (const t of [ids, wrongType]) t.dispose();
    net.dispose();
    net.notAModule.fc.dispose();
  });
});
