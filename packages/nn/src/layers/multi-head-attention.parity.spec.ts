// Parity of MultiHeadAttention with torch.nn.MultiheadAttention (PyTorch 1.13): the same weights,
// input and key-padding mask give the same output, per-head probabilities and gradients (≤ 1e-5).
import { describe, expect, it } from 'vitest';
import golden from '../../fixtures/mha.golden.json' with { type: 'json' };
import { tidy } from '@crossmodal/tensor';
import { expectAllClose, fromGolden, fromGoldenMap, type GoldenTensor } from '@crossmodal/tensor/testing';
import { MultiHeadAttention, fromTorchMultiheadAttention } from '../index.ts';

interface MhaFixture {
  config: { dim: number; heads: number };
  state: Record<string, GoldenTensor>;
  x: GoldenTensor;
  keyPaddingMask: GoldenTensor;
  w: GoldenTensor;
  out: GoldenTensor;
  probs: GoldenTensor;
  grads: Record<string, GoldenTensor>;
}

const fx = golden as unknown as MhaFixture;
const tol = { atol: 1e-5, rtol: 1e-5 };

describe('MultiHeadAttention against torch.nn.MultiheadAttention', () => {
  it('matches output, per-head probabilities and every gradient to 1e-5', () => {
    const attn = new MultiHeadAttention({ dim: fx.config.dim, heads: fx.config.heads });
    tidy(() => {
      const mapped = fromTorchMultiheadAttention(fromGoldenMap(fx.state));
      attn.loadStateDict(mapped);
      const x = fromGolden(fx.x, { requiresGrad: true });
      const { out, probs } = attn.forward(x, { keyPaddingMask: fromGolden(fx.keyPaddingMask), returnProbs: true });
      expectAllClose(out, fromGolden(fx.out), tol);
      expectAllClose(probs!, fromGolden(fx.probs), tol);
      out.mul(fromGolden(fx.w)).sum().backward();
      expectAllClose(x.grad!, fromGolden(fx.grads.x!), tol);
      // torch's parameter gradients, mapped onto our names the same way as the weights.
      const torchGrads = fromTorchMultiheadAttention(fromGoldenMap({
        in_proj_weight: fx.grads.in_proj_weight!, in_proj_bias: fx.grads.in_proj_bias!,
        'out_proj.weight': fx.grads['out_proj.weight']!, 'out_proj.bias': fx.grads['out_proj.bias']!,
      }));
      const ours = Object.fromEntries(attn.namedParameters());
      expect(Object.keys(ours).sort()).toEqual(Object.keys(torchGrads).sort());
      for (const [name, g] of Object.entries(torchGrads)) expectAllClose(ours[name]!.grad!, g, tol);
      x.dispose();
    });
    attn.dispose();
  });
});
