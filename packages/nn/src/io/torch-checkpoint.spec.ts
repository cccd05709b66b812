// decodeTorchCheckpoint on archives built byte by byte: every refusal names the file and the
// thing at fault; byte order, opaque globals and the state-dict unwrapping rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTorchCheckpoint, isTorchTensor, unwrapStateDict } from './torch-checkpoint.ts';
import { PickleObject } from './torch-pickle.ts';
import { dictPickle, int, pkl, su, tensorPickle, writeStoredZip } from './torch-testing.ts';
import { hostToTensors } from './torch-tensor.ts';
import { TorchCheckpointError } from './torch-zip.ts';

const f32 = (...xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);
const i64 = (...xs: bigint[]): Uint8Array => new Uint8Array(new BigInt64Array(xs).buffer);
const decode = (bytes: Uint8Array, opts = {}): unknown => decodeTorchCheckpoint(bytes, { name: 'w.pth', ...opts });
const tensorAt = (root: unknown, key: string) => {
  const t = (root as Map<string, unknown>).get(key);
  if (!isTorchTensor(t)) throw new Error(`no tensor '${key}'`);
  return t;
};

/** A one-tensor archive: `w` = FloatStorage '0' viewed as `size`/`stride` from `offset`. */
const oneTensor = (data: Uint8Array, view: { numel: number; size: number[]; stride: number[]; offset?: number; type?: string }) =>
  writeStoredZip({ 'w/data.pkl': dictPickle({ w: tensorPickle({ key: '0', ...view }) }), 'w/data/0': data, 'w/version': '3\n' });

