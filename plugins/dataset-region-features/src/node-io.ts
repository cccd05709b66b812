// The Node adapter, the only Node-specific file: file streams into the pure line parser, atomic
// writes, directory listing and zlib's inflate for .npz. Everything else in the package is pure.
import { openLmdbFile } from '@crossmodal/data/node';
import type { InflateRaw, NdArray } from '@crossmodal/nn';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { inflateRawSync } from 'node:zlib';
import { RegionFeatureError } from './errors.ts';
import { LineSplitter, type TextLine } from './lines.ts';
import { formatLxmertLine, parseLxmertLines, type LxmertReadOptions, type LxmertRecord } from './lxmert-tsv.ts';
import { parseNpy } from './npy.ts';
import { readNpz as parseNpz, type McanOptions, type NpzArchive } from './npz.ts';
import { LmdbRegionStore } from './lmdb-store.ts';
import { lxmertRegions, McanNpzStore, MemoryRegionStore, type RegionStoreOptions } from './region-store.ts';

/** zlib's raw inflate, bounded by the entry's declared size. */
export const nodeInflateRaw: InflateRaw = (raw, size) => inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });

/** The lines of a text file, streamed (64 KiB chunks), numbered from 1. */
export async function* readTextLines(path: string): AsyncGenerator<TextLine> {
  const split = new LineSplitter();
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    // Errors are caught while reading, not around the yields: a consumer's error passes through as is.
    const lines = (read: () => TextLine[]): TextLine[] => {
      try {
        return read();
      } catch (error) {
        throw new RegionFeatureError(`${path}: ${(error as Error).message}`, { cause: error });
      }
    };
    for await (const chunk of stream) yield* lines(() => split.push(chunk as Buffer));
    yield* lines(() => split.end());
  } finally {
    stream.destroy(); // stops reading when the consumer breaks early (topk)
  }
}

/**
 * Streams the records of an LXMERT TSV: one line in memory at a time; `topk` stops reading early.
 * @example
 * for await (const r of readLxmertTsv('data/mscoco_imgfeat/val2014_obj36.tsv', { topk: 10 })) r.imgId;
 */
export function readLxmertTsv(path: string, options: LxmertReadOptions = {}): AsyncGenerator<LxmertRecord> {
  return parseLxmertLines(readTextLines(path), path, options);
}

/**
 * Writes records as an LXMERT TSV (csv's '\r\n' line ends), atomically: into a temporary file
 * beside `path`, renamed over it only once complete, so a crash never leaves a truncated file.
 * @returns how many records were written
 */
export async function writeLxmertTsv(path: string, records: Iterable<LxmertRecord> | AsyncIterable<LxmertRecord>): Promise<number> {
  const tmp = join(path, '..', `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const out = createWriteStream(tmp, { flags: 'wx' }); // 'wx': never write into a file already there
  // A write can fail while the next record is awaited (an async source): kept here, as an 'error'
  // event with no listener would crash the process and leave the temporary file behind.
  let failed: Error | undefined;
  out.on('error', (error) => void (failed ??= error));
  // The file is created when the stream opens, asynchronously: wait for it, so that a failure on the
  // first record removes a file that exists rather than racing its creation and leaving it behind.
  await once(out, 'ready');
  let count = 0;
  try {
    for await (const record of records) {
      if (failed) throw failed;
      if (!out.write(`${formatLxmertLine(record)}\r\n`)) await once(out, 'drain');
      count++;
    }
    if (failed) throw failed;
    out.end();
    await finished(out); // rejects on an error, even one raised before it was called
    await rename(tmp, path);
    return count;
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Loads an LXMERT TSV into a store (the whole file in memory, as LXMERT does), boxes checked.
 * @example
 * const store = await loadLxmertStore('val2014_obj36.tsv', { topk: 512, globalRegion: true });
 */
export async function loadLxmertStore(path: string, options: LxmertReadOptions & RegionStoreOptions = {}): Promise<MemoryRegionStore> {
  const regions = [];
  for await (const record of readLxmertTsv(path, options)) regions.push(lxmertRegions(record, `${path}: image ${record.imgId}`, options));
  return new MemoryRegionStore('lxmert-tsv', path, regions, options);
}

/**
 * Opens a directory of MCAN per-image archives (`<image id>.npz`) as a store; files are read on demand.
 * @example
 * const store = await openMcanStore('datasets/coco_extract/val2014');
 */
export async function openMcanStore(dir: string, options: RegionStoreOptions & McanOptions = {}): Promise<McanNpzStore> {
  const ids = (await readdir(dir)).filter((f) => f.endsWith('.npz')).map((f) => f.slice(0, -4)).sort();
  return new McanNpzStore({
    where: dir, ids, inflate: nodeInflateRaw,
    read: async (id) => {
      const file = join(dir, `${id}.npz`);
      return { bytes: new Uint8Array(await readFile(file)), file };
    },
  }, options);
}

/** Reads a .npy file. */
export async function readNpyFile(path: string): Promise<NdArray> {
  return parseNpy(new Uint8Array(await readFile(path)), path);
}

/** Opens a .npz file (stored or deflated). */
export async function readNpzFile(path: string): Promise<NpzArchive> {
  return parseNpz(new Uint8Array(await readFile(path)), path, nodeInflateRaw);
}

/**
 * Opens a ViLBERT/MMF feature LMDB (its directory or data.mdb) as a store; `mode: 'pread'` (default)
 * reads only the pages a lookup touches, `'whole'` reads the file into memory once.
 * @example
 * const store = openLmdbStore('/data/coco/features_100/COCO_trainval_resnext152_faster_rcnn_genome.lmdb');
 */
export function openLmdbStore(path: string, options: RegionStoreOptions & { mode?: 'pread' | 'whole' } = {}): LmdbRegionStore {
  const { mode, ...storeOptions } = options;
  return new LmdbRegionStore(openLmdbFile(path, mode === undefined ? {} : { mode }), storeOptions);
}
