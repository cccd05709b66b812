// Parity with PyTorch 1.13: forward values and gradients of Σ out·w for a handful of ops.
import { describe, expect, it } from 'vitest';
import golden from '../fixtures/ops.golden.json' with { type: 'json' };
import {
  binaryCrossEntropyWithLogits, crossEntropy, gelu, layerNorm, logSoftmax, matmul, scaledDotProductAttention, softmax, tidy, type Tensor,
} from './index.ts';
import { expectAllClose, fromGolden, fromGoldenMap, type GoldenCase } from './testing/index.ts';

type Run = (x: Record<string, Tensor>, attrs: Record<string, unknown>) => Tensor | { out: Tensor; probs?: Tensor };

const runs: Record<string, Run> = {
  matmul_batched_broadcast: ({ a, b }) => matmul(a!, b!),
  matmul_transB: ({ a, b }) => matmul(a!, b!, { transB: true }),
  softmax: ({ x }) => softmax(x!, -1),
  log_softmax: ({ x }) => logSoftmax(x!, -1),
  layer_norm: ({ x, weight, bias }, { eps }) => layerNorm(x!, weight, bias, eps as number),
  gelu: ({ x }) => gelu(x!),
  gelu_tanh: ({ x }) => gelu(x!, 'tanh'),
  tanh_sigmoid_exp: ({ x }) => x!.tanh().mul(x!.sigmoid()).add(x!.mul(0.5).exp()),
  div_sqrt_log: ({ a, b }) => a!.div(b!.abs().add(0.5).sqrt()).add(b!.abs().add(1).log()),
  reductions: ({ x }) => x!.sum(1, true).mul(x!.mean(0)).add(x!.max(-1, true)),
  cross_entropy: ({ logits, target }, { ignoreIndex, labelSmoothing }) =>
    crossEntropy(logits!, target!, { ignoreIndex: ignoreIndex as number, labelSmoothing: labelSmoothing as number }),
  bce_with_logits: ({ logits, target, pos_weight }) => binaryCrossEntropyWithLogits(logits!, target!, { posWeight: pos_weight! }),
  attention_key_padding: ({ q, k, v, mask }) =>
    scaledDotProductAttention(q!, k!, v!, { mask: mask!.reshape([mask!.shape[0]!, 1, 1, mask!.shape[1]!]), returnProbs: true }),
};

const cases = golden.cases as unknown as Record<string, GoldenCase>;
const tol = { atol: 1e-5, rtol: 1e-5 };

describe('parity with PyTorch 1.13 fixtures', () => {
  it('covers every fixture case', () => {
    expect(Object.keys(runs).sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.keys(cases))('%s matches forward and gradients to 1e-5', (name) => {
    const c = cases[name]!;
    tidy(() => {
      const leaves = fromGoldenMap(c.inputs, { requiresGrad: true });
      const ints = fromGoldenMap(c.intInputs ?? {});
      const result = runs[name]!({ ...leaves, ...ints }, c.attrs ?? {});
      const outs: Record<string, Tensor | undefined> = 'shape' in result ? { out: result } : result;
      for (const [k, g] of Object.entries(c.outputs)) expectAllClose(outs[k]!, fromGolden(g), tol);
      outs.out!.mul(fromGolden(c.w)).sum().backward();
      for (const [k, g] of Object.entries(c.grads)) expectAllClose(leaves[k]!.grad!, fromGolden(g), tol);
      for (const t of Object.values(leaves)) t.dispose();
    });
  });
});
