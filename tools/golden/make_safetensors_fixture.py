# Writes packages/nn/fixtures/torch-reference.safetensors (+ .json with the expected values) from PyTorch tensors.
#
# Run from the repository root:  /usr/bin/python3 tools/golden/make_safetensors_fixture.py
#
# The `safetensors` Python package is not installed here, so the file is written by hand with
# struct + json, following the spec (https://github.com/huggingface/safetensors): an 8-byte
# little-endian header length, a compact JSON header padded with spaces to a multiple of 8, then
# each tensor's little-endian bytes, contiguous. Like the reference writer, tensors are laid out by
# element size (largest first), then by name, so the data order differs from the header's key order.
#
# The .json sidecar holds what a reader must produce: every tensor as float32 (floats) or int32
# (ints, bools) values converted by torch itself, and the raw 16-bit patterns torch chose when it
# rounded the float32 `src` tensor to float16 and bfloat16 (our encoder must pick the same bits).
# Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity" (JSON has no literals).
import json
import math
import os
import struct

import torch

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'fixtures')
NAME = 'torch-reference'

DTYPES = {
    torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float64: 'F64',
    torch.int64: 'I64', torch.int32: 'I32', torch.uint8: 'U8', torch.bool: 'BOOL',
}

# float32 values where rounding to 16 bits is delicate: ties to even, overflow, subnormals, signed
# zero, non-finite values.
SRC = [
    1.0, -2.0, 0.1, 1 / 3, -0.0, 65504.0, 65519.99, 65520.0, 1e5,
    2.0 ** -24, 2.0 ** -25, 1.5 * 2.0 ** -25, 3 * 2.0 ** -25, 2.0 ** -14, 1e-8,
    1.00390625, 1.01171875, 1.0009765625, 1.0029296875, 3.4e38, 1e-40,
    math.inf, -math.inf, math.nan,
]


def tensors():
    torch.manual_seed(0)
    src = torch.tensor(SRC, dtype=torch.float32)
    return {
        'src': src,
        'src.f16': src.to(torch.float16),
        'src.bf16': src.to(torch.bfloat16),
        'weight': torch.randn(2, 3),
        'half.weight': torch.randn(3, 2).to(torch.float16),
        'ids': torch.tensor([[0, -1], [2147483647, -2147483648]], dtype=torch.int64),
        'count': torch.tensor(7, dtype=torch.int32),
        'mask': torch.tensor([True, False, True]),
        'pixels': torch.tensor([0, 127, 255], dtype=torch.uint8),
        'f64': torch.tensor([0.1, 1 / 3, -1e300, 1e-50, 2.5], dtype=torch.float64),
        'empty': torch.zeros(0, 3),
    }


def raw_bytes(t):
    # reshape(-1) first: torch refuses to reinterpret a 0-d tensor as bytes.
    return t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def write_safetensors(path, named, metadata):
    order = sorted(named, key=lambda k: (-named[k].element_size(), k))
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name in order:
        data = raw_bytes(named[name])
        header[name] = {'dtype': DTYPES[named[name].dtype], 'shape': list(named[name].shape),
                        'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def json_number(x):
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def expected(named):
    out = {}
    for name, t in named.items():
        is_float = t.is_floating_point()
        values = t.float() if is_float else t.to(torch.int64)  # what a float32/int32 reader must see
        record = {'dtype': 'float32' if is_float else 'int32', 'shape': list(t.shape),
                  'values': [json_number(v) for v in values.reshape(-1).tolist()]}
        if t.dtype in (torch.float16, torch.bfloat16):
            record['bits'] = [b & 0xFFFF for b in t.reshape(-1).view(torch.int16).tolist()]
        out[name] = record
    return out


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    named = tensors()
    metadata = {'format': 'pt', 'writer': f'torch {torch.__version__} + struct/json'}
    path = os.path.join(OUT_DIR, f'{NAME}.safetensors')
    write_safetensors(path, named, metadata)
    with open(os.path.join(OUT_DIR, f'{NAME}.json'), 'w') as f:
        json.dump({'metadata': metadata, 'tensors': expected(named)}, f, indent=1)
        f.write('\n')
    print(f'wrote {path} ({os.path.getsize(path)} bytes) and {NAME}.json')


if __name__ == '__main__':
    main()
