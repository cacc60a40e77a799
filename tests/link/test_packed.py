"""Arrays kept compressed (storyline.link.packed) come back equal, and damaged ones are refused."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.link import packed
from storyline.link.report_terms import narrowest


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((2, 0), dtype=np.uint16),
        np.arange(10, dtype=np.int32),
        np.random.default_rng(1).integers(0, 3, (2, 5000)).astype(np.uint16),
        np.random.default_rng(2).random(777) < 0.2,
        np.random.default_rng(3).integers(-(2**31), 2**31 - 1, (333, 5), dtype=np.int64).astype(np.int32),
    ],
)
def test_an_array_comes_back_as_it_went_in_over_many_pieces(
    array: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packed, "PIECE_BYTES", 1000)  # several pieces, the last one short
    kept = packed.pack(array)
    narrow = len(kept["piece"]) > 1  # a byte a value, then the values over a byte in two pieces
    if array.nbytes > 1000:
        assert len(kept["sizes"]) == -(-(array.size if narrow else array.nbytes) // 1000) + 2 * narrow
    back = packed.unpack(kept, array.dtype)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)
    back[...] = 0  # writable, and its own memory
    assert np.array_equal(packed.unpack(kept, array.dtype), array)


def test_a_sparse_array_packs_small() -> None:
    counts = np.zeros((2, 1 << 20), dtype=np.uint16)
    counts[:, ::7] = 3
    assert len(packed.pack(counts)["data"]) * 20 < counts.nbytes


def test_damaged_or_mismatched_pieces_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packed, "PIECE_BYTES", 1000)
    array = np.random.default_rng(4).integers(0, 1000, 3000).astype(np.int32)
    kept = packed.pack(array)
    cut = dict(kept, data=kept["data"][:-10], sizes=kept["sizes"].copy())
    cut["sizes"][-1] -= 10
    with pytest.raises((ValueError, OSError)):
        packed.unpack(cut, np.int32)
    with pytest.raises(ValueError):  # the sizes do not add up to the data
        packed.unpack(dict(kept, data=kept["data"][:-10]), np.int32)
    for shape in ([2999], [2000]):  # another shape than the pieces make (as many pieces, or fewer)
        with pytest.raises((ValueError, OSError)):
            packed.unpack(dict(kept, shape=np.asarray(shape)), np.int32)
    flipped = kept["data"].copy()
    flipped[len(flipped) // 2] ^= 0xFF
    try:
        back = packed.unpack(dict(kept, data=flipped), np.int32)
    except (ValueError, OSError):
        return
    assert not np.array_equal(back, array)  # zstd caught it, or the array says it is not the same


def test_a_damaged_shape_is_refused_before_any_memory_is_asked_for() -> None:
    saved = packed.pack(np.arange(1000, dtype=np.int32))
    for shape in ((1 << 45,), (-4, 250), (1 << 33, 1 << 12)):
        with pytest.raises(ValueError, match="do not make the array"):
            packed.unpack({**saved, "shape": np.asarray(shape, dtype=np.int64)})


def test_counts_no_narrow_type_holds_are_refused() -> None:
    with pytest.raises(ValueError, match="more than any report holds"):
        narrowest(np.asarray([3, 1 << 40], dtype=np.int64))
    assert narrowest(np.asarray([3, 300])).dtype == np.uint16


@pytest.mark.parametrize("dtype", [np.uint16, np.uint32, np.uint64])
def test_counts_nearly_all_below_a_byte_pack_narrow_and_come_back(
    dtype: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packed, "PIECE_BYTES", 1000)
    counts = np.random.default_rng(5).integers(0, 4, (2, 5000)).astype(dtype)
    top = int(np.iinfo(dtype).max)
    counts[0, [0, 17, 4999]] = [255, 256, top]  # a byte's top value itself is one of those listed
    counts[1, -1] = 254
    kept = packed.pack(counts)
    assert kept["piece"].tolist() == [1000, 1, 3]
    assert len(kept["sizes"]) == 10 + 2
    back = packed.unpack(kept)
    assert back.dtype == np.dtype(dtype) and np.array_equal(back, counts)


def test_values_mostly_over_a_byte_or_of_other_types_pack_as_they_are() -> None:
    wide = np.random.default_rng(6).integers(0, 60_000, 4000).astype(np.uint16)
    signed = np.arange(4000, dtype=np.int16) % 7
    for array in (wide, signed, wide.astype(np.uint8)):
        kept = packed.pack(array)
        assert kept["piece"].tolist() == [packed.PIECE_BYTES]
        assert np.array_equal(packed.unpack(kept), array)


def test_counts_packed_as_they_are_before_narrowing_still_unpack() -> None:
    counts = np.random.default_rng(7).integers(0, 3, (2, 3000)).astype(np.uint16)
    as_before = packed.pack(counts.view(np.int16))  # the same bytes, packed whole as every array was
    assert as_before["piece"].tolist() == [packed.PIECE_BYTES]
    assert np.array_equal(packed.unpack(as_before, np.uint16), counts)


def test_damaged_values_over_a_byte_are_refused() -> None:
    counts = np.zeros(3000, dtype=np.uint16)
    counts[[5, 900]] = [300, 7000]
    kept = packed.pack(counts)
    codec = packed._codec()
    for places in ([5, 901], [5, 3000], [-1, 900]):  # a place whose byte is no 255, or outside the array
        data = kept["data"][: -int(kept["sizes"][-2:].sum())]
        parts = [codec.compress(np.asarray(places, dtype="<i8"), asbytes=True)]
        parts.append(codec.compress(np.asarray([300, 7000], dtype=np.uint16), asbytes=True))
        damaged = dict(
            kept,
            data=np.concatenate([data, np.frombuffer(b"".join(parts), dtype=np.uint8)]),
            sizes=np.concatenate([kept["sizes"][:-2], [len(part) for part in parts]]),
        )
        with pytest.raises(ValueError, match="not where the bytes say"):
            packed.unpack(damaged)
    for piece in ([packed.PIECE_BYTES, 2, 2], [packed.PIECE_BYTES, 1, 3001], [packed.PIECE_BYTES, 1]):
        with pytest.raises(ValueError):
            packed.unpack(dict(kept, piece=np.asarray(piece, dtype=np.int64)))
    with pytest.raises(ValueError):  # narrow bytes read as a signed type
        packed.unpack(kept, np.int16)
