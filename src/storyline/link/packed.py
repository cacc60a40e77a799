"""Numpy arrays kept compressed: in blobs, and in memory while a step does not need them.

The passage seeds' count-min sketch is 256 MiB from about 30k reports on, four fifths of it empty buckets,
and every anchor of the corpus is kept beside it (9 bytes each): written and read whole, each cost its
size again in bytes while it was packed or unpacked, and the sketch was held through the passage step
after seeding was done with it. Compressed with zstd (pyarrow's codec: pyarrow is a dependency already;
zstd level 1 packed the 30k sketch to 32 MiB in 0.9 CPU s where zlib level 1 took 1.9 s for 37 MiB) in
pieces of :data:`PIECE_BYTES`, an array is packed without a copy of its bytes and unpacked straight into
one writable array: no step holds two copies.

An array of unsigned integers wider than a byte whose values nearly all fit one (the sketch's counts: at
30k reports 99.998% of them are below 255) is packed *narrow*: a byte per value (255 standing for "255 or
more"), then the places and values of those at 255 or more. zstd decompressed the 256 MiB of counts in
about 0.7 CPU s where the 128 MiB of bytes take about 0.3, and every top-up unpacks the sketch.
"""

from __future__ import annotations

import functools
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Bytes of the array compressed at a time: bounds the temporaries of packing and unpacking.
PIECE_BYTES = 1 << 22
_CODEC = "zstd"
#: The arrays :func:`pack` makes of one array.
PACKED_NAMES = ("data", "sizes", "shape", "piece", "dtype")
_LEVEL = 1

#: What reading a damaged kept blob (a numpy ``.npz``, that is a zip archive, or packed pieces) can raise:
#: such a blob is refused and its state computed afresh. Besides the usual errors, ``zipfile`` raises
#: ``NotImplementedError`` (a ``RuntimeError``) for an unknown compression method or version and
#: ``RuntimeError`` for an entry marked encrypted, which one damaged byte can announce.
UNREADABLE_BLOB_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    OSError,
    EOFError,
    RuntimeError,
    zipfile.BadZipFile,
)


@functools.cache
def _codec() -> Any:
    import pyarrow as pa  # imported when first needed: the CLI's start-up does not pay for it

    return pa.Codec(_CODEC, compression_level=_LEVEL)


def pack(array: np.ndarray) -> dict[str, np.ndarray]:
    """``array`` compressed a piece at a time, as arrays :func:`unpack` takes back (to be saved in an npz
    archive under one prefix): the compressed bytes, each piece's compressed size, the shape, the piece
    length they were cut at (for an array packed narrow, then 1, the bytes a value is packed in, and how
    many values are 255 or more: their places and values are the last two pieces), and the array's type."""
    flat = np.ascontiguousarray(array).reshape(-1)
    over = _over_a_byte(flat)
    codec = _codec()
    if over is None:
        raw = flat.view(np.uint8)
        piece = [PIECE_BYTES]
        extra: list[bytes] = []
    else:
        # The bytes made a piece at a time (a byte copy of the whole array would be half its size again).
        raw = flat
        piece = [PIECE_BYTES, 1, len(over)]
        values = flat[over]
        extra = [codec.compress(part, asbytes=True) for part in (over.astype("<i8"), values)]
    parts = [
        codec.compress(_bytes_of(raw[start : start + PIECE_BYTES]), asbytes=True)
        for start in range(0, len(raw), PIECE_BYTES)
    ]
    parts.extend(extra)
    return {
        "data": np.frombuffer(b"".join(parts), dtype=np.uint8),
        "sizes": np.fromiter((len(part) for part in parts), dtype=np.int64, count=len(parts)),
        "shape": np.asarray(array.shape, dtype=np.int64),
        "piece": np.asarray(piece, dtype=np.int64),
        "dtype": np.frombuffer(array.dtype.str.encode("ascii"), dtype=np.uint8),
    }


def _over_a_byte(flat: np.ndarray) -> np.ndarray | None:
    """The places of the values of 255 or more when ``flat`` is better packed narrow (unsigned integers
    wider than a byte, and those values' places and values take fewer bytes than a byte per value saves),
    else None."""
    if flat.dtype.kind != "u" or flat.dtype.itemsize == 1 or not len(flat):
        return None
    over = np.flatnonzero(flat >= 255)
    saved = len(flat) * (flat.dtype.itemsize - 1)
    return over if len(over) * (8 + flat.dtype.itemsize) < saved else None


