#!/usr/bin/env python3
"""Writes tiny CIFAR-10 and CIFAR-100 directories in both published layouts for @crossmodal/dataset-cifar.

Run with Debian's Python and numpy: /usr/bin/python3 tools/golden/make_cifar_fixtures.py
It writes plugins/dataset-cifar/fixtures/{cifar-10-batches-py, cifar-10-batches-bin, cifar-100-python,
cifar-100-binary, evil_batch}. CI never runs this script: the fixtures are committed (< 100 KB in all).

The python batches are pickled as the originals were: a dict with str keys written by Python 2's
cPickle at protocol 2, so every str (keys, the array's raw bytes, dtype codes) is a SHORT_BINSTRING or
BINSTRING and the pixel array goes through numpy.core.multiarray._reconstruct. Three CIFAR-10 train
batches are written the ways Python 3 re-saves such a dict with bytes keys instead, so the reader is
tested on each: data_batch_3 with pickle protocol 2 (bytes as _codecs.encode(str, 'latin1')),
data_batch_4 with protocol 4 (BINBYTES) and data_batch_5 with protocol 5 (numpy's _frombuffer over a
bytearray). The binary files hold the same images and labels, so the two readers must agree.

Pixel (n, c, y, x) of image n of a split is (29·n + 83·c + 7·y + 3·x) mod 256, c the plane (R, G, B):
the specs recompute it to check the channel-major layout independently of either reader.
"""
import io
import os
import pickle
import struct

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "plugins", "dataset-cifar", "fixtures")

CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR100_FINE = """apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel
can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant
flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree
motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy
porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel
streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle wardrobe whale
willow_tree wolf woman worm""".split()
CIFAR100_COARSE = """aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices
household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes
large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees vehicles_1
vehicles_2""".split()
assert len(CIFAR100_FINE) == 100 and len(CIFAR100_COARSE) == 20

# The first labels of the real files: CIFAR-10's data_batch_1 opens 6 9 9 4 1 1 2, its test_batch 3 8 8 0;
# CIFAR-100's train split opens with cattle, dinosaur, apple; its test split with mountain, forest.
CIFAR10_TRAIN_LABELS = [6, 9, 9, 4, 1, 1, 2]
CIFAR10_TRAIN_BATCHES = [2, 2, 1, 1, 1]  # images per data_batch_k
CIFAR10_TEST_LABELS = [3, 8, 0]
CIFAR100_TRAIN = {"fine": [19, 29, 0], "coarse": [11, 15, 4]}
CIFAR100_TEST = {"fine": [49, 33], "coarse": [10, 10]}


def images(count):
    """[count, 3072] uint8: R plane, G plane, B plane of 32×32, by the formula in the docstring."""
    n, c, y, x = np.meshgrid(np.arange(count), np.arange(3), np.arange(32), np.arange(32), indexing="ij")
    return ((29 * n + 83 * c + 7 * y + 3 * x) % 256).astype(np.uint8).reshape(count, 3072)


class Py2Pickler(pickle._Pickler):
    """Python 3's pure-Python pickler writing str and bytes as Python 2's cPickle wrote its str."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        data = obj if isinstance(obj, bytes) else obj.encode("latin1")
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str


def dump(path, obj, style):
    """Pickles obj in one of the styles: 'py2' (the originals), or Python 3's protocol 2, 4 or 5 with bytes keys."""
    if style == "py2":
        buf = io.BytesIO()
        Py2Pickler(buf, protocol=2).dump(obj)
        data = buf.getvalue()
    else:
        as_bytes = {k.encode(): ([v.encode() for v in val] if k in ("filenames",) else
                                 val.encode() if isinstance(val, str) else val) for k, val in obj.items()}
        data = pickle.dumps(as_bytes, protocol=style)
    with open(path, "wb") as f:
        f.write(data)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def records(label_columns, pixels):
    """Binary records: the label bytes (coarse before fine for CIFAR-100), then the 3072 pixel bytes."""
    rows = [bytes(int(col[i]) for col in label_columns) + pixels[i].tobytes() for i in range(len(pixels))]
    return b"".join(rows)


