"""Word counts kept between runs: the vectors made from them are the ones made from the texts."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from storyline.link import report_terms, tokens
from storyline.link import term_counts as term_counts_module
from storyline.link.blocks import concatenated_ranges
from storyline.link.report_terms import ReportTerms
from storyline.link.vectors import term_counts

TEXTS = [
    "The Tarn Valley Cooperative opened a cheese dairy in Ostrava on Monday. The dairy employs 40 people.",
    "Ostrava's mayor Lena Vrba said the dairy would buy milk from 120 farms in the Tarn valley.",
    "Heavy snow closed the Krenn pass on Friday; the pass reopens when the snow ploughs are through.",
]


def _rows(matrix: object, vocabulary: list[str]) -> list[dict[str, float]]:
    dense = np.asarray(matrix.todense())  # type: ignore[attr-defined]
    return [{vocabulary[c]: dense[r, c] for c in np.flatnonzero(dense[r])} for r in range(dense.shape[0])]


def test_rows_weigh_words_as_term_counts_does() -> None:
    counted = ReportTerms.count(TEXTS)
    matrix, vocabulary = counted.tf_matrix([[0], [1], [2]], name_weight=3.0)
    for row, text in zip(_rows(matrix, vocabulary), TEXTS, strict=True):
        expected = term_counts(text, 3.0)
        assert row.keys() == expected.keys()
        assert all(abs(row[w] - expected[w]) < 1e-12 for w in expected)
    assert counted.fresh == len(TEXTS)


def test_a_story_row_counts_the_words_of_all_its_reports() -> None:
    counted = ReportTerms.count(TEXTS)
    matrix, vocabulary = counted.tf_matrix([[1, 0], [2]], name_weight=3.0)
    (story, _) = _rows(matrix, vocabulary)
    expected = term_counts(TEXTS[1] + "\n\n" + TEXTS[0], 3.0)
    assert story.keys() == expected.keys()
    assert all(abs(story[w] - expected[w]) < 1e-12 for w in expected)
    assert story["dairy"] > _rows(*counted.tf_matrix([[0]], 3.0))[0]["dairy"]  # used three times, not twice


def test_kept_counts_make_the_same_matrix_and_only_new_texts_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = ReportTerms.from_bytes(ReportTerms.count(TEXTS[:2]).to_bytes())
    assert kept is not None
    counted_texts: list[str] = []
    counter = report_terms.raw_term_counts

    def counting(text: str) -> object:
        counted_texts.append(text)
        return counter(text)

    monkeypatch.setattr(report_terms, "raw_term_counts", counting)
    # A different order than the kept one, and a text the kept counts lack.
    grown = ReportTerms.count([TEXTS[2], TEXTS[1], TEXTS[0]], kept)
    assert counted_texts == [TEXTS[2]]
    assert grown.fresh == 1
    monkeypatch.setattr(report_terms, "raw_term_counts", counter)
    fresh = ReportTerms.count([TEXTS[2], TEXTS[1], TEXTS[0]])
    groups = [[0], [2, 1]]
    (matrix, vocabulary), (expected, expected_vocabulary) = (
        grown.tf_matrix(groups, 3.0),
        fresh.tf_matrix(groups, 3.0),
    )
    assert vocabulary == expected_vocabulary
    assert (matrix != expected).nnz == 0  # equal to the last bit, same columns


def test_counts_of_another_version_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ReportTerms.count(TEXTS).to_bytes()
    monkeypatch.setattr(report_terms, "COUNTS_VERSION", report_terms.COUNTS_VERSION + 1)
    assert ReportTerms.from_bytes(data) is None
    monkeypatch.undo()
    assert ReportTerms.from_bytes(data) is not None
    # Counted by other code (the tokeniser's modules changed): not read either.
    monkeypatch.setattr(report_terms, "counting_code_digest", lambda: b"another tokenise")
    assert ReportTerms.from_bytes(data) is None


@pytest.mark.parametrize("module", [term_counts_module, tokens])
def test_the_counting_digest_follows_the_modules_that_count(
    module: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edit to the word splitting (term_counts.py) or the normalising (tokens.py) makes kept counts stale.
    report_terms.counting_code_digest.cache_clear()
    before = report_terms.counting_code_digest()
    source = Path(module.__file__)  # type: ignore[attr-defined]
    reading = Path.read_bytes

    def edited(path: Path) -> bytes:
        return reading(path) + (b"# edited" if path == source else b"")

    monkeypatch.setattr(Path, "read_bytes", edited)
    report_terms.counting_code_digest.cache_clear()
    try:
        assert report_terms.counting_code_digest() != before
    finally:
        report_terms.counting_code_digest.cache_clear()


def test_no_texts_make_an_empty_matrix() -> None:
    matrix, vocabulary = ReportTerms.count([]).tf_matrix([], 3.0)
    assert matrix.shape == (0, 0) and vocabulary == []


def test_a_damaged_kept_counts_blob_is_counted_afresh(tmp_path: Path) -> None:
    from storyline.link.records import LinkDoc
    from storyline.stages import link
    from storyline.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "s.db")
    reports = [
        LinkDoc(id="a", seq=0, text="Dockworkers in Velmora struck over unpaid wages on Monday."),
        LinkDoc(id="b", seq=1, text="The Velmora port strike entered its second day, the union said."),
    ]
    store.set_blob(link.TERMS_BLOB, b"PK\x03\x04 not a kept count archive")
    terms = link.report_terms(store, [], reports, {})  # texts at hand, none in the store
    assert store.get_state(link.COUNTED_STATE) == len(reports)
    assert ReportTerms.from_bytes(store.get_blob(link.TERMS_BLOB) or b"") is not None
    assert terms.fresh == len(reports)


def _whole_corpus_tf(counted: ReportTerms, groups: list[list[int]], name_weight: float) -> object:
    """The rows as they were made before blocks (every entry of every group in one numpy step)."""
    from scipy import sparse

    rows = np.asarray([r for group in groups for r in group], dtype=np.int64)
    group_of_row = np.repeat(np.arange(len(groups), dtype=np.int64), [len(g) for g in groups])
    lengths = counted.indptr[rows + 1] - counted.indptr[rows]
    entries = concatenated_ranges(counted.indptr[rows], lengths)
    used, columns = report_terms.first_use_order(counted.terms[entries], len(counted.vocabulary))
    packed = (counted.counts[entries].astype(np.int64) << 32) | counted.names[entries]
    summed = sparse.csr_matrix(
        (packed, (np.repeat(group_of_row, lengths), columns)), shape=(len(groups), len(used)), dtype=np.int64
    )
    uses = (summed.data >> 32).astype(np.float64)
    names = (summed.data & ((1 << 32) - 1)).astype(np.float64)
    weights = (1.0 + np.log(uses)) * np.where(2 * names >= uses, name_weight, 1.0)
    matrix = sparse.csr_matrix((weights, summed.indices, summed.indptr), shape=summed.shape)
    return matrix, [counted.vocabulary[t] for t in used.tolist()]


def test_rows_made_a_block_at_a_time_are_the_rows_made_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rng = random.Random(5)
    words = ["Ostrava", "dairy", "milk", "Vrba", "snow", "pass", "41", "farms", "valley", "Krenn", "the"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(40)]
    counted = ReportTerms.count(texts)
    reports = [[n] for n in range(len(texts))]
    stories = [[3, 1], [], [7], list(range(8, 30)), [39, 0, 2], [31, 32]]
    for groups in (reports, stories):
        expected_matrix, expected_vocabulary = _whole_corpus_tf(counted, groups, 3.0)
        for block in (1, 5, 64, 1 << 21):  # one group per block (a group larger than a block), mid-corpus
            monkeypatch.setattr(report_terms, "BLOCK_ENTRIES", block)
            matrix, vocabulary = counted.tf_matrix(groups, 3.0)
            assert vocabulary == expected_vocabulary
            assert matrix.shape == expected_matrix.shape  # type: ignore[attr-defined]
            for mine, theirs in (
                (matrix.indptr, expected_matrix.indptr),  # type: ignore[attr-defined]
                (matrix.indices, expected_matrix.indices),  # type: ignore[attr-defined]
                (matrix.data, expected_matrix.data),  # type: ignore[attr-defined]
            ):
                assert np.array_equal(mine, theirs)
            assert matrix.data.tobytes() == expected_matrix.data.tobytes()  # type: ignore[attr-defined]


def test_first_use_order_read_a_block_at_a_time_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    columns = np.asarray([4, 4, 9, 0, 4, 2, 9, 7, 0], dtype=np.int32)
    expected_used, expected_rank = np.asarray([4, 9, 0, 2, 7]), np.asarray([0, 0, 1, 2, 0, 3, 1, 4, 2])
    for block in (1, 2, 4, 1 << 21):
        monkeypatch.setattr(report_terms, "BLOCK_ENTRIES", block)
        used, rank = report_terms.first_use_order(columns, 10)
        assert np.array_equal(used, expected_used) and np.array_equal(rank, expected_rank)


def test_texts_with_known_keys_are_read_only_where_nothing_is_kept() -> None:
    from storyline.link.kept_words import KeptWords
    from storyline.link.report_terms import KeyedTexts, text_key

    later = [TEXTS[1], "Flooding on the Krenn road cut off two villages.", TEXTS[2], TEXTS[1]]
    asked: list[list[int]] = []

    def keyed() -> KeyedTexts:
        def read(rows: list[int]) -> list[tuple[bytes, str]]:
            asked.append(rows)
            return [(text_key(later[n]), later[n]) for n in rows]

        return KeyedTexts([text_key(text) for text in later], read)

    kept_counts = ReportTerms.count(TEXTS[:2])
    counted = ReportTerms.count(keyed(), kept_counts)
    expected = ReportTerms.count(later, kept_counts)
    assert asked == [[1, 2]] and counted.fresh == expected.fresh == 2
    assert counted.keys == expected.keys and counted.vocabulary == expected.vocabulary
    for name in ("indptr", "terms", "counts", "names"):
        assert np.array_equal(getattr(counted, name), getattr(expected, name))
    asked.clear()
    kept_words = KeptWords.encode(TEXTS[:2])
    words = KeptWords.encode(keyed(), kept_words)
    from_texts = KeptWords.encode(later)
    assert asked == [[1, 2]] and words.fresh == 2
    assert words.keys == from_texts.keys and words.vocabulary == from_texts.vocabulary
    assert np.array_equal(words.ids, from_texts.ids) and np.array_equal(words.indptr, from_texts.indptr)


@pytest.mark.parametrize("seed", range(6))
def test_kept_rows_copied_in_runs_are_the_rows_counted_afresh(seed: int) -> None:
    # Kept rows come in runs (a top-up's old reports in their kept order), broken by new texts, repeats,
    # reversals and dropped texts: each run is copied at once, and every array equals fresh counting.
    rng = random.Random(seed)
    words = ["Velmora", "dock", "strike", "Harlow", "mine", "flood", "Osk", "fair", "Kestrel", "42", "union"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(30)]
    kept = ReportTerms.from_bytes(ReportTerms.count(texts[:20]).to_bytes())
    assert kept is not None
    order = list(range(20))
    del order[rng.randrange(20)]
    order[3:7] = order[3:7][::-1]
    order.insert(rng.randrange(len(order)), rng.randrange(20))  # a text twice
    for new in range(20, 30):
        order.insert(rng.randrange(len(order) + 1), new)
    asked = [texts[n] for n in order]
    grown, fresh = ReportTerms.count(asked, kept), ReportTerms.count(asked)
    assert grown.keys == fresh.keys and grown.vocabulary == fresh.vocabulary
    for name in ("indptr", "terms", "counts", "names"):
        assert np.array_equal(getattr(grown, name), getattr(fresh, name)), name
    assert grown.fresh == sum(1 for n in order if texts[n] not in texts[:20])


@pytest.mark.parametrize("uses", [3, 300, 70_000])
def test_counts_held_narrow_make_the_matrix_int32_counts_make(uses: int) -> None:
    # A word used more often than a narrow type holds widens the type; the rows are those of int32 counts.
    texts = [*TEXTS, "Ostrava " * uses + "dairy Dairy farms", "Tarn " * 2 + "Valley"]
    counted = ReportTerms.count(texts)
    widest = max(int(counted.counts.max()), int(counted.names.max()))
    assert counted.counts.dtype == {3: np.uint8, 300: np.uint16, 70_000: np.int32}[uses]
    assert widest == uses
    wide = ReportTerms(
        counted.keys,
        counted.vocabulary,
        counted.indptr,
        counted.terms,
        counted.counts.astype(np.int32),
        counted.names.astype(np.int32),
    )
    groups = [[0], [3, 1], [4, 2, 0]]
    narrow_rows, narrow_terms = counted.tf_matrix(groups, name_weight=3.0)
    wide_rows, wide_terms = wide.tf_matrix(groups, name_weight=3.0)
    assert narrow_terms == wide_terms
    assert (narrow_rows != wide_rows).nnz == 0 and np.array_equal(narrow_rows.data, wide_rows.data)
    back = ReportTerms.from_bytes(counted.to_bytes())
    assert back is not None and back.counts.dtype == counted.counts.dtype
    assert np.array_equal(back.counts, wide.counts) and np.array_equal(back.names, wide.names)


def test_counts_kept_uncompressed_by_an_earlier_release_are_read() -> None:
    import io

    counted = ReportTerms.count(TEXTS)
    buffer = io.BytesIO()
    np.savez(  # the blob as written before its arrays were compressed
        buffer,
        version=np.asarray([report_terms.COUNTS_VERSION]),
        code=np.frombuffer(report_terms.counting_code_digest(), dtype=np.uint8),
        keys=np.frombuffer(b"".join(counted.keys), dtype=np.uint8),
        vocabulary=np.frombuffer("\x00".join(counted.vocabulary).encode(), np.uint8),
        indptr=counted.indptr,
        terms=counted.terms,
        counts=counted.counts.astype(np.int32),
        names=counted.names.astype(np.int32),
    )
    for blob in (buffer.getvalue(), counted.to_bytes()):
        back = ReportTerms.from_bytes(blob)
        assert back is not None and back.keys == counted.keys and back.vocabulary == counted.vocabulary
        for name in ("indptr", "terms", "counts", "names"):
            assert np.array_equal(getattr(back, name), getattr(counted, name)), name


def test_a_report_whose_title_changed_is_counted_again(tmp_path: Path) -> None:
    # Counts are kept under a digest of the title and the body's digest: the same body under another
    # title is another report text.
    from storyline.link.records import LinkDoc
    from storyline.stages import link
    from storyline.store.sqlite import SQLiteStore

    body = "Dockworkers in Velmora struck over unpaid wages on Monday."
    store = SQLiteStore(tmp_path / "s.db")
    link.report_terms(store, [], [LinkDoc(id="a", seq=0, text=body, title="Port strike")], {})
    renamed = LinkDoc(id="a", seq=0, text=body, title="Bridge opens in Tarnow")
    top = link.report_terms(store, [], [renamed], {})
    full = ReportTerms.count([report_terms.report_text(renamed)])
    assert top.fresh == 1
    assert top.tf_matrix([[0]], 3.0)[1] == full.tf_matrix([[0]], 3.0)[1]
    store.close()


def test_a_report_key_changes_with_how_title_and_body_are_joined(monkeypatch: pytest.MonkeyPatch) -> None:
    body_key = report_terms.text_key("Dockworkers in Velmora struck.")
    before = report_terms.report_key("Port strike", body_key)
    report_terms._report_form.cache_clear()
    monkeypatch.setattr(report_terms, "report_text", lambda doc: f"{doc.title}. {doc.text}")
    try:
        assert report_terms.report_key("Port strike", body_key) != before
    finally:
        report_terms._report_form.cache_clear()


@pytest.mark.parametrize("block", [1, 2, 5, 1 << 20])
def test_counts_narrowed_a_block_at_a_time_are_the_counts_made_at_once(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Uses are narrowed a block of entries at a time, blocks of different types joined, kept rows taken as
    # slices of kept arrays of a wider type than they need (a dropped text used a word 70,000 times): the
    # arrays, and their types, are those of counting every text at once.
    rng = random.Random(block)
    words = ["Velmora", "dock", "strike", "Harlow", "mine", "flood", "Osk", "fair", "Kestrel", "42", "union"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(20)]
    texts[7] = "Harlow " * 300 + "mine"
    wide = ReportTerms.count([*texts[:10], "Osk " * 70_000])
    assert wide.counts.dtype == np.int32
    expected = ReportTerms.count(texts)
    monkeypatch.setattr(report_terms, "BLOCK_ENTRIES", block)
    for kept in (None, wide):
        counted = ReportTerms.count(texts, kept)
        assert counted.keys == expected.keys and counted.vocabulary == expected.vocabulary
        for name in ("indptr", "terms", "counts", "names"):
            mine, theirs = getattr(counted, name), getattr(expected, name)
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), name
    assert ReportTerms.count(texts[8:]).counts.dtype == np.uint8
