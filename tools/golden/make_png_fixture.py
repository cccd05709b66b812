#!/usr/bin/env python3
"""Writes PNG interop fixtures for @crossmodal/viz with nothing but zlib and struct (no PIL).

Run: /usr/bin/python3 tools/golden/make_png_fixture.py
It writes packages/viz/fixtures/python-*.png and python-png.expected.json (the 8-bit pixels
each file must decode to). The files exercise what our own encoder never writes: dynamic
Huffman blocks (zlib level 9), stored blocks (level 0), every filter type 0-4 (one per row,
cycling), a 4-bit palette with tRNS, and 16-bit samples. CI never runs this script.
"""
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "packages", "viz", "fixtures")


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(rows, bpp):
    """Filters row y with type y % 5, so every filter appears."""
    out = bytearray()
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        kind = y % 5
        out.append(kind)
        for i, v in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            out.append((v - pred) & 0xFF)
        prev = row
    return bytes(out)


def png(width, height, depth, color, rows, bpp, level, extra=b""):
    raw = filter_rows(rows, bpp)
    data = zlib.compress(raw, level)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00ancillary chunks are skipped")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + text + extra + chunk(b"IDAT", data) + chunk(b"IEND", b""), data


def block_type(zdata):
    return (zdata[2] >> 1) & 3


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {"$generated": "by tools/golden/make_png_fixture.py - do not edit"}

    # 1. RGB 8-bit, 32x24, zlib level 9: dynamic Huffman blocks.
    w, h = 32, 24
    pix = [[((x * 8) & 255, (y * 10) & 255, (x * y * 3 + 17) & 255) for x in range(w)] for y in range(h)]
    rows = [bytes(v for p in r for v in p) for r in pix]
    data, z = png(w, h, 8, 2, rows, 3, 9)
    assert block_type(z) == 2, "expected a dynamic Huffman block"
    open(os.path.join(OUT, "python-rgb.png"), "wb").write(data)
    expected["python-rgb.png"] = {"width": w, "height": h, "channels": 3, "data": [v for r in rows for v in r]}

    # 2. Palette, 4-bit, 9x4, with tRNS for the first three entries.
    palette = [(i * 17, 255 - i * 17, (i * 50) & 255) for i in range(16)]
    trns = bytes([0, 128, 200])
    w, h = 9, 4
    idx = [[(x + 2 * y) % 16 for x in range(w)] for y in range(h)]
    rows = []
    for r in idx:
        packed = bytearray()
        for x in range(0, w, 2):
            hi = r[x]
            lo = r[x + 1] if x + 1 < w else 0
            packed.append((hi << 4) | lo)
        rows.append(bytes(packed))
    extra = chunk(b"PLTE", bytes(v for p in palette for v in p)) + chunk(b"tRNS", trns)
    data, _ = png(w, h, 4, 3, rows, 1, 9, extra)
    open(os.path.join(OUT, "python-palette4.png"), "wb").write(data)
    rgba = []
    for r in idx:
        for i in r:
            rgba += list(palette[i]) + [trns[i] if i < len(trns) else 255]
    expected["python-palette4.png"] = {"width": w, "height": h, "channels": 4, "data": rgba}

    # 3. Gray 16-bit, 6x5, zlib level 0: stored blocks; decoders keep the high byte.
    w, h = 6, 5
    vals = [[(x * 9000 + y * 3001) & 0xFFFF for x in range(w)] for y in range(h)]
    rows = [b"".join(struct.pack(">H", v) for v in r) for r in vals]
    data, z = png(w, h, 16, 0, rows, 2, 0)
    assert block_type(z) == 0, "expected a stored block"
    open(os.path.join(OUT, "python-gray16.png"), "wb").write(data)
    expected["python-gray16.png"] = {"width": w, "height": h, "channels": 1, "data": [v >> 8 for r in vals for v in r]}

    with open(os.path.join(OUT, "python-png.expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


if __name__ == "__main__":
    main()
