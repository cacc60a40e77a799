"""Exact and near duplicates."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.ids import content_hash
from storyline.link import (
    LinkDoc,
    LinkSettings,
    NearDuplicateIndex,
    find_exact_duplicates,
    find_near_duplicates,
)

BODY = (
    "The city council voted on Tuesday to close the old river bridge for repairs after engineers found "
    "cracks in two of its supporting piers during a routine inspection last month.\n\n"
    "Traffic will be diverted through the northern ring road for at least six weeks, the council said, "
    "and buses on three routes will change their stops while the work goes on.\n\n"
    "Local shop owners near the bridge said they feared losing customers during the closure and asked "
    "the council for help with rent while the street stays quiet."
)
OTHER = (
    "A regional orchestra announced its new season on Friday with eight concerts of music by living "
    "composers, two of them written for the orchestra and played for the first time.\n\n"
    "Tickets go on sale next week, and students will pay half price for every concert of the season."
)


def test_exact_duplicate_points_to_earliest_ingested_copy() -> None:
    docs = [LinkDoc("late", 5, BODY), LinkDoc("early", 1, "  " + BODY.upper()), LinkDoc("other", 3, OTHER)]
    assert find_exact_duplicates(docs) == {"late": "early"}


def test_near_duplicate_with_new_headline_and_added_paragraph() -> None:
    republished = (
        "Bridge shut after cracks found\n\n"
        + BODY
        + ("\n\nThe council will publish the engineers' report on its website next Monday.")
    )
    docs = [LinkDoc("orig", 1, BODY), LinkDoc("copy", 2, republished), LinkDoc("other", 3, OTHER)]
    assert find_near_duplicates(docs) == {"copy": "orig"}


def test_near_duplicates_are_order_independent_and_chain_to_the_original() -> None:
    copy_one = BODY + "\n\nA spokesman declined to comment further."
    copy_two = "Updated: " + BODY
    docs = [LinkDoc("c2", 9, copy_two), LinkDoc("c1", 4, copy_one), LinkDoc("o", 2, BODY)]
    assert find_near_duplicates(docs) == {"c1": "o", "c2": "o"}
    assert find_near_duplicates(list(reversed(docs))) == {"c1": "o", "c2": "o"}


def test_incremental_index_survives_serialisation() -> None:
    index = NearDuplicateIndex()
    assert find_near_duplicates([LinkDoc("orig", 1, BODY), LinkDoc("other", 2, OTHER)], index) == {}
    restored = NearDuplicateIndex.from_bytes(index.to_bytes())
    assert len(restored) == 2
    new = [LinkDoc("copy", 3, "Breaking\n\n" + BODY)]
    assert find_near_duplicates(new, restored) == {"copy": "orig"}
    assert "copy" in restored


def test_same_theme_is_not_a_near_duplicate() -> None:
    rewrite = (
        "Engineers found cracks in the piers of the old river bridge, and the council closed it on Tuesday. "
        "Drivers must use the northern ring road for six weeks; three bus routes change their stops. "
        "Shop owners fear a quiet street and asked for help with rent."
    )
    assert find_near_duplicates([LinkDoc("a", 1, BODY), LinkDoc("b", 2, rewrite)]) == {}


def test_signature_round_trip() -> None:
    index = NearDuplicateIndex()
    sig = index.signature(BODY)
    again = type(sig).from_bytes(sig.to_bytes())
    assert again.size == sig.size
    assert (again.hashvalues == sig.hashvalues).all()


def test_band_candidates_are_what_each_document_would_query_when_reached() -> None:
    """The batch search (each band's values sorted) pairs every new document with exactly the indexed
    documents an LSH query by it would return, with the index holding only those before it."""
    variants = [BODY, OTHER, BODY + "\n\nMore later.", "Updated: " + BODY, OTHER.upper(), BODY[:200]]
    index = NearDuplicateIndex()
    index.add("old", index.signature(BODY))
    one_by_one = []
    for n, text in enumerate(variants):
        sig = index.signature(text)
        one_by_one.extend((n + 1, index.row_of(doc)) for doc in index.query(sig))
        index.add(f"new{n}", sig)
    later, earlier = index.earlier_in_a_band(1)
    assert sorted(zip(later.tolist(), earlier.tolist(), strict=True)) == sorted(one_by_one)
    assert len(one_by_one) >= 4  # the copies of BODY meet each other and the old document


def test_texts_read_through_bodies_give_the_same_decisions_and_index(monkeypatch) -> None:
    from dataclasses import replace

    from storyline.link import dedup

    docs = [
        LinkDoc("o", 2, BODY),
        LinkDoc("c1", 4, BODY + "\n\nA spokesman declined to comment further."),
        LinkDoc("x", 5, OTHER),
        LinkDoc("c2", 9, "Updated: " + BODY),
        LinkDoc("x2", 11, "Concert season: " + OTHER),
        LinkDoc("same", 12, BODY),
    ]
    by_id = {doc.id: doc for doc in docs}
    read: list[str] = []

    def bodies(wanted: object) -> list[LinkDoc]:
        chunk = list(wanted)  # type: ignore[call-overload]
        read.extend(doc.id for doc in chunk)
        return [by_id[doc.id] for doc in chunk]

    carried = NearDuplicateIndex()
    expected = find_near_duplicates(docs[:2], carried)
    expected |= find_near_duplicates(docs, carried)
    monkeypatch.setattr(dedup, "VERIFY_CHUNK", 2)  # chunks of new documents that end mid-corpus
    bare = [replace(doc, text="") for doc in docs]
    streamed = NearDuplicateIndex()
    found = find_near_duplicates(bare[:2], streamed, bodies=bodies)
    read.clear()
    found |= find_near_duplicates(bare, streamed, bodies=bodies)
    assert found == expected == {"c1": "o", "c2": "o", "x2": "x", "same": "o"}
    assert streamed.to_bytes() == carried.to_bytes()
    assert "o" in read  # indexed before, so not signed again: its text was read to verify copies with
    assert find_exact_duplicates(bare, bodies) == find_exact_duplicates(docs) == {"same": "o"}
    # With the stored content hashes of some documents, only the others' texts are read.
    read.clear()
    known = {doc.id: content_hash(doc.text) for doc in docs[:3]}
    assert find_exact_duplicates(bare, bodies, known) == {"same": "o"}
    assert sorted(read) == sorted(doc.id for doc in docs[3:])


def _index_of_every_kind() -> NearDuplicateIndex:
    """An index with originals (a chain resolved), seqs out of row order and a non-ASCII id."""
    index = NearDuplicateIndex()
    docs = [
        LinkDoc("o", 7, BODY),
        LinkDoc("x", 3, OTHER),
        LinkDoc("c1", 9, BODY + "\n\nA spokesman declined to comment further."),
        LinkDoc("ü-copy", 12, "Updated: " + BODY),
    ]
    assert find_near_duplicates(docs, index) == {"c1": "o", "ü-copy": "o"}
    return index


def _rows_as_written_before(index: NearDuplicateIndex) -> bytes:
    """The layout indexes were written in before the arrays (a document at a time): the reference."""
    import struct

    parts = [
        struct.pack("<6sIII", b"SLNDX1", index.settings.num_perm, index.settings.minhash_seed, len(index))
    ]
    for doc_id in index.ids:
        for text in (doc_id, index.originals.get(doc_id, "")):
            parts.append(struct.pack("<I", len(text.encode())) + text.encode())
        sig = index.signature_at(index.row_of(doc_id))
        parts.append(
            struct.pack("<qI", index.seq_of(doc_id), sig.size) + sig.hashvalues.astype("<u4").tobytes()
        )
    return b"".join(parts)


def _same_index(a: NearDuplicateIndex, b: NearDuplicateIndex) -> bool:
    rows = range(len(a))
    return (
        a.ids == b.ids
        and a.originals == b.originals
        and [a.seq_of(d) for d in a.ids] == [b.seq_of(d) for d in b.ids]
        and all(a.signature_at(n).size == b.signature_at(n).size for n in rows)
        and all((a.signature_at(n).hashvalues == b.signature_at(n).hashvalues).all() for n in rows)
    )


def test_index_round_trip_keeps_every_row_and_reads_the_older_layout() -> None:
    index = _index_of_every_kind()
    restored = NearDuplicateIndex.from_bytes(index.to_bytes())
    assert _same_index(restored, index)
    assert _same_index(NearDuplicateIndex.from_bytes(_rows_as_written_before(index)), index)
    unchecked = b"SLNDX2" + index.to_bytes()[6:-16]  # the array layout before its closing digest
    assert _same_index(NearDuplicateIndex.from_bytes(unchecked), index)
    # A restored index grows like the one it was written from.
    more = [LinkDoc("c3", 20, BODY + "\n\nMore later.")]
    assert find_near_duplicates(more, restored) == find_near_duplicates(more, index) == {"c3": "o"}
    assert restored.to_bytes() == index.to_bytes()
    empty = NearDuplicateIndex.from_bytes(NearDuplicateIndex().to_bytes())
    assert len(empty) == 0 and empty.to_bytes() == NearDuplicateIndex().to_bytes()


def test_a_damaged_index_is_refused() -> None:
    import struct

    import pytest

    index = _index_of_every_kind()
    data = index.to_bytes()
    older = _rows_as_written_before(index)
    middle = len(data) // 2  # inside the signatures
    twice = _index_of_every_kind()
    twice.ids[1] = twice.ids[0]  # a blob that names a document twice, its digest right
    for damaged in (
        data[:-1],
        data + b"x",
        data[:40],
        data[:10],
        b"SLNDX9" + data[6:],
        data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :],  # every length still right
        older[:-3],  # cut inside the last signature: what is left would be broadcast
        older + b"x",
        twice.to_bytes(),
    ):
        with pytest.raises((ValueError, struct.error)):
            NearDuplicateIndex.from_bytes(damaged)


def _random_index(seed: int, rows: int) -> NearDuplicateIndex:
    """Signatures of few distinct values (so bands often agree), some rows copying another's band or whole
    signature: groups of every size, old and new rows mixed in them."""
    import numpy as np

    from storyline.link.dedup import Signature

    rng = np.random.default_rng(seed)
    index = NearDuplicateIndex()
    made: list[np.ndarray] = []
    for row in range(rows):
        values = rng.integers(0, 3, size=index.settings.num_perm).astype(np.uint32)
        if made and rng.random() < 0.5:
            other = made[int(rng.integers(len(made)))]
            start, end = index.band_ranges[int(rng.integers(len(index.band_ranges)))]
            values[start:end] = other[start:end]
            if rng.random() < 0.2:
                values = other.copy()
        made.append(values)
        index.add(f"d{row}", Signature(values, 10))
    return index


def _queried_one_by_one(index: NearDuplicateIndex, first_new: int) -> list[tuple[int, int]]:
    """The reference: each row from ``first_new`` on compared with every row before it, band by band."""
    import numpy as np

    values = np.stack([index.signature_at(row).hashvalues for row in range(len(index))])
    pairs = []
    for later in range(first_new, len(index)):
        equal = values[:later] == values[later]
        shared = np.zeros(later, dtype=bool)
        for start, end in index.band_ranges:
            shared |= equal[:, start:end].all(axis=1)
        pairs.extend((later, int(earlier)) for earlier in np.flatnonzero(shared))
    return pairs


def test_band_search_over_the_new_rows_finds_every_pair(monkeypatch) -> None:
    """Only rows whose band folds to a new row's number are grouped: the pairs are those of comparing
    each new row with every earlier one, whether the folded numbers tell values apart or all collide."""
    from storyline.link import dedup

    for seed in range(6):
        index = _random_index(seed, 60)
        for first_new in (0, 1, 45, 59, 60):
            later, earlier = index.earlier_in_a_band(first_new)
            expected = _queried_one_by_one(index, first_new)
            assert list(zip(later.tolist(), earlier.tolist(), strict=True)) == expected
            assert first_new >= 59 or expected  # the random rows do share bands
    # Every band folded to one number: every row is grouped by its raw values, the same pairs.
    index = _random_index(7, 40)
    expected = _queried_one_by_one(index, 30)
    monkeypatch.setattr(dedup, "_band_fingerprints", lambda band: dedup.np.zeros(len(band), dtype="u8"))
    later, earlier = index.earlier_in_a_band(30)
    assert list(zip(later.tolist(), earlier.tolist(), strict=True)) == expected


def test_an_original_asked_by_several_new_copies_is_compared_with_each(monkeypatch) -> None:
    """Three new copies of one indexed original, each with a paragraph of its own (so the copies are no
    near duplicates of each other): each is the original's, its shingle set made once for all three."""
    from storyline.link import dedup

    index = NearDuplicateIndex()
    find_near_duplicates([LinkDoc("o", 1, BODY)], index)
    copies = [
        LinkDoc(f"c{k}", 2 + k, BODY + "\n\n" + " ".join(f"w{k}n{i}" for i in range(40))) for k in range(3)
    ]
    split: list[int] = []
    made = dedup.NearDuplicateIndex.shingle_set
    monkeypatch.setattr(
        dedup.NearDuplicateIndex,
        "shingle_set",
        lambda self, text: split.append(len(text)) or made(self, text),
    )
    # The original given too (at hand, as the link stage gives every report): compared by its text.
    assert find_near_duplicates([LinkDoc("o", 1, BODY), *copies], index) == {"c0": "o", "c1": "o", "c2": "o"}
    assert split.count(len(BODY)) == 1  # the original's text split once


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7)])
def test_signatures_made_on_shared_permutations_are_datasketch_s_own(num_perm: int, seed: int) -> None:
    from datasketch import MinHash

    from storyline.link.dedup import _SCHEME, _permutations

    index = NearDuplicateIndex(LinkSettings(num_perm=num_perm, minhash_seed=seed))
    texts = ["The river burst its banks and flooded the old town on Sunday night.", "Talks resume in Geneva."]
    for text in texts:
        shingle_set = index.shingle_set(text)
        made = index.signature_of_set(shingle_set)
        own = MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME)
        own.update_batch([s.encode("utf-8") for s in shingle_set])
        assert np.array_equal(made.hashvalues, own.hashvalues)
    shared = _permutations(num_perm, seed)
    assert _permutations(num_perm, seed) is shared  # made once
    assert not shared.flags.writeable  # no sketch may change what the others read
