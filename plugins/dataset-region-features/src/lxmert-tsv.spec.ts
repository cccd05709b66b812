import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64.ts';
import { EXPECTED, FIXTURES } from './fixtures.spec-helper.ts';
import { formatLxmertLine, parseLxmertLine, type LxmertRecord } from './lxmert-tsv.ts';
import { readLxmertTsv, writeLxmertTsv } from './node-io.ts';

const TINY = join(FIXTURES, 'lxmert-tiny.tsv');
const collect = async (path: string, options = {}): Promise<LxmertRecord[]> => {
  const out: LxmertRecord[] = [];
  for await (const r of readLxmertTsv(path, options)) out.push(r);
  return out;
};
const tmp = (): string => mkdtempSync(join(tmpdir(), 'lxmert-'));
const firstLine = (): string => readFileSync(TINY, 'latin1').split('\r\n')[0]!;
const withField = (index: number, value: string): string => firstLine().split('\t').map((f, i) => (i === index ? value : f)).join('\t');

describe('readLxmertTsv', () => {
  it('reads every field of the generated file exactly as numpy wrote it', async () => {
    const records = await collect(TINY);
    expect(records.map((r) => [r.imgId, r.imgH, r.imgW, r.numBoxes, r.dim])).toEqual(
      EXPECTED.tsv.map((e) => [e.img_id, e.img_h, e.img_w, e.num_boxes, e.num_boxes ? 8 : 0]),
    );
    records.forEach((r, k) => {
      const e = EXPECTED.tsv[k]!;
      expect([r.objectsId, r.objectsConf, r.attrsId, r.attrsConf, r.boxes, r.features].map((a) => Array.from(a))).toEqual(
        [e.objects_id, e.objects_conf, e.attrs_id, e.attrs_conf, e.boxes, e.features],
      );
    });
  });

  it('reads 2048-d features, and checks the dim option', async () => {
    const [r] = await collect(join(FIXTURES, 'lxmert-2048.tsv'), { dim: 2048 });
    expect([r!.imgId, r!.numBoxes, r!.dim, r!.features.reduce((a, b) => a + b, 0), Array.from(r!.features.subarray(0, 8))]).toEqual(
      [EXPECTED.tsv2048.img_id, 2, 2048, EXPECTED.tsv2048.features_sum, EXPECTED.tsv2048.first_row_head],
    );
    await expect(collect(TINY, { dim: 2048 })).rejects.toThrow(`${TINY} line 1: field 'features': holds 8 values per box, expected 2048 (the dim option)`);
  });

  it('stops after topk images (-1 or none: all)', async () => {
    expect((await collect(TINY, { topk: 2 })).map((r) => r.imgId)).toEqual(EXPECTED.tsv.slice(0, 2).map((e) => e.img_id));
    expect((await collect(TINY, { topk: -1 })).length).toBe(3);
    expect((await collect(TINY, { topk: 0 })).length).toBe(0);
  });

  it('names the file when it is not UTF-8 text (a binary file given as the TSV)', async () => {
    const path = join(tmp(), 'features.npz');
    writeFileSync(path, Buffer.concat([Buffer.from('PK\n'), Buffer.from([0xff, 0xfe, 0x00, 0x80])]));
    await expect(collect(path)).rejects.toThrow(`${path}: not UTF-8 text: invalid bytes in [0, 7) (a binary file, not a text one?)`);
  });

  it('writes the same bytes it read, atomically, and reads them back', async () => {
    const dir = tmp();
    const out = join(dir, 'copy.tsv');
    expect(await writeLxmertTsv(out, readLxmertTsv(TINY))).toBe(3);
    expect(readFileSync(out).equals(readFileSync(TINY))).toBe(true);
    // A record that cannot be written leaves the old file as it was, and no temporary file behind.
    const bad = { ...(await collect(TINY))[0]!, numBoxes: 5 };
    await expect(writeLxmertTsv(out, [bad])).rejects.toThrow("COCO_val2014_000000000042: field 'objects_id' holds 3 values, expected 5 (num_boxes 5, dim 8)");
    expect(readFileSync(out).equals(readFileSync(TINY))).toBe(true);
    expect(readdirSync(dir)).toEqual(['copy.tsv']);
  });

  it('names the file, line and field of a wrong field count, bad base64 and arrays of the wrong length', async () => {
    const dir = tmp();
    const cases: [string, string][] = [
      [firstLine().split('\t').slice(0, 9).join('\t'), 'line 2: has 9 tab-separated fields, expected 10 (img_id, img_h, img_w, objects_id,'],
      [withField(8, 'AAAA!AAA'), "line 2: field 'boxes': bad base64: invalid base64 character \"!\" at offset 4"],
      [withField(4, encodeBase64(new Uint8Array(8))), "line 2: field 'objects_conf': decodes to 8 bytes, expected 3 float32 values (from num_boxes)"],
      [withField(7, '4'), "line 2: field 'objects_id': decodes to 24 bytes, expected 4 int64 values (from num_boxes)"],
      [withField(7, '5'), "line 2: field 'features': decodes to 96 bytes, expected 5 × D float32 values (from num_boxes)"],
      [withField(1, 'tall'), "line 2: field 'img_h': expected an integer ≥ 1, got \"tall\""],
      [withField(3, encodeBase64(new Uint8Array(24).fill(0x7f))), "line 2: field 'objects_id': objects_id[0] = 9187201950435737471 does not fit int32"],
    ];
    for (const [line, message] of cases) {
      const file = join(dir, 'bad.tsv');
      writeFileSync(file, `${firstLine()}\r\n\r\n${line}\r\n`); // the blank line is skipped but counted
      await expect(collect(file), message).rejects.toThrow(`${file} ${message.replace('line 2', 'line 3')}`);
    }
  });

  it('names a truncated file: the last line ends early and without a line ending', async () => {
    const file = join(tmp(), 'cut.tsv');
    const bytes = readFileSync(TINY);
    writeFileSync(file, bytes.subarray(0, bytes.indexOf('\r\n') + 2 + 60));
    await expect(collect(file)).rejects.toThrow(
      `${file} line 2: has 4 tab-separated fields, expected 10 (img_id, img_h, img_w, objects_id, objects_conf, attrs_id, attrs_conf, num_boxes, boxes, features) (the file ends inside this line without a line ending: truncated?)`,
    );
    // Cut inside the last base64 field instead: the length no longer matches.
    writeFileSync(file, bytes.subarray(0, bytes.indexOf('\r\n') - 8));
    await expect(collect(file)).rejects.toThrow(
      `${file} line 1: field 'features': decodes to 90 bytes, expected 3 × D float32 values (from num_boxes) (the file ends inside this line without a line ending: truncated?)`,
    );
  });

  it('parses a single line with a numbered place, and formats it back', () => {
    const record = parseLxmertLine(firstLine(), { file: 'f.tsv', line: 7 });
    expect(formatLxmertLine(record)).toBe(firstLine());
    expect(() => parseLxmertLine('', { file: 'f.tsv', line: 7 })).toThrow('f.tsv line 7: has 1 tab-separated fields, expected 10');
  });
});
