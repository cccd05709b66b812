# Writes pickled dicts of numpy arrays under packages/nn/fixtures/ plus numpy-pickles.json, the
# values a pickle-free reader must produce: the float and bool dtypes the CIFAR fixtures lack.
#
# Run from the repository root:  /usr/bin/python3 tools/golden/make_numpy_pickle_fixtures.py
#
# Files:
#   numpy-arrays-p2.pkl  protocol 2 (numpy's _reconstruct + BUILD; bytes via _codecs.encode)
#   numpy-arrays-p5.pkl  protocol 5 (numpy's _frombuffer with out-of-band-capable buffers inline)
# Each holds f2, f4, f8 (one big-endian), bool, int64, a Fortran-order float32 matrix, a 0-d array,
# numpy scalars (np.float32, np.int64) and a nested dict with a list of arrays, as MMF's stores do.
import json
import os
import pickle

import numpy as np

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'fixtures')


def arrays():
    m = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    return {
        'f2': np.array([0.5, -1.25, 65504, 6e-8], dtype=np.float16),
        'f4': np.array([[1.5, -2.0], [3.25, 1e-3]], dtype=np.float32),
        'f8': np.array([np.pi, -1e300], dtype=np.float64),
        'f4_big': np.array([1.5, -7.0], dtype='>f4'),
        'bool': np.array([True, False, True]),
        'i8': np.array([-3, 2**40], dtype=np.int64),
        'fortran': np.asfortranarray(m),
        'zero_d': np.array(2.5, dtype=np.float32),
        'scalar_f4': np.float32(0.75),
        'scalar_i8': np.int64(-9),
        'nested': {'boxes': [np.array([1, 2], dtype=np.int32), np.zeros((0, 4), dtype=np.float32)], 'image_w': 640},
    }


def expected(v):
    if isinstance(v, dict):
        return {k: expected(x) for k, x in v.items()}
    if isinstance(v, list):
        return [expected(x) for x in v]
    if isinstance(v, np.ndarray):
        code = {'?': 'b1'}.get(v.dtype.char, v.dtype.str[1:])
        return {'dtype': code, 'shape': list(v.shape), 'values': [float(x) for x in v.astype(np.float64).ravel(order='C')]}
    if isinstance(v, np.generic):
        return float(v)
    return v


def main():
    data = arrays()
    for proto in (2, 5):
        with open(os.path.join(OUT_DIR, f'numpy-arrays-p{proto}.pkl'), 'wb') as f:
            pickle.dump(data, f, protocol=proto)
    with open(os.path.join(OUT_DIR, 'numpy-pickles.json'), 'w') as f:
        json.dump({'_generated': 'by tools/golden/make_numpy_pickle_fixtures.py; do not edit', 'numpy': np.__version__,
                   'values': expected(data)}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