def _bytes_of(values: np.ndarray) -> np.ndarray:
    """A piece's bytes: its own for bytes, else each value as one byte (255 for 255 or more)."""
    if values.dtype == np.uint8:
        return values
    return np.minimum(values, 255).astype(np.uint8)


def unpack(packed: Mapping[str, np.ndarray], dtype: np.dtype[Any] | type | None = None) -> np.ndarray:
    """The array :func:`pack` made (of ``dtype``, by default the type it was packed from), decompressed
    piece by piece into one new array.

    Raises ValueError (or OSError, from the codec) when the pieces do not make an array of that shape.
    """
    shape = tuple(int(n) for n in packed["shape"])
    data, sizes, pieces = packed["data"], packed["sizes"], packed["piece"].tolist()
    piece = int(pieces[0])
    if dtype is None:
        dtype = np.dtype(packed["dtype"].tobytes().decode("ascii"))
        if dtype.hasobject:
            raise ValueError("packed arrays hold no objects")
    dtype = np.dtype(dtype)
    if any(n < 0 for n in shape):
        raise ValueError("packed pieces do not make the array they describe")
    count = int(np.prod(shape, dtype=object))
    narrow = len(pieces) > 1
    if narrow and (len(pieces) != 3 or pieces[1] != 1 or dtype.kind != "u" or not 0 <= pieces[2] <= count):
        raise ValueError("packed pieces do not make the array they describe")
    # The packed bytes: one per value when narrow, else the array's own.
    nbytes = count if narrow else count * dtype.itemsize
    # Checked before the array is made: a damaged shape would otherwise ask for any amount of memory.
    wanted = -(-nbytes // piece) + (2 if narrow else 0) if piece > 0 else -1
    if piece <= 0 or len(sizes) != wanted or int(sizes.sum()) != len(data) or (sizes < 0).any():
        raise ValueError("packed pieces do not make the array they describe")
    out = np.empty(shape, dtype=dtype)
    flat = out.reshape(-1)
    target = flat if narrow else flat.view(np.uint8)
    codec = _codec()
    at = 0
    ends = np.cumsum(sizes).tolist()
    for n in range(len(sizes) - (2 if narrow else 0)):
        want = min(piece, nbytes - n * piece)
        part = codec.decompress(data[at : ends[n]], decompressed_size=want)
        if len(part) != want:
            raise ValueError("a packed piece is not of its length")
        target[n * piece : n * piece + want] = np.frombuffer(part, dtype=np.uint8)  # widened when narrow
        at = ends[n]
    if narrow:
        over = int(pieces[2])
        places = np.frombuffer(_piece(codec, data[at : ends[-2]], 8 * over), dtype="<i8")
        values = np.frombuffer(_piece(codec, data[ends[-2] :], over * dtype.itemsize), dtype=dtype)
        outside = over and (places.min() < 0 or places.max() >= count)
        if outside or (over and ((flat[places] != 255).any() or values.min() < 255)):
            raise ValueError("packed values over a byte are not where the bytes say")
        flat[places] = values
    return out


def _piece(codec: Any, data: np.ndarray, size: int) -> bytes:
    """One compressed piece of ``size`` bytes, decompressed."""
    part = codec.decompress(data, decompressed_size=size, asbytes=True) if size else b""
    if len(part) != size:
        raise ValueError("a packed piece is not of its length")
    return part


def packed_items(prefix: str, array: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`pack`'s arrays named ``prefix.NAME`` (for ``np.savez``)."""
    return {f"{prefix}.{name}": value for name, value in pack(array).items()}


def unpack_item(
    saved: Mapping[str, np.ndarray], prefix: str, dtype: np.dtype[Any] | type | None = None
) -> np.ndarray:
    """The array :func:`packed_items` saved under ``prefix`` in ``saved`` (an opened npz archive)."""
    return unpack({name: saved[f"{prefix}.{name}"] for name in PACKED_NAMES}, dtype)


def packed_prefixes(names: list[str]) -> list[str]:
    """The prefixes :func:`packed_items` saved arrays under, among an archive's member ``names``."""
    return [name[: -len(".data")] for name in names if name.endswith(".data")]
