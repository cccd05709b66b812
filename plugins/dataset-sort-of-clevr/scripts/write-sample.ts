// Writes examples/sample.png and examples/sample.txt (seed 0, train image 0); sample.spec.ts
// checks the committed files still match the generator. Run: npx tsx plugins/dataset-sort-of-clevr/scripts/write-sample.ts
import { fileURLToPath } from 'node:url';
import { writeSample } from '../src/sample.ts';

const { png, txt } = writeSample(fileURLToPath(new URL('../examples', import.meta.url)), { config: { seed: 0 } });
console.log(`wrote ${png} and ${txt}`);
