// MlpEncoder: shapes, parameter names, gradients reaching every layer, and config errors.
import { manualSeed, randn, tensor, tidy } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { MlpEncoder, mlpEncoderProvider } from './mlp-encoder.ts';

describe('MlpEncoder', () => {
  it('maps features [B, F] to one token of states [B, 1, D]', () => {
    manualSeed(0);
    const enc = new MlpEncoder({ inputDim: 3, dim: 8, depth: 3 });
    const { states, mask } = enc.forward({ features: randn([5, 3]) });
    expect(states.shape).toEqual([5, 1, 8]);
    expect(mask).toBeUndefined();
    expect(enc.dim).toBe(8);
    expect(enc.inputs).toEqual(['features']);
    expect(enc.modality).toBe('vision');
  });

  it('names its parameters layers.<i> with F → D first, then D → D', () => {
    const enc = new MlpEncoder({ inputDim: 2, dim: 4, depth: 2 });
    expect(enc.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'layers.0.weight 4x2',
      'layers.0.bias 4',
      'layers.1.weight 4x4',
      'layers.1.bias 4',
    ]);
    expect(enc.numParameters()).toBe(12 + 20);
  });

  describe('applies its activation after each layer (identity weights, zero biases, two layers: act(act(x)))', () => {
    const x = [-3, -1, 0.5, 2];
    /** A depth-2, 4-wide encoder whose Linears are the identity, so the states are act(act(x)). */
    const identityEncoder = (activation?: string): MlpEncoder => {
      const enc = new MlpEncoder({ inputDim: 4, dim: 4, depth: 2, field: 'x', modality: 'points', ...(activation ? { activation } : {}) });
      for (const layer of enc.layers) {
        layer.weight.assign(tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [4, 4]));
        layer.bias!.assign(tensor([0, 0, 0, 0], [4]));
      }
      return enc;
    };
    const run = (enc: MlpEncoder): number[] => [...enc.forward({ x: tensor([x], [1, 4]) }).states.dataSync()];
    const expectClose = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i], `x = ${x[i]}`).toBeCloseTo(w, 5));

    it("'gelu' (the default, exact erf form): 0.5·x·(1 + erf(x/√2)), twice", () => {
      const enc = identityEncoder();
      // GELU(GELU(x)) from Python's math.erf; the tanh form differs by > 1e-4 at x = −3 and −1.
      expectClose(run(enc), [-0.0020183044030485, -0.0693276254766414, 0.2196180352130484, 1.9050097055649646]);
      expect(enc.inputs).toEqual(['x']);
      expect(enc.modality).toBe('points');
    });

    it("'gelu-tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), twice", () => {
      expectClose(run(identityEncoder('gelu-tanh')), [-0.0018134177984079, -0.0693850240527509, 0.2196005357034417, 1.9051752657785717]);
    });

    it("'relu': max(x, 0)", () => {
      expect(run(identityEncoder('relu'))).toEqual([0, 0, 0.5, 2]);
    });
  });

  it('lets the gradient reach every layer', () => {
    manualSeed(1);
    const enc = new MlpEncoder({ inputDim: 2, dim: 4, depth: 3 });
    tidy(() => enc.forward({ features: randn([6, 2]) }).states.sum().backward());
    for (const [name, p] of enc.namedParameters()) expect(p.grad?.shape, name).toEqual(p.shape);
    enc.zeroGrad();
  });

  it('names the field and the expected shape when the batch does not fit', () => {
    const enc = new MlpEncoder({ inputDim: 2, dim: 4 });
    expect(() => enc.forward({ image: randn([1, 2]) })).toThrow("mlp: the batch has no 'features' field (fields: image)");
    expect(() => enc.forward({ features: randn([3, 5]) })).toThrow("mlp: 'features' must be [B, 2], got [3, 5]");
  });

  it('names the option, the value and what was expected in config errors', () => {
    const create = (config: Record<string, unknown>) => () => mlpEncoderProvider.create(config, { seed: 0 });
    expect(create({ dim: 4 })).toThrow('mlp: inputDim must be an integer ≥ 1, got undefined');
    expect(create({ inputDim: 2, dim: 4, depth: 0 })).toThrow('mlp: depth must be an integer ≥ 1, got 0');
    expect(create({ inputDim: 2, dim: 4, activation: 'tanh' })).toThrow("mlp: activation must be one of 'gelu', 'gelu-tanh', 'relu', got 'tanh'");
    expect(create({ inputDim: 2, dim: 4, width: 3 })).toThrow(
      "mlp: unknown option 'width' (known: name, inputDim, dim, depth, field, modality, activation, dropout)",
    );
  });
});
