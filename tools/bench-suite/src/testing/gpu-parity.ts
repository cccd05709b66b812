// The parity half of the GPU run (device.ts): the checks CI's specs make on lavapipe, made here on
// whatever adapter the machine has, without a test runner (a lent GPU machine has no node_modules).
import { readFileSync } from 'node:fs';
import { createCpuBackend, crossEntropy, setBackend, type Backend, type Tensor } from '@crossmodal/tensor';
import { compareBackends, conformanceCases, scaledError } from '@crossmodal/tensor/testing';
import { decodeSafetensors } from '@crossmodal/nn';
import { VisionTransformer } from '@crossmodal/model-vit';

/** How the conformance suite went: cases that matched the CPU oracle, and each one that did not. */
export interface ConformanceOutcome {
  passed: number;
  failed: { name: string; message: string }[];
}

/** Every conformance case (forward and gradients) on `gpu` against the CPU oracle, with CI's tolerances. */
export async function conformanceOnGpu(gpu: Backend): Promise<ConformanceOutcome> {
  const oracle = createCpuBackend();
  const outcome: ConformanceOutcome = { passed: 0, failed: [] };
  for (const c of conformanceCases) {
    const msg = await compareBackends(c.run, c.inputs, gpu, oracle, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 5 });
    if (msg === null) outcome.passed++;
    else outcome.failed.push({ name: c.name, message: msg });
  }
  return outcome;
}

/** scaledError over the tensors' data, read asynchronously (a GPU tensor has no dataSync). */
async function relError(got: Tensor, want: Tensor): Promise<number> {
  return scaledError({ shape: got.shape, data: await got.data() }, { shape: want.shape, data: await want.data() });
}

/**
 * The ViT fixture of tools/golden/make_vit_fixture.py (a timm-named PyTorch reference) on `gpu`: the
 * relative error of the logits, every attention map, the loss and every parameter's gradient, for
 * class-token and mean pooling (vit.parity.spec.ts asserts ≤ 1e-4 on the CI backends).
 */
export async function vitParityOnGpu(gpu: Backend, fixturePath: string): Promise<{ check: string; relError: number }[]> {
  setBackend(gpu);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(fixturePath)));
  const rows: { check: string; relError: number }[] = [];
  for (const prefix of ['token', 'avg'] as const) {
    const meta = metadata[prefix];
    if (meta === undefined) throw new Error(`${fixturePath}: no '${prefix}' model in the fixture's metadata (keys: ${Object.keys(metadata).join(', ')})`);
    const arch = JSON.parse(meta) as Record<string, number | string>;
    const t = (name: string): Tensor => tensors[`${prefix}.${name}`]!.to(gpu);
    const vit = new VisionTransformer({
      dim: Number(arch['dim']), depth: Number(arch['depth']), heads: Number(arch['heads']), mlpRatio: Number(arch['mlp_ratio']),
      patchSize: Number(arch['patch']), imageSize: Number(arch['image']), channels: Number(arch['channels']),
      numClasses: Number(arch['classes']), pool: arch['pool'] === 'avg' ? 'avg' : 'token',
    });
    vit.loadStateDict(Object.fromEntries(Object.entries(tensors)
      .filter(([k]) => k.startsWith(`${prefix}.param.`)).map(([k, v]) => [k.slice(`${prefix}.param.`.length), v.to(gpu)])));
    const { logits, attention } = vit.eval().forward(t('input'), { returnProbs: true });
    rows.push({ check: `${prefix} logits`, relError: await relError(logits, t('logits')) });
    for (const [i, p] of attention!.entries()) rows.push({ check: `${prefix} attn.${i}`, relError: await relError(p, t(`attn.${i}`)) });
    rows.push({ check: `${prefix} loss`, relError: await relError(crossEntropy(logits, t('labels')).reshape([1]), t('loss')) });
    const train = vit.train().forward(t('input'));
    crossEntropy(train.logits, t('labels')).backward();
    for (const [name, p] of vit.namedParameters()) rows.push({ check: `${prefix} grad.${name}`, relError: await relError(p.grad!, t(`grad.${name}`)) });
  }
  return rows;
}
