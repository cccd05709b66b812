# Writes tiny PyTorch checkpoints (torch.save's zip format) under packages/nn/fixtures/ plus
# torch-checkpoints.json, the values a pickle-free reader must produce from them.
#
# Run from the repository root:  /usr/bin/python3 tools/golden/make_pth_fixtures.py
#
# Files:
#   torch-state-dict.pth  a real module's state_dict(): an OrderedDict with _metadata, float32
#                         weights and BatchNorm's int64 num_batches_tracked
#   torch-mixed.pth       a plain dict: a Parameter, f16/bf16/f64/int64/int32/uint8/bool tensors,
#                         a transposed (non-contiguous) view, a strided slice with a storage offset,
#                         two views sharing one storage, a 0-d scalar and an empty tensor
#   torch-nested.pth      {'model': state_dict, 'epoch': 3, ...} as training scripts save it
#   torch-deflated.pth    torch-state-dict.pth re-zipped with deflate (torch itself never compresses)
#   torch-legacy.pth      the pre-1.6 format (_use_new_zipfile_serialization=False), to be rejected
#   torch-malicious.pth   a hand-made archive whose pickle calls os.system('echo pwned'); the pickle
#                         bytes are written out, never loaded, so nothing runs here either
#
# JSON sidecar: for each file, each tensor's original dtype, shape, requires_grad, whether it is a
# Parameter, and its values as float32 (floats, as torch's .float() rounds them) or as integers.
import collections
import json
import os
import shutil
import struct
import tempfile
import zipfile

import torch

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'fixtures')


def tiny_module():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(3, 4),
        torch.nn.BatchNorm1d(4),
        torch.nn.LayerNorm(4),
    )


def state_dict():
    module = tiny_module()
    module.train()
    module(torch.randn(5, 3))  # one step moves the running stats and num_batches_tracked off their init
    return module.state_dict()


def mixed():
    torch.manual_seed(1)
    base = torch.randn(3, 4)
    storage_owner = torch.arange(12, dtype=torch.float32)
    return {
        'param': torch.nn.Parameter(torch.randn(2, 3)),
        'frozen': torch.nn.Parameter(torch.randn(2), requires_grad=False),
        'half': torch.randn(2, 3).to(torch.float16),
        'bf16': torch.randn(3, 2).to(torch.bfloat16),
        'f64': torch.tensor([0.1, 1 / 3, -2.5], dtype=torch.float64),
        'ids': torch.tensor([[0, -1], [2147483647, -2147483648]], dtype=torch.int64),
        'i32': torch.tensor([7, -8], dtype=torch.int32),
        'pixels': torch.tensor([0, 127, 255], dtype=torch.uint8),
        'mask': torch.tensor([True, False, True]),
        'transposed': base.t(),                       # [4, 3], strides (1, 4)
        'column': base[1:, 2],                        # offset 6, stride 4
        'view.a': storage_owner[2:8].view(2, 3),      # these two share one storage
        'view.b': storage_owner.view(3, 4)[:, ::2],   # step-2 slice: strides (4, 2)
        'scalar': torch.tensor(3.5),
        'empty': torch.zeros(0, 3),
    }


def nested():
    return {
        'model': state_dict(),
        'epoch': 3,
        'best_acc': 0.915,
        'arch': 'tiny',
        'flags': [True, False, None],
        'grid': (2, 3),
        'big': 2 ** 40,
    }


def record(t):
    is_float = t.is_floating_point()
    values = t.detach().float() if is_float else t.detach().to(torch.int64)
    return {
        'dtype': str(t.dtype).removeprefix('torch.'),
        'shape': list(t.shape),
        'contiguous': t.is_contiguous(),
        'requires_grad': t.requires_grad,
        'parameter': isinstance(t, torch.nn.Parameter),
        'values': values.reshape(-1).tolist(),
    }


def tensors_of(obj, prefix=''):
    out = {}
    if torch.is_tensor(obj):
        out[prefix] = record(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            out.update(tensors_of(v, f'{prefix}/{k}' if prefix else str(k)))
    return out


def rezip_deflated(src, dst):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))


def malicious_pickle():
    # PROTO 2; GLOBAL 'os system'; SHORT_BINUNICODE 'echo pwned'; TUPLE1; REDUCE; STOP.
    cmd = b'echo pwned'
    return b'\x80\x02' + b'cos\nsystem\n' + b'\x8c' + bytes([len(cmd)]) + cmd + b'\x85' + b'R' + b'.'


def write_malicious(path):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        z.writestr('torch-malicious/data.pkl', malicious_pickle())
        z.writestr('torch-malicious/version', b'3\n')


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    made = {'torch-state-dict': state_dict(), 'torch-mixed': mixed(), 'torch-nested': nested()}
    expected = {}
    for name, obj in made.items():
        path = os.path.join(OUT_DIR, f'{name}.pth')
        torch.save(obj, path)
        expected[name] = tensors_of(obj)
    # The OrderedDict's key order is part of the contract (a state dict's order is the module's).
    expected['torch-state-dict-keys'] = list(made['torch-state-dict'].keys())
    rezip_deflated(os.path.join(OUT_DIR, 'torch-state-dict.pth'), os.path.join(OUT_DIR, 'torch-deflated.pth'))
    torch.save({'w': torch.ones(2)}, os.path.join(OUT_DIR, 'torch-legacy.pth'), _use_new_zipfile_serialization=False)
    write_malicious(os.path.join(OUT_DIR, 'torch-malicious.pth'))
    with open(os.path.join(OUT_DIR, 'torch-checkpoints.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'files': expected}, f, indent=1)
        f.write('\n')
    for name in sorted(os.listdir(OUT_DIR)):
        if name.endswith('.pth'):
            print(f'{name}: {os.path.getsize(os.path.join(OUT_DIR, name))} bytes')


if __name__ == '__main__':
    main()
