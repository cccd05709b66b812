// Parity with PyTorch: read the archives tools/golden/make_pth_fixtures.py wrote with torch.save.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTorchCheckpoint, isTorchTensor, unwrapStateDict } from './torch-checkpoint.ts';
import type { TorchTensor } from './torch-tensor.ts';
import { TorchCheckpointError } from './torch-zip.ts';

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  contiguous: boolean;
  requires_grad: boolean;
  parameter: boolean;
  values: number[];
}
interface Expected {
  files: Record<string, Record<string, ExpectedTensor>> & { 'torch-state-dict-keys': string[] };
}

const fixtures = new URL('../../fixtures/', import.meta.url);
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`${name}.pth`, fixtures)));
const expected: Expected = JSON.parse(readFileSync(new URL('torch-checkpoints.json', fixtures), 'utf8'));
const decode = (name: string): unknown => decodeTorchCheckpoint(bytesOf(name), { name: `${name}.pth` });

/** The tensor at `path` (keys joined by '/') of a decoded tree. */
function at(root: unknown, path: string): TorchTensor {
  let node = root;
  for (const key of path.split('/')) node = (node as Map<unknown, unknown>).get(key);
  if (!isTorchTensor(node)) throw new Error(`no tensor at ${path}`);
  return node;
}

function expectTensor(got: TorchTensor, want: ExpectedTensor, path: string): void {
  expect(got.sourceDtype).toBe(want.dtype);
  expect(got.dtype).toBe(/float|bfloat/.test(want.dtype) ? 'float32' : 'int32');
  expect(got.data).toBeInstanceOf(got.dtype === 'float32' ? Float32Array : Int32Array);
  expect(got.shape).toEqual(want.shape);
  expect(got.requiresGrad).toBe(want.requires_grad);
  expect(got.isParameter).toBe(want.parameter);
  expect(got.data.length).toBe(want.values.length);
  // Exact: f16/bf16 widen exactly, f64 rounds as torch's .float() does, views gather the same elements.
  got.data.forEach((v, i) => {
    if (!Object.is(v, want.values[i])) expect.fail(`${path}[${i}]: got ${v}, torch says ${want.values[i]}`);
  });
}

describe.each(['torch-state-dict', 'torch-mixed', 'torch-nested'])('decodeTorchCheckpoint(%s.pth)', (file) => {
  const root = decode(file);
  it.each(Object.keys(expected.files[file]!))('reads %s as torch holds it', (path) => {
    expectTensor(at(root, path), expected.files[file]![path]!, path);
  });
});

describe('torch checkpoints', () => {
  it('keeps an OrderedDict state dict in the module order', () => {
    const sd = unwrapStateDict(decode('torch-state-dict'));
    expect([...sd.keys()]).toEqual(expected.files['torch-state-dict-keys']);
    expect(sd.get('1.num_batches_tracked')).toMatchObject({ sourceDtype: 'int64', dtype: 'int32', shape: [] });
  });

  it('materialises non-contiguous views (transposed, strided slice with offset, shared storage)', () => {
    const mixed = expected.files['torch-mixed']!;
    expect(mixed['transposed']!.contiguous).toBe(false);
    expect(mixed['column']!.contiguous).toBe(false);
    const root = decode('torch-mixed');
    expect([...at(root, 'view.a').data]).toEqual([2, 3, 4, 5, 6, 7]);
    expect([...at(root, 'view.b').data]).toEqual([0, 2, 4, 6, 8, 10]);
    expect(at(root, 'scalar').shape).toEqual([]);
    expect(at(root, 'empty').shape).toEqual([0, 3]);
  });

  it('returns the non-tensor values of a nested checkpoint as plain JS values', () => {
    const root = decode('torch-nested') as Map<string, unknown>;
    expect([...root.keys()]).toEqual(['model', 'epoch', 'best_acc', 'arch', 'flags', 'grid', 'big']);
    expect(root.get('epoch')).toBe(3);
    expect(root.get('best_acc')).toBe(0.915);
    expect(root.get('arch')).toBe('tiny');
    expect(root.get('flags')).toEqual([true, false, null]);
    expect(root.get('grid')).toEqual([2, 3]);
    expect(Object.isFrozen(root.get('grid'))).toBe(true); // a tuple
    expect(root.get('big')).toBe(2 ** 40);
  });

  it('unwraps the model entry of a nested checkpoint to the same state dict', () => {
    const nested = unwrapStateDict(decode('torch-nested'));
    const plain = unwrapStateDict(decode('torch-state-dict'));
    expect([...nested.keys()]).toEqual([...plain.keys()]);
    expect([...nested.get('0.weight')!.data]).toEqual([...plain.get('0.weight')!.data]);
  });

  it('refuses the malicious archive, naming os.system and the file, without running anything', () => {
    expect(() => decode('torch-malicious')).toThrow(TorchCheckpointError);
    expect(() => decode('torch-malicious')).toThrow(
      /torch-malicious\.pth: torch-malicious\/data\.pkl: refuses the global os\.system: it is not on the allow-list .*nothing was executed/,
    );
  });

  it('rejects the legacy (pre-1.6) format with a way out', () => {
    expect(() => decode('torch-legacy')).toThrow(/torch-legacy\.pth: the legacy torch\.save format \(PyTorch < 1\.6\) is not supported/);
  });

  it('rejects deflated entries without an inflate function and reads them with one', async () => {
    expect(() => decode('torch-deflated')).toThrow(/entry 'torch-state-dict\/data\.pkl' is deflate-compressed .*pass an inflate function/);
    const { inflateRawSync } = await import('node:zlib');
    const root = decodeTorchCheckpoint(bytesOf('torch-deflated'), { inflate: (raw) => inflateRawSync(raw) });
    expect([...unwrapStateDict(root).keys()]).toEqual(expected.files['torch-state-dict-keys']);
    const broken = (): Uint8Array => {
      throw new Error('invalid stored block lengths');
    };
    expect(() => decodeTorchCheckpoint(bytesOf('torch-deflated'), { name: 'd.pth', inflate: broken })).toThrow(
      "d.pth: entry 'torch-state-dict/data.pkl' cannot be inflated: invalid stored block lengths",
    );
  });
});
