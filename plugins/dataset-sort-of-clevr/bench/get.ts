// How fast `sort-of-clevr` makes examples: `get` per view, in a random order (every example makes
// its image again: what a shuffled loader sees) and in order (the last image is cached), then what
// one image costs stage by stage. The README's figures come from this script:
//   npx tsx plugins/dataset-sort-of-clevr/bench/get.ts        options: --examples=N (default 4000)
import { measure, type SamplePlan } from '@crossmodal/bench';
import { fmix32, Generator } from '@crossmodal/tensor';
import { askQuestions } from '../src/questions.ts';
import { buildRegions } from '../src/regions.ts';
import { generateScene, renderChw } from '../src/scene.ts';
import { SortOfClevrDataset } from '../src/sort-of-clevr-dataset.ts';
import { resolveSortOfClevrConfig, VIEWS } from '../src/sort-of-clevr.config.ts';
import { captionsFor, referringExpressions } from '../src/tasks.ts';

const examples = Number(process.argv.slice(2).find((a) => a.startsWith('--examples='))?.slice(11) ?? 4000);
if (!(Number.isInteger(examples) && examples > 0)) throw new RangeError(`--examples must be a positive integer, got ${examples}`);
const plan: SamplePlan = { warmup: 1, samples: 5, minSampleSeconds: 0 };

const images = 10_000;
// A fixed shuffle of every example index, the same each run.
const gen = new Generator(1);
const order = Array.from({ length: images * 20 }, (_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(gen.uniform() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}

console.log(`sort-of-clevr get, ${examples} examples per sample, median of ${plan.samples} (Node ${process.version}):`);
for (const view of VIEWS) {
  const dataset = new SortOfClevrDataset(resolveSortOfClevrConfig({ images, view, distractors: view === 'pixels' ? 0 : 4 }, { seed: 0 }));
  const rate = async (index: (k: number) => number): Promise<number> => {
    const t = await measure(async () => {
      for (let k = 0; k < examples; k++) dataset.get(index(k));
    }, plan);
    return examples / (t.ms / 1000);
  };
  const random = await rate((k) => order[k]!);
  const sequential = await rate((k) => k);
  console.log(`  ${view.padEnd(7)} random ${(random / 1000).toFixed(1)}k/s   in order ${(sequential / 1000).toFixed(1)}k/s`);
}

// One image stage by stage (what `image(i)` does), microseconds per image.
const seeds = Array.from({ length: 1000 }, (_, i) => fmix32(i + 1));
const scenes = seeds.map((s) => generateScene(new Generator(s)));
const pixels = scenes.map(renderChw);
const questions = scenes.map((s, i) => askQuestions(s, new Generator(seeds[i]!)));
const stage = async (name: string, body: (i: number) => void): Promise<void> => {
  const t = await measure(async () => seeds.forEach((_, i) => body(i)), plan);
  console.log(`  ${name.padEnd(30)} ${((t.ms * 1000) / seeds.length).toFixed(1)} µs/image`);
};
console.log('one image, by stage:');
await stage('scene + questions', (i) => askQuestions(generateScene(new Generator(seeds[i]!)), new Generator(seeds[i]!)));
await stage('render [3, 75, 75]', (i) => renderChw(scenes[i]!));
await stage('regions (4 distractors, k = 5)', (i) => buildRegions(scenes[i]!, pixels[i]!, new Generator(seeds[i]!), { distractors: 4, cropSize: 5 }));
await stage('expressions + captions', (i) => {
  referringExpressions(scenes[i]!, new Generator(seeds[i]!));
  captionsFor(questions[i]!, new Generator(seeds[i]!));
});
