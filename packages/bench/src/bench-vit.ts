// The bench ViT of issues 5 and 6 (batch 64 of 1×28×28, patch 4 → 49 patches + class token, dim 64,
// depth 4, heads 4, MLP 128, pre-norm, GELU, LayerNorm eps 1e-6, class-token head over 10 classes,
// cross-entropy, AdamW lr 1e-3 wd 0.05) and the timing of one training step on any backend.
// torch_bench.py builds the same model in PyTorch.
import { concat, crossEntropy, manualSeed, randn, setBackend, tensor, tidy, zeros, type Backend, type Tensor } from '@crossmodal/tensor';
import { AdamW, LayerNorm, Linear, Module, Parameter, TransformerLayer, truncNormal_ } from '@crossmodal/nn';
import { measure, type SamplePlan } from './harness.ts';

/** The bench ViT, as data. */
export const BENCH_VIT = { batch: 64, image: 28, patch: 4, dim: 64, depth: 4, heads: 4, mlpDim: 128, classes: 10, eps: 1e-6 } as const;
const CFG = BENCH_VIT;
const GRID = CFG.image / CFG.patch; // 7
const TOKENS = GRID * GRID + 1; // 49 patches + class token

/** Pre-norm ViT over 1×28×28 images: linear patch embedding, class token, learned positions. */
export class BenchVit extends Module {
  readonly patchEmbed = new Linear(CFG.patch * CFG.patch, CFG.dim);
  readonly clsToken = new Parameter(truncNormal_(zeros([1, 1, CFG.dim])));
  readonly pos = new Parameter(truncNormal_(zeros([1, TOKENS, CFG.dim])));
  readonly blocks = Array.from({ length: CFG.depth }, () =>
    new TransformerLayer({ dim: CFG.dim, heads: CFG.heads, mlpDim: CFG.mlpDim, norm: 'pre', activation: 'gelu', eps: CFG.eps }));
  readonly norm = new LayerNorm(CFG.dim, { eps: CFG.eps });
  readonly head = new Linear(CFG.dim, CFG.classes);

  /** x [B, 1, 28, 28] → logits [B, 10] */
  forward(x: Tensor): Tensor {
    const b = x.shape[0]!;
    const patches = x
      .reshape([b, GRID, CFG.patch, GRID, CFG.patch]) // [B, 7, 4, 7, 4]
      .permute([0, 1, 3, 2, 4]) // [B, 7, 7, 4, 4]
      .reshape([b, GRID * GRID, CFG.patch * CFG.patch]); // [B, 49, 16]
    const cls = this.clsToken.expand([b, 1, CFG.dim]); // [B, 1, 64]
    let h = concat([cls, this.patchEmbed.forward(patches)], 1).add(this.pos); // [B, 50, 64]
    for (const block of this.blocks) h = block.forward(h).out;
    const first = this.norm.forward(h).slice([0, 0, 0], [b, 1, CFG.dim]).reshape([b, CFG.dim]); // [B, 64]
    return this.head.forward(first); // [B, 10]
  }
}

/** Median ms of `plan.samples` bench-ViT training steps (after warm-up) on `on`; `sync` ends each step. */
export async function vitStepMs(on: Backend, sync: () => Promise<void>, plan: SamplePlan): Promise<number> {
  const prev = setBackend(on);
  try {
    manualSeed(0);
    const x = randn([CFG.batch, 1, CFG.image, CFG.image]);
    const y = tensor(Array.from({ length: CFG.batch }, (_, i) => i % CFG.classes), [CFG.batch], { dtype: 'int32' });
    const model = new BenchVit();
    const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
    const t = await measure(async () => {
      tidy(() => crossEntropy(model.forward(x), y).backward());
      opt.step();
      opt.zeroGrad();
      await sync();
    }, plan);
    opt.disposeState();
    model.dispose();
    x.dispose();
    y.dispose();
    return t.ms;
  } finally {
    setBackend(prev);
  }
}
