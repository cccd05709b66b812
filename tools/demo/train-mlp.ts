// The main job for now: train a small MLP on a synthetic three-arm spiral through the engine
// (ops, autograd, tidy scopes, AdamW, cosine schedule) on the CPU oracle, printing the loss as it falls.
import { Linear, AdamW, Module, LRScheduler, cosineLR, linearWarmup } from '@crossmodal/nn';
import { argmax, crossEntropy, getBackend, manualSeed, memory, tensor, tidy, type Tensor } from '@crossmodal/tensor';

const CLASSES = 3;
const PER_CLASS = 100;
const STEPS = 400;

/** Points on three interleaved spiral arms with a little noise: a task a linear model cannot solve. */
function spirals(seed: number): { x: Float32Array; y: Int32Array } {
  let s = seed >>> 0;
  const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = new Float32Array(CLASSES * PER_CLASS * 2);
  const y = new Int32Array(CLASSES * PER_CLASS);
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < PER_CLASS; i++) {
      const r = i / PER_CLASS;
      const t = (c * 4 + r * 4) + (rand() - 0.5) * 0.4;
      const k = c * PER_CLASS + i;
      x[2 * k] = r * Math.sin(t);
      x[2 * k + 1] = r * Math.cos(t);
      y[k] = c;
    }
  }
  return { x, y };
}

/** 2 → 64 → 64 → 3 with GELU. */
class SpiralNet extends Module {
  readonly fc1 = new Linear(2, 64);
  readonly fc2 = new Linear(64, 64);
  readonly head = new Linear(64, CLASSES);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.fc2.forward(this.fc1.forward(x).gelu()).gelu()); // [N, 3]
  }
}

manualSeed(0);
const data = spirals(42);
const x = tensor(data.x, [CLASSES * PER_CLASS, 2]);
const y = tensor(data.y, [CLASSES * PER_CLASS], { dtype: 'int32' });
const model = new SpiralNet();
const optimizer = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 1e-4 });
const scheduler = new LRScheduler(optimizer, linearWarmup({ warmup: 20, then: cosineLR({ total: STEPS - 20, minLr: 1e-4 }) }));

console.log(`crossmodal demo: MLP on 3-arm spirals (${CLASSES * PER_CLASS} points, ${model.numParameters()} parameters) on backend '${getBackend().id}'`);
const started = performance.now();
let baseline = memory().tensors;
for (let step = 1; step <= STEPS; step++) {
  const loss = tidy(() => {
    optimizer.zeroGrad();
    const l = crossEntropy(model.forward(x), y);
    l.backward();
    optimizer.step();
    return l.item();
  });
  scheduler.step();
  if (step === 1) baseline = memory().tensors;
  if (step === 1 || step % 50 === 0) console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  lr ${optimizer.paramGroups[0]!.lr.toExponential(2)}`);
}
const accuracy = tidy(() => argmax(model.forward(x), -1).eq(y).cast('float32').mean().item());
const seconds = (performance.now() - started) / 1000;
console.log(`train accuracy ${(accuracy * 100).toFixed(1)}% after ${STEPS} steps in ${seconds.toFixed(1)} s; live tensors ${memory().tensors} (after step 1: ${baseline})`);
if (memory().tensors !== baseline) {
  console.error('demo: live tensor count grew during training (a leak)');
  process.exit(1);
}
