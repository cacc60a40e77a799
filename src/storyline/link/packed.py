"""Numpy arrays kept compressed: in blobs, and in memory while a step does not need them.

The passage seeds' count-min sketch is 256 MiB from about 30k reports on, four fifths of it empty buckets,
and every anchor of the corpus is kept beside it (9 bytes each): written and read whole, each cost its
size again in bytes while it was packed or unpacked, and the sketch was held through the passage step
after seeding was done with it. Compressed with zstd (pyarrow's codec: pyarrow is a dependency already;
zstd level 1 packed the 30k sketch to 32 MiB in 0.9 CPU s where zlib level 1 took 1.9 s for 37 MiB) in
pieces of :data:`PIECE_BYTES`, an array is packed without a copy of its bytes and unpacked straight into
one writable array: no step holds two copies.
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
    length they were cut at, and the array's type."""
    raw = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
    codec = _codec()
    parts = [
        codec.compress(raw[start : start + PIECE_BYTES], asbytes=True)
        for start in range(0, len(raw), PIECE_BYTES)
    ]
    return {
        "data": np.frombuffer(b"".join(parts), dtype=np.uint8),
        "sizes": np.fromiter((len(part) for part in parts), dtype=np.int64, count=len(parts)),
        "shape": np.asarray(array.shape, dtype=np.int64),
        "piece": np.asarray([PIECE_BYTES], dtype=np.int64),
        "dtype": np.frombuffer(array.dtype.str.encode("ascii"), dtype=np.uint8),
    }


def unpack(packed: Mapping[str, np.ndarray], dtype: np.dtype[Any] | type | None = None) -> np.ndarray:
    """The array :func:`pack` made (of ``dtype``, by default the type it was packed from), decompressed
    piece by piece into one new array.

    Raises ValueError (or OSError, from the codec) when the pieces do not make an array of that shape.
    """
    shape = tuple(int(n) for n in packed["shape"])
    data, sizes, piece = packed["data"], packed["sizes"], int(packed["piece"][0])
    if dtype is None:
        dtype = np.dtype(packed["dtype"].tobytes().decode("ascii"))
        if dtype.hasobject:
            raise ValueError("packed arrays hold no objects")
    if any(n < 0 for n in shape):
        raise ValueError("packed pieces do not make the array they describe")
    nbytes = int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize
    # Checked before the array is made: a damaged shape would otherwise ask for any amount of memory.
    if piece <= 0 or len(sizes) != -(-nbytes // piece) or int(sizes.sum()) != len(data) or (sizes < 0).any():
        raise ValueError("packed pieces do not make the array they describe")
    out = np.empty(shape, dtype=dtype)
    raw = out.reshape(-1).view(np.uint8)
    codec = _codec()
    at = 0
    for n, size in enumerate(sizes.tolist()):
        want = min(piece, len(raw) - n * piece)
        part = codec.decompress(data[at : at + size], decompressed_size=want)
        if len(part) != want:
            raise ValueError("a packed piece is not of its length")
        raw[n * piece : n * piece + want] = np.frombuffer(part, dtype=np.uint8)
        at += size
    return out


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
