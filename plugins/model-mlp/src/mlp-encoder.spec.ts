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

  it('applies GELU after each layer: zero weights and biases give GELU(0) = 0', () => {
    const enc = new MlpEncoder({ inputDim: 2, dim: 2, depth: 1, field: 'x', modality: 'points' });
    for (const [, p] of enc.namedParameters()) p.assign(tensor(new Float32Array(p.size), p.shape));
    const { states } = enc.forward({ x: tensor([[1, 2]], [1, 2]) });
    expect([...states.dataSync()]).toEqual([0, 0]);
    expect(enc.inputs).toEqual(['x']);
    expect(enc.modality).toBe('points');
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
