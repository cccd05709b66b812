// The Node side of refer's files: where `refs(<splitBy>).p` and `instances.json` of a dataset lie
// under refer's data root, and reading them into a Refer index.
import { parseJsonText } from '@crossmodal/core';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseInstances } from './instances.ts';
import { Refer, type ReferDataset, type SplitBy } from './refer.ts';
import { parseRefsPickle } from './refs-pickle.ts';

/** The two files of one dataset and split-by. */
export interface ReferFiles {
  readonly refs: string;
  readonly instances: string;
}

/**
 * Finds `refs(<splitBy>).p` and `instances.json`: in `<path>/<dataset>/` (refer's data root, as
 * `REFER(data_root, dataset, splitBy)` reads it) or in `path` itself (the dataset's own folder).
 * An error lists the places tried.
 * @example
 * locateRefer('data', 'refcoco+', 'unc'); // { refs: 'data/refcoco+/refs(unc).p', instances: 'data/refcoco+/instances.json' }
 */
export function locateRefer(path: string, dataset: ReferDataset, splitBy: SplitBy): ReferFiles {
  const refsName = `refs(${splitBy}).p`;
  const tried = [join(path, dataset), path];
  for (const dir of tried) {
    if (existsSync(join(dir, refsName))) {
      const instances = join(dir, 'instances.json');
      if (!existsSync(instances)) throw new RangeError(`${dataset}: found ${join(dir, refsName)} but not ${instances} beside it`);
      return { refs: join(dir, refsName), instances };
    }
  }
  throw new RangeError(
    `${dataset}: no ${refsName} in ${tried.join(' or ')}; path must be refer's data root (holding ${dataset}/${refsName} and ` +
      `${dataset}/instances.json, unzipped from ${dataset}.zip) or the ${dataset} folder itself`,
  );
}

/**
 * Reads and joins one dataset's refs and instances (refer's REFER constructor).
 * @example
 * const refer = await loadRefer('data', 'refcoco', 'unc');
 * refer.expressions('val').length;
 */
export async function loadRefer(path: string, dataset: ReferDataset, splitBy: SplitBy): Promise<Refer> {
  const files = locateRefer(path, dataset, splitBy);
  const [refsBytes, instancesText] = await Promise.all([readFile(files.refs), readFile(files.instances, 'utf8')]);
  const refs = parseRefsPickle(new Uint8Array(refsBytes.buffer, refsBytes.byteOffset, refsBytes.byteLength), files.refs);
  const instances = parseInstances(parseJsonText(instancesText, files.instances), files.instances);
  return new Refer(refs, instances, files.refs);
}
