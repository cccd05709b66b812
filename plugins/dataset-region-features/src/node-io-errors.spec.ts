// writeLxmertTsv when the disk fails while the next record is awaited: node:fs's createWriteStream
// is wrapped so the spec can fail the stream it opened, as an I/O error (EIO, ENOSPC) would.
import { mkdtempSync, readdirSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { EXPECTED } from './fixtures.spec-helper.ts';
import type { LxmertRecord } from './lxmert-tsv.ts';

const opened: WriteStream[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = (...args: Parameters<typeof fs.createWriteStream>): WriteStream => {
    const stream = fs.createWriteStream(...args);
    opened.push(stream);
    return stream;
  };
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});
const { writeLxmertTsv } = await import('./node-io.ts');

const e = EXPECTED.tsv[0]!;
const record: LxmertRecord = {
  imgId: e.img_id, imgH: e.img_h, imgW: e.img_w, numBoxes: e.num_boxes, dim: 8,
  objectsId: Int32Array.from(e.objects_id), objectsConf: Float32Array.from(e.objects_conf), attrsId: Int32Array.from(e.attrs_id),
  attrsConf: Float32Array.from(e.attrs_conf), boxes: Float32Array.from(e.boxes), features: Float32Array.from(e.features),
};

describe('writeLxmertTsv on a failing disk', () => {
  it('rejects with the write error raised while awaiting a record, and leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxmert-fail-'));
    async function* records(): AsyncGenerator<LxmertRecord> {
      yield record;
      opened.at(-1)!.destroy(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      await sleep(20); // the 'error' event fires while the writer waits for the next record
      yield record;
    }
    await expect(writeLxmertTsv(join(dir, 'out.tsv'), records())).rejects.toThrow('EIO: i/o error, write');
    expect(readdirSync(dir)).toEqual([]);
  });
});
