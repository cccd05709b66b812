// One training step of a 1-layer pre-norm transformer classifier from seed 7, shared by the
// backend suites: the loss and every parameter gradient, read back to the host.
import { Linear, TransformerLayer } from '@crossmodal/nn';
import { crossEntropy, manualSeed, randn, setBackend, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';

type HostGrad = { shape: readonly number[]; data: ArrayLike<number> };

/** Loss and gradients of one step on `backend`. */
export async function transformerStep(backend: Backend): Promise<{ loss: number; grads: Map<string, HostGrad> }> {
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
    const grads = new Map<string, HostGrad>();
    for (const [name, p] of [...layer.namedParameters(), ...head.namedParameters().map(([n, t]) => [`head.${n}`, t] as const)]) {
      grads.set(name, { shape: p.shape, data: await p.grad!.data() });
    }
    return { loss: (await loss.data())[0]!, grads };
  } finally {
    setBackend(prev);
  }
}

/** Throws unless `backend`'s step matches the reference's: loss to 1e-4 relative, gradients to 1e-3. */
export async function expectSameStep(backend: Backend, reference: Backend): Promise<void> {
  const [a, b] = [await transformerStep(reference), await transformerStep(backend)];
  if (Math.abs(a.loss - b.loss) > 1e-4 * Math.abs(a.loss)) throw new Error(`loss: ${reference.id} ${a.loss}, ${backend.id} ${b.loss}`);
  for (const [name, g] of a.grads) {
    const msg = allClose(b.grads.get(name)!, g, { atol: 1e-5, rtol: 1e-3 });
    if (msg) throw new Error(`gradient of ${name}: ${msg}`);
  }
}
