// The native backend under Deno: the same .node addon, loaded through Deno's Node-API support
// (`createRequire` from node:module; run with -A). A conformance smoke against the CPU oracle
// (forward and gradients) and one training step of a small transformer against the oracle.
import { createNativeBackend, loadAddon } from '@crossmodal/backend-native';
import { Linear, TransformerLayer } from '@crossmodal/nn';
import { createCpuBackend, crossEntropy, manualSeed, randn, setBackend, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose, compareBackends, conformanceCases } from '@crossmodal/tensor/testing';

const load = loadAddon();
if (!load.ok) throw new Error(`the native addon must load under Deno: ${load.reason}`);
const native = createNativeBackend();
const cpu = createCpuBackend();

Deno.test('the native addon loads under Deno and reports OpenBLAS', () => {
  const info = native.addon.info();
  if (!/OpenBLAS/i.test(info.blas)) throw new Error(`unexpected BLAS: ${info.blas}`);
  if (native.threads < 1) throw new Error(`threads: ${native.threads}`);
});

Deno.test('native kernels match the CPU oracle on a conformance smoke, forward and gradients', async () => {
  for (const name of ['add broadcast', 'gelu exact', 'matmul batched broadcast', 'softmax', 'layerNorm affine', 'attention self', 'sum axes keepdim']) {
    const c = conformanceCases.find((x) => x.name === name);
    if (!c) throw new Error(`no conformance case '${name}'`);
    const msg = await compareBackends(c.run, c.inputs, native, cpu, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed: 2 });
    if (msg) throw new Error(`${name}: ${msg}`);
  }
});

/** Loss and gradients of one step of a 1-layer pre-norm transformer classifier on `backend`, from seed 7. */
function step(backend: Backend): { loss: number; grads: Map<string, { shape: readonly number[]; data: ArrayLike<number> }> } {
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
      grads.set(name, { shape: p.shape, data: p.grad!.dataSync() });
    }
    return { loss: loss.dataSync()[0]!, grads };
  } finally {
    setBackend(prev);
  }
}

Deno.test('one training step of a small transformer on the native backend matches the oracle (loss and every gradient)', () => {
  const [a, b] = [step(cpu), step(native)];
  if (Math.abs(a.loss - b.loss) > 1e-4 * Math.abs(a.loss)) throw new Error(`loss: cpu ${a.loss}, native ${b.loss}`);
  for (const [name, g] of a.grads) {
    const msg = allClose(b.grads.get(name)!, g, { atol: 1e-5, rtol: 1e-3 });
    if (msg) throw new Error(`gradient of ${name}: ${msg}`);
  }
});
