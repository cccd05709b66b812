// WebGPU under Deno: navigator.gpu (run with --unstable-webgpu) gives a device on lavapipe here.
// A few ops' parity with the CPU oracle (forward and gradients) and one training step of a small
// transformer on WebGPU against the oracle.
import { createWebGpuBackend } from '@crossmodal/backend-webgpu';
import { Linear, TransformerLayer } from '@crossmodal/nn';
import { createCpuBackend, crossEntropy, manualSeed, randn, setBackend, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose, compareBackends, conformanceCases } from '@crossmodal/tensor/testing';

const gpu = await createWebGpuBackend();
const cpu = createCpuBackend();
const loose = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: 'WebGPU through navigator.gpu matches the CPU oracle on a few ops, forward and gradients',
  ...loose,
  fn: async () => {
    if (gpu.acquired.source !== 'navigator.gpu') throw new Error(`expected a navigator.gpu device, got ${gpu.acquired.source}`);
    for (const name of ['add broadcast', 'gelu exact', 'matmul batched broadcast', 'softmax', 'layerNorm affine', 'attention self']) {
      const c = conformanceCases.find((x) => x.name === name);
      if (!c) throw new Error(`no conformance case '${name}'`);
      const msg = await compareBackends(c.run, c.inputs, gpu, cpu, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 2 });
      if (msg) throw new Error(`${name}: ${msg}`);
    }
  },
});

/** Loss and gradients of one step of a 1-layer pre-norm transformer classifier on `backend`, from seed 7. */
async function step(backend: Backend): Promise<{ loss: number; grads: Map<string, { shape: readonly number[]; data: ArrayLike<number> }> }> {
  const prev = setBackend(backend);
  try {
    manualSeed(7);
    const layer = new TransformerLayer({ dim: 16, heads: 2, mlpDim: 32, norm: 'pre' });
    const head = new Linear(16, 3);
    const x = randn([4, 5, 16]);
    const y = tensor([0, 2, 1, 2], [4], { dtype: 'int32' });
    const h: Tensor = layer.forward(x).out.mean(1);
    const loss = crossEntropy(head.forward(h), y);
    loss.backward();
    const grads = new Map<string, { shape: readonly number[]; data: ArrayLike<number> }>();
    for (const [name, p] of [...layer.namedParameters(), ...head.namedParameters().map(([n, t]) => [`head.${n}`, t] as const)]) {
      grads.set(name, { shape: p.shape, data: await p.grad!.data() });
    }
    return { loss: (await loss.data())[0]!, grads };
  } finally {
    setBackend(prev);
  }
}

Deno.test({
  name: 'one training step of a small transformer on WebGPU matches the oracle (loss and every gradient)',
  ...loose,
  fn: async () => {
    const [a, b] = [await step(cpu), await step(gpu)];
    if (Math.abs(a.loss - b.loss) > 1e-4 * Math.abs(a.loss)) throw new Error(`loss: cpu ${a.loss}, webgpu ${b.loss}`);
    for (const [name, g] of a.grads) {
      const msg = allClose(b.grads.get(name)!, g, { atol: 1e-5, rtol: 1e-3 });
      if (msg) throw new Error(`gradient of ${name}: ${msg}`);
    }
  },
});