describe('decodeTorchCheckpoint', () => {
  it('reads a hand-built archive and materialises a transposed view', () => {
    const zip = oneTensor(f32(1, 2, 3, 4, 5, 6), { numel: 6, size: [3, 2], stride: [1, 3] });
    const w = tensorAt(decode(zip), 'w');
    expect(w.shape).toEqual([3, 2]);
    expect([...w.data]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('reads a storage that several tensors view once, on the first view', () => {
    const pickle = dictPickle({
      a: tensorPickle({ key: '0', numel: 4, size: [2], stride: [1] }),
      b: tensorPickle({ key: '0', numel: 4, offset: 2, size: [2], stride: [1] }),
    });
    const zip = writeStoredZip({ 'w/data.pkl': pickle, 'w/data/0': f32(1, 2, 3, 4), 'w/version': '3\n' });
    // Mark every entry deflated and "inflate" by copying: each read of an entry calls inflate once.
    const view = new DataView(zip.buffer);
    for (let at = view.getUint32(zip.length - 6, true), n = 0; n < 3; n++) {
      view.setUint16(at + 10, 8, true);
      at += 46 + view.getUint16(at + 28, true);
    }
    const reads: number[] = [];
    const root = decode(zip, { inflate: (raw: Uint8Array) => (reads.push(raw.length), raw.slice()) });
    expect([[...tensorAt(root, 'a').data], [...tensorAt(root, 'b').data]]).toEqual([[1, 2], [3, 4]]);
    expect(reads).toEqual([pickle.length, 16]); // data.pkl, then data/0 once (not once per view)
  });

  it('reads big-endian storages when the archive says byteorder big', () => {
    const be = new Uint8Array(f32(1.5, -2)).map((_, i, a) => a[4 * Math.floor(i / 4) + 3 - (i % 4)]!);
    const zip = writeStoredZip({
      'w/data.pkl': dictPickle({ w: tensorPickle({ key: '0', numel: 2, size: [2], stride: [1] }) }),
      'w/byteorder': 'big',
      'w/data/0': be,
    });
    expect([...tensorAt(decode(zip), 'w').data]).toEqual([1.5, -2]);
  });

  it('rejects a truncated archive', () => {
    const zip = oneTensor(f32(1, 2), { numel: 2, size: [2], stride: [1] });
    for (const cut of [zip.length - 1, Math.floor(zip.length / 2), 10, 0]) {
      expect(() => decode(zip.subarray(0, cut))).toThrow(TorchCheckpointError);
      expect(() => decode(zip.subarray(0, cut))).toThrow(/^w\.pth: not a zip archive, or truncated: no end-of-central-directory record/);
    }
  });

  it('rejects an entry whose data runs past the end, and a corrupt one by its CRC', () => {
    const zip = oneTensor(f32(1, 2), { numel: 2, size: [2], stride: [1] });
    const view = new DataView(zip.buffer);
    // Point the central directory's first entry (data.pkl) at a compressed size beyond the file.
    const cd = view.getUint32(zip.length - 6, true);
    const longer = zip.slice();
    new DataView(longer.buffer).setUint32(cd + 20, 1 << 20, true);
    expect(() => decode(longer)).toThrow(/w\.pth: entry 'w\/data\.pkl' needs bytes \d+\.\.\d+ but the data ends at \d+: truncated/);
    const corrupt = zip.slice();
    const floats = f32(1, 2);
    const dataAt = zip.findIndex((_, i) => floats.every((b, j) => zip[i + j] === b));
    corrupt[dataAt + 5] = corrupt[dataAt + 5]! ^ 0xff; // a bit pattern of the second float: still a valid storage, wrong values
    expect(() => decode(corrupt)).toThrow(/w\.pth: entry 'w\/data\/0' fails its CRC-32 check/);
    expect(tensorAt(decode(corrupt, { verifyCrc: false }), 'w').data.length).toBe(2);
  });

  it('names an unknown global and the file, in GLOBAL and STACK_GLOBAL form', () => {
    const evil = (body: Uint8Array) => writeStoredZip({ 'w/data.pkl': pkl(0x80, 2, body, su('x'), 0x85, 0x52, 0x2e) });
    expect(() => decode(evil(pkl(0x63, 'builtins\neval\n')))).toThrow(
      /^w\.pth: w\/data\.pkl: refuses the global builtins\.eval: it is not on the allow-list \(collections\.OrderedDict, torch\._utils\._rebuild_tensor, .*\); nothing was executed \(at byte 2\)$/,
    );
    expect(() => decode(evil(pkl(su('posix'), su('system'), 0x93)))).toThrow(/refuses the global posix\.system/);
  });

  it('rejects a missing data entry and a short one', () => {
    const missing = writeStoredZip({ 'w/data.pkl': dictPickle({ w: tensorPickle({ key: '7', numel: 2, size: [2], stride: [1] }) }) });
    expect(() => decode(missing)).toThrow("w.pth: storage '7' has no entry 'w/data/7' in the archive");
    const short = oneTensor(f32(1), { numel: 2, size: [2], stride: [1] });
    expect(() => decode(short)).toThrow("w.pth: entry 'w/data/0' has 4 bytes; 2 × 4-byte elements need 8");
  });

  it('rejects a view that reaches past its storage, naming the key', () => {
    const zip = oneTensor(f32(1, 2, 3), { numel: 3, offset: 1, size: [2, 2], stride: [1, 1] });
    expect(() => decode(zip)).toThrow(
      "w.pth: tensor 'w': the view (offset 1, shape [2, 2], strides [1, 1]) reaches element 3 of storage 'w/data/0', which holds 3",
    );
  });

  it('rejects int64 values outside int32 with a RangeError naming the key', () => {
    const zip = oneTensor(i64(1n, 1n << 40n), { numel: 2, size: [2], stride: [1], type: 'LongStorage' });
    expect(() => decode(zip)).toThrow(RangeError);
    expect(() => decode(zip)).toThrow("w.pth: tensor 'w' (int64) holds 1099511627776 at storage element 1, outside the int32 range");
  });

  it('rejects an archive with no data.pkl, listing what it holds', () => {
    expect(() => decode(writeStoredZip({ 'a.txt': 'x', 'b/c.bin': 'y' }))).toThrow(
      "w.pth: not a torch.save archive: expected one '<name>/data.pkl' entry, found 0 among a.txt, b/c.bin",
    );
  });

  it('rejects malformed rebuild arguments', () => {
    const bad = pkl(0x63, 'torch._utils\n_rebuild_tensor_v2\n', 0x28, int(1), int(0), 0x29, 0x29, 0x89, 0x4e, 0x74, 0x52);
    expect(() => decode(writeStoredZip({ 'w/data.pkl': dictPickle({ w: bad }) }))).toThrow(
      /torch\._utils\._rebuild_tensor_v2\(number, number, tuple, tuple, boolean, None\): storage argument is a number, not a persistent storage/,
    );
  });

  it('keeps opaque globals inert when the caller lists them, and refuses them otherwise', () => {
    const ns = pkl(0x63, 'argparse\nNamespace\n', 0x29, 0x52, 0x7d, su('lr'), int(3), 0x73, 0x62);
    const zip = writeStoredZip({ 'w/data.pkl': dictPickle({ args: ns, epoch: int(4) }) });
    expect(() => decode(zip)).toThrow(/refuses the global argparse\.Namespace/);
    const root = decode(zip, { opaqueGlobals: ['argparse.Namespace'] }) as Map<string, unknown>;
    const args = root.get('args') as PickleObject;
    expect(args).toBeInstanceOf(PickleObject);
    expect(args.global).toBe('argparse.Namespace');
    expect(args.state).toEqual(new Map([['lr', 3]]));
    expect(root.get('epoch')).toBe(4);
  });
});

describe('unwrapStateDict', () => {
  const fixture = new URL('../../fixtures/torch-nested.pth', import.meta.url);
  const nested = (): unknown => decodeTorchCheckpoint(new Uint8Array(readFileSync(fixture)));

  it('takes the key asked for, and lists the keys when it is absent', () => {
    expect(unwrapStateDict(nested(), { key: 'model' }).size).toBe(9);
    expect(() => unwrapStateDict(nested(), { key: 'state_dict_ema' })).toThrow(
      "unwrapStateDict: no key 'state_dict_ema'; the checkpoint's keys are [model, epoch, best_acc, arch, flags, grid, big]",
    );
  });

  it('names the entries that are not tensors', () => {
    expect(() => unwrapStateDict(nested(), { key: 'flags' })).toThrow("unwrapStateDict: 'flags' holds a list, not a dict");
    const root = new Map<string, unknown>([['state_dict', new Map<string, unknown>([['a', 1], ['b', 'x']])]]);
    expect(() => unwrapStateDict(root)).toThrow('unwrapStateDict: entries that are not tensors: a (number), b (string)');
    expect(() => unwrapStateDict(new Map([['epoch', 3]]))).toThrow(
      "unwrapStateDict: neither a state dict nor a 'state_dict'/'model' entry; the checkpoint's keys are [epoch]",
    );
  });

  it("strips DataParallel's module. prefix when every key has it, unless told not to", () => {
    const zip = writeStoredZip({
      'w/data.pkl': dictPickle({ 'module.a': tensorPickle({ key: '0', numel: 1, size: [], stride: [] }) }),
      'w/data/0': f32(2.5),
    });
    expect([...unwrapStateDict(decode(zip)).keys()]).toEqual(['a']);
    expect([...unwrapStateDict(decode(zip), { stripPrefix: '' }).keys()]).toEqual(['module.a']);
  });

  it('uploads the unwrapped tensors for loadStateDict', async () => {
    const tensors = hostToTensors(unwrapStateDict(nested()));
    expect(tensors['0.weight']!.shape).toEqual([4, 3]);
    expect(tensors['1.num_batches_tracked']!.dtype).toBe('int32');
    expect([...(await tensors['1.num_batches_tracked']!.data())]).toEqual([1]);
  });
});