def cifar10():
    py = os.path.join(OUT, "cifar-10-batches-py")
    binary = os.path.join(OUT, "cifar-10-batches-bin")
    os.makedirs(py, exist_ok=True)
    os.makedirs(binary, exist_ok=True)
    train = images(len(CIFAR10_TRAIN_LABELS))
    styles = ["py2", "py2", 2, 4, 5]
    start = 0
    for k, (count, style) in enumerate(zip(CIFAR10_TRAIN_BATCHES, styles), start=1):
        rows, labels = train[start:start + count], CIFAR10_TRAIN_LABELS[start:start + count]
        batch = {"batch_label": f"training batch {k} of 5", "labels": labels, "data": rows,
                 "filenames": [f"fixture_train_{start + i}.png" for i in range(count)]}
        dump(os.path.join(py, f"data_batch_{k}"), batch, style)
        write(os.path.join(binary, f"data_batch_{k}.bin"), records([labels], rows))
        start += count
    test = images(len(CIFAR10_TEST_LABELS))
    dump(os.path.join(py, "test_batch"), {"batch_label": "testing batch 1 of 1", "labels": CIFAR10_TEST_LABELS,
                                          "data": test, "filenames": [f"fixture_test_{i}.png" for i in range(len(test))]},
         "py2")
    write(os.path.join(binary, "test_batch.bin"), records([CIFAR10_TEST_LABELS], test))
    dump(os.path.join(py, "batches.meta"), {"num_cases_per_batch": 10000, "label_names": CIFAR10_CLASSES,
                                            "num_vis": 3072}, "py2")
    write(os.path.join(binary, "batches.meta.txt"), ("\n".join(CIFAR10_CLASSES) + "\n\n").encode())


def cifar100():
    py = os.path.join(OUT, "cifar-100-python")
    binary = os.path.join(OUT, "cifar-100-binary")
    os.makedirs(py, exist_ok=True)
    os.makedirs(binary, exist_ok=True)
    for split, labels in (("train", CIFAR100_TRAIN), ("test", CIFAR100_TEST)):
        rows = images(len(labels["fine"]))
        dump(os.path.join(py, split), {"filenames": [f"fixture_{split}_{i}.png" for i in range(len(rows))],
                                       "batch_label": f"{split}ing batch 1 of 1", "fine_labels": labels["fine"],
                                       "coarse_labels": labels["coarse"], "data": rows}, "py2")
        write(os.path.join(binary, f"{split}.bin"), records([labels["coarse"], labels["fine"]], rows))
    dump(os.path.join(py, "meta"), {"fine_label_names": CIFAR100_FINE, "coarse_label_names": CIFAR100_COARSE}, "py2")
    write(os.path.join(binary, "fine_label_names.txt"), ("\n".join(CIFAR100_FINE) + "\n").encode())
    write(os.path.join(binary, "coarse_label_names.txt"), ("\n".join(CIFAR100_COARSE) + "\n").encode())


class Evil:
    """What a hostile 'batch' holds: unpickling it with pickle.load would run a shell command."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def main():
    cifar10()
    cifar100()
    write(os.path.join(OUT, "evil_batch"), pickle.dumps({b"data": Evil(), b"labels": [0]}, protocol=2))
    # Self-check with the real unpickler (encoding='bytes', as the CIFAR page tells Python 3 users).
    with open(os.path.join(OUT, "cifar-10-batches-py", "data_batch_5"), "rb") as f:
        assert pickle.load(f, encoding="bytes")[b"labels"] == CIFAR10_TRAIN_LABELS[6:]
    with open(os.path.join(OUT, "cifar-100-python", "train"), "rb") as f:
        batch = pickle.load(f, encoding="bytes")
        assert (batch[b"data"] == images(3)).all() and batch[b"coarse_labels"] == CIFAR100_TRAIN["coarse"]
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT} ({total} bytes)")


if __name__ == "__main__":
    main()
