"""A small baseline-TIFF reader (band count, size, dtype) and a one-band writer; standard library only."""

import struct

DTYPES = {"uint8": (8, 1, "B"), "int8": (8, 2, "b"), "uint16": (16, 1, "H"), "int16": (16, 2, "h"),
          "uint32": (32, 1, "I"), "int32": (32, 2, "i"), "float32": (32, 3, "f"), "float64": (64, 3, "d")}
_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8}
_TYPE_FMT = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 16: "Q"}


def read_header(path):
    """{'bands', 'width', 'height', 'dtype'} of the first image, or None when not a TIFF."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return None
    bo = "<" if data[:2] == b"II" else ">"
    magic = struct.unpack(bo + "H", data[2:4])[0]
    if magic == 42:
        offset, count_fmt, entry, head = struct.unpack(bo + "I", data[4:8])[0], "H", 12, 2
    elif magic == 43:
        offset, count_fmt, entry, head = struct.unpack(bo + "Q", data[8:16])[0], "Q", 20, 8
    else:
        return None
    if offset + head > len(data):
        return None
    n = struct.unpack(bo + count_fmt, data[offset:offset + head])[0]
    tags = {}
    for i in range(n):
        e = offset + head + i * entry
        if e + entry > len(data):
            break
        tag, typ = struct.unpack(bo + "HH", data[e:e + 4])
        if typ not in _TYPE_FMT:
            continue
        big = magic == 43
        count = struct.unpack(bo + ("Q" if big else "I"), data[e + 4:e + (12 if big else 8)])[0]
        size, field, inline = _TYPE_SIZE[typ], e + (12 if big else 8), (8 if big else 4)
        if count * size > inline:  # the values are stored elsewhere: follow the offset
            field = struct.unpack(bo + ("Q" if big else "I"), data[field:field + inline])[0]
        if field + size <= len(data):
            tags[tag] = struct.unpack(bo + _TYPE_FMT[typ], data[field:field + size])[0]
    bits, fmt = tags.get(258, 8), tags.get(339, 1)
    dtype = next((k for k, v in DTYPES.items() if v[:2] == (bits, fmt)), f"bits{bits}")
    return {"bands": tags.get(277, 1), "width": tags.get(256), "height": tags.get(257), "dtype": dtype}


def write(path, rows, dtype, bands=1):
    """Uncompressed TIFF of rows (list of lists) in dtype, repeated over `bands` interleaved samples;
    values cast as numpy astype would (int() truncates toward zero)."""
    if dtype not in DTYPES:
        raise TypeError(f"invalid dtype: '{dtype}'")
    bits, fmt, code = DTYPES[dtype]
    height, width = len(rows), len(rows[0])
    cast = float if fmt == 3 else int
    pixels = struct.pack("<" + code * (width * height * bands),
                         *(cast(v) for row in rows for v in row for _ in range(bands)))
    entries = [(256, 3, [width]), (257, 3, [height]), (258, 3, [bits] * bands), (259, 3, [1]), (262, 3, [1]),
               (273, 4, [0]), (277, 3, [bands]), (278, 3, [height]), (279, 4, [len(pixels)]), (284, 3, [1]),
               (339, 3, [fmt] * bands)]
    extra_at = 8 + 2 + 12 * len(entries) + 4
    extra = bytearray()
    body = bytearray(struct.pack("<H", len(entries)))
    for tag, typ, vals in entries:
        packed = struct.pack("<" + ("H" if typ == 3 else "I") * len(vals), *vals)
        if len(packed) <= 4:
            field = packed.ljust(4, b"\0")
        else:
            field = struct.pack("<I", extra_at + len(extra))
            extra += packed
        body += struct.pack("<HHI", tag, typ, len(vals)) + field
    body += struct.pack("<I", 0)
    data_at = extra_at + len(extra)
    body = body.replace(struct.pack("<HHI", 273, 4, 1) + b"\0" * 4, struct.pack("<HHII", 273, 4, 1, data_at))
    with open(path, "wb") as f:
        f.write(b"II" + struct.pack("<HI", 42, 8) + bytes(body) + bytes(extra) + pixels)
