"""Shared passages: spans, quotes, one passage for many documents, outlets."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.link import LinkDoc, find_shared_passages, passages
from storyline.link.passages import (
    SAME_TEXT_OVERLAP,
    _character_spans,
    _components,
    _find_runs,
    _Found,
    _found,
    _quoted_share,
    distinct_rows,
    row_order,
)
from storyline.link.tokens import word_spans

QUOTE = (
    "We will keep the port open through the winter and every ship that reaches it will be unloaded "
    "within two days"
)
WIRE = (
    "The storm brought down power lines across the coastal district and left about forty thousand "
    "homes without electricity for most of the night"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_quote_shared_by_two_outlets_is_one_quote_with_correct_spans() -> None:
    first = f"The harbour master spoke on Monday.\n\n“{QUOTE},” she told reporters at the quay."
    second = f'Officials answered critics.\n\nThe harbour master said: "{QUOTE}." Unions welcomed it.'
    docs = [LinkDoc("a", 1, first, outlet="Coast Daily"), LinkDoc("b", 2, second, outlet="Port Radio")]
    passages = find_shared_passages(docs)
    assert len(passages) == 1
    passage = passages[0]
    assert passage.kind == "quote"
    assert passage.documents == ["a", "b"]
    for doc in docs:
        [(start, end)] = passage.spans[doc.id]
        assert _squash(doc.text[start:end]) == _squash(passage.text)
    assert QUOTE in passage.text


def test_plain_passage_in_three_documents_is_one_passage() -> None:
    texts = [
        f"Morning report. {WIRE}. Repairs start today.",
        f"{WIRE}, the utility said in a statement.",
        f"Residents were angry. {WIRE}. Schools stay closed.",
    ]
    docs = [LinkDoc(f"d{n}", n, t, outlet=f"outlet {n}") for n, t in enumerate(texts)]
    passages = find_shared_passages(docs)
    assert len(passages) == 1
    assert passages[0].kind == "passage"
    assert passages[0].documents == ["d0", "d1", "d2"]
    for doc in docs:
        start, end = passages[0].spans[doc.id][0]
        assert _squash(doc.text[start:end]) == _squash(passages[0].text)


def test_same_outlet_shares_nothing_but_missing_outlets_count_as_distinct() -> None:
    docs = [
        LinkDoc("a", 1, f"First. {WIRE}.", outlet="Same"),
        LinkDoc("b", 2, f"Second. {WIRE}.", outlet="same"),
    ]
    assert find_shared_passages(docs) == []
    unknown = [LinkDoc("a", 1, f"First. {WIRE}."), LinkDoc("b", 2, f"Second. {WIRE}.")]
    assert len(find_shared_passages(unknown)) == 1


def test_short_overlap_is_not_a_passage_and_ids_are_stable() -> None:
    docs = [
        LinkDoc("a", 1, "the minister said on Monday that talks would go on", outlet="x"),
        LinkDoc("b", 2, "the minister said on Monday that nothing had changed", outlet="y"),
    ]
    assert find_shared_passages(docs) == []
    pair = [LinkDoc("a", 1, f"x {WIRE}", outlet="x"), LinkDoc("b", 2, f"y {WIRE}", outlet="y")]
    assert find_shared_passages(pair)[0].id == find_shared_passages(list(reversed(pair)))[0].id


def test_passage_inside_a_longer_straight_quote_is_a_quote() -> None:
    first = f'He said: "Before anything else, {WIRE}, and we are sorry." Then he left. "Thanks," she said.'
    second = f'The statement read: "Last night {WIRE}." Repairs go on.'
    docs = [LinkDoc("a", 1, first, outlet="one"), LinkDoc("b", 2, second, outlet="two")]
    [passage] = find_shared_passages(docs)
    assert passage.kind == "quote"
    plain = [
        LinkDoc("a", 1, f'Report: {WIRE}. "Thanks," she said.', outlet="one"),
        LinkDoc("b", 2, f"Update: {WIRE}.", outlet="two"),
    ]
    assert find_shared_passages(plain)[0].kind == "passage"


@settings(max_examples=40, deadline=None)
@given(
    shared=st.lists(
        st.sampled_from(["alpha", "Beta", "gamma,", "delta.", "(eps)", "zeta’s", "éta"]),
        min_size=12,
        max_size=30,
    ),
    before=st.lists(st.sampled_from(["one", "two", "three"]), max_size=5),
    after=st.lists(st.sampled_from(["four", "five", "six"]), max_size=5),
    gap=st.sampled_from([" ", "  ", "\n", "\n\n", " \t"]),
)
def test_spans_always_cover_the_passage_text(
    shared: list[str], before: list[str], after: list[str], gap: str
) -> None:
    first = " ".join([*before, *shared, *after])
    second = "Intro line.\n\n" + gap.join(shared) + " — end"
    docs = [LinkDoc("a", 1, first, outlet="one"), LinkDoc("b", 2, second, outlet="two")]
    passages = find_shared_passages(docs)
    assert passages, "a run of 12+ shared words must be found"
    for passage in passages:
        for doc in docs:
            for start, end in passage.spans[doc.id]:
                assert _squash(doc.text[start:end]) == _squash(passage.text)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    length=st.integers(12, 14),
    stock=st.booleans(),
)
def test_every_shared_run_of_passage_length_is_found_among_other_reports(
    seed: int, length: int, stock: bool
) -> None:
    """Seeds are taken only at each stretch's rarest shingle; a shared run as short as a passage may be
    must still be found whole, wherever it sits, also when a phrase every report carries runs through it."""
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(400)]
    common = "according to the regional office"  # carried by every report: a stock phrase
    shared = [rng.choice(vocabulary) for _ in range(length)]
    if stock:
        cut = rng.randrange(1, length)
        shared = [*shared[:cut], *common.split(), *shared[cut:]]
    docs = []
    for n in range(40):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(40, 120))]
        at = rng.randrange(len(words))
        words[at:at] = common.split()
        if n in (7, 23):
            at = rng.randrange(len(words))
            words[at:at] = [f"before{n}", *shared, f"after{n}"]
        docs.append(LinkDoc(f"d{n:02d}", n, " ".join(words), outlet=f"outlet{n}"))
    passages = find_shared_passages(docs)
    text = " ".join(shared)
    found = [p for p in passages if p.documents == ["d07", "d23"] and text in _squash(p.text)]
    assert found, "the planted run must be one passage of exactly the two reports that carry it"


STOCK = "the regional council said in a short statement that the matter remained under review"
PARAGRAPH = (
    "Engineers from the Harnel water board closed the old sluice at dawn after the river rose past the "
    f"second marker near the mill, and {STOCK} while crews moved sandbags along the western bank until noon"
)


def test_a_stock_phrase_inside_a_shared_paragraph_does_not_swallow_it() -> None:
    """Reports sharing only a stock phrase must not chain the paragraph it sits in into their group: the
    paragraph two outlets carry stays a passage, and the stock phrase is one of its own."""
    docs = [
        LinkDoc("a", 1, f"Flood watch. {PARAGRAPH}. More rain is due.", outlet="Valley Post"),
        LinkDoc("b", 2, f"Evening bulletin: {PARAGRAPH}. Roads stay shut.", outlet="River Radio"),
    ]
    topics = ["a bridge toll", "the bus timetable", "a school roof", "the market hall", "parking fees"]
    for n, topic in enumerate(topics):
        text = f"Councillors debated {topic} on day {n}, and {STOCK}. Nothing else was decided."
        docs.append(LinkDoc(f"s{n}", 10 + n, text, outlet=f"Town Sheet {n}"))
    passages = find_shared_passages(docs)
    paragraph = [p for p in passages if p.documents == ["a", "b"]]
    assert len(paragraph) == 1
    assert _squash(PARAGRAPH) in _squash(paragraph[0].text)
    stock = [p for p in passages if STOCK in p.text.lower()]
    assert any(set(p.documents) >= {f"s{n}" for n in range(len(topics))} for p in stock)


def _find_run_in_one(ids: np.ndarray, needle: np.ndarray, start: int, end: int) -> int:
    """The search as it was written, one stretch at a time (-1: not there)."""
    for position in range(start, end - len(needle) + 1):
        if np.array_equal(ids[position : position + len(needle)], needle):
            return position
    return -1


def test_runs_found_in_every_stretch_at_once_are_those_found_one_at_a_time() -> None:
    rng = np.random.default_rng(8)
    for _ in range(30):
        lengths = rng.integers(0, 60, rng.integers(1, 8))
        starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        flat = rng.integers(1, 4, int(starts[-1])).astype(np.uint32)  # three words: matches abound
        needle = rng.integers(1, 4, rng.integers(1, 5)).astype(np.uint32)
        rows = []
        for doc in np.flatnonzero(lengths).tolist():
            for _ in range(3):
                start = int(rng.integers(0, lengths[doc]))
                rows.append((doc, start, int(rng.integers(start, lengths[doc] + 1))))
        if not rows:
            continue
        stretches = np.asarray(rows, dtype=np.int32)
        expected = [
            _find_run_in_one(flat[starts[d] : starts[d + 1]], needle, s, e) for d, s, e in stretches.tolist()
        ]
        assert _find_runs(flat, starts, needle, stretches).tolist() == expected


def _components_pair_by_pair(runs: np.ndarray, min_overlap: float) -> list[np.ndarray]:
    """Run ends grouped by joining every two that are linked, compared pair by pair."""
    ends = [
        end
        for row in runs.tolist()
        for end in ((row[0], row[2], row[2] + row[4]), (row[1], row[3], row[3] + row[4]))
    ]
    group = list(range(len(ends)))

    def root(n: int) -> int:
        while group[n] != n:
            n = group[n]
        return n

    for i, (doc, begin, end) in enumerate(ends):
        for j in range(i + 1, len(ends)):
            other_doc, other_begin, other_end = ends[j]
            overlap = min(end, other_end) - max(begin, other_begin)
            same_run = j == i + 1 and i % 2 == 0
            if same_run or (
                doc == other_doc and overlap >= min_overlap * max(end - begin, other_end - other_begin)
            ):
                group[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for n in range(len(ends)):
        members.setdefault(root(n), []).append(n)
    ordered = sorted(members.values(), key=min)
    return [np.asarray(sorted((ends[n] for n in m), key=lambda e: (e[0], e[1])), dtype=np.int32).reshape(-1, 3)
            for m in ordered]  # fmt: skip


def test_run_ends_grouped_at_once_are_those_joined_pair_by_pair() -> None:
    # Few documents and places, so that ends repeat exactly, overlap by more and by less than half, and
    # chain runs together.
    rng = np.random.default_rng(21)
    for _ in range(40):
        count = int(rng.integers(1, 30))
        docs = np.sort(rng.choice(6, size=(count, 2), replace=True), axis=1)
        docs[:, 1] += docs[:, 0] == docs[:, 1]
        places = rng.integers(0, 12, size=(count, 2))
        lengths = rng.integers(1, 8, size=(count, 1))
        runs = np.hstack((docs, places, lengths)).astype(np.int32)
        found = _components(runs, SAME_TEXT_OVERLAP)
        expected = _components_pair_by_pair(runs, SAME_TEXT_OVERLAP)
        assert len(found) == len(expected)
        for mine, theirs in zip(found, expected, strict=True):
            assert mine.dtype == np.int32 and np.array_equal(mine, theirs)


def test_character_spans_of_places_shared_by_passages_are_each_their_own() -> None:
    # Two passages start at the same word of a document with other lengths, and a third repeats a place
    # of the first: each place's span is read from its own words, and the text only of each core's first.
    texts = [
        "Alpha beta gamma, delta epsilon zeta eta theta.",
        'He said "beta gamma delta epsilon" and more words here.',
        "Iota kappa lambda mu nu xi omicron pi rho.",
    ]
    docs = [LinkDoc(id=f"d{n}", seq=n, text=text, outlet=f"o{n}") for n, text in enumerate(texts)]
    places = [
        _Found(0, 4, np.asarray([0, 1]), np.asarray([1, 2])),
        _Found(1, 2, np.asarray([0, 1, 2]), np.asarray([1, 2, 0])),
        _Found(2, 4, np.asarray([1, 2, 0]), np.asarray([2, 3, 1])),
    ]
    spans = _character_spans(docs, places, lambda wanted: iter(wanted))
    for number, found in enumerate(places):
        rows, starts, ends, quoted = spans.of(number)
        for doc, first, row, start, end, share in zip(
            found.docs.tolist(), found.firsts.tolist(), rows, starts, ends, quoted, strict=True
        ):
            word_starts, word_ends = word_spans(texts[doc])
            assert (start, end) == (word_starts[first], word_ends[first + found.length - 1])
            assert share == _quoted_share(texts[doc], start, end)
            core_first = doc == found.core and first == found.firsts[found.docs == doc][0]
            assert (spans.texts.get(row) == texts[doc][start:end]) if core_first else True
    assert len(spans.texts) == 3 and len(spans.start) == 6  # the first and third share two places
    assert _character_spans(docs, [], lambda wanted: iter(wanted)).rows.size == 0


def test_distinct_rows_are_those_np_unique_gives() -> None:
    # Values packed into one number, and values too wide for that (sorted by their columns): the rows
    # np.unique gives, in its order, of the same type.
    rng = np.random.default_rng(8)
    for high in (1, 5, 40, 1 << 22, 1 << 30):
        # A few values per column, the highest wide: rows that share one or two columns' values.
        values = np.unique(np.append(rng.integers(0, high, 3), high - 1))
        rows = rng.choice(values, size=(int(rng.integers(0, 300)), 3)).astype(np.int32)
        rows = np.vstack((rows, rows[: len(rows) // 3]))  # repeated rows
        found = distinct_rows(rows)
        assert found.dtype == rows.dtype and np.array_equal(found, np.unique(rows, axis=0).reshape(-1, 3))


@pytest.mark.parametrize("widths", [(21, 21, 21), (21, 21, 22), (63, 0, 0), (1, 62, 1)])
def test_rows_packed_at_the_edge_of_63_bits(widths: tuple[int, int, int]) -> None:
    # Columns whose largest values take 63 bits in all (packed into one number) and 64 (sorted by
    # column): ordered and made distinct as np.lexsort and np.unique do, either way.
    rng = np.random.default_rng(sum(widths))
    columns = []
    for width in widths:
        top = (1 << width) - 1
        columns.append(np.append(rng.integers(0, top + 1, 200, dtype=np.int64) >> 1 << 1, [top, 0, top]))
    rows = np.stack(columns, 1)
    rows = np.vstack((rows, rows[::3]))  # repeated rows
    assert (passages._packed(list(rows.T)) is None) is (sum(widths) > 63)
    assert np.array_equal(row_order(list(rows.T)), np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0])))
    assert np.array_equal(distinct_rows(rows), np.unique(rows, axis=0))


def test_a_passage_is_located_from_the_shortest_earliest_run_end() -> None:
    # Run ends of several lengths, some of them equally short in several documents and places: the core is
    # the shortest, then the earliest document, then the first place in it (a sort of every end by those).
    rng = np.random.default_rng(12)
    for _ in range(30):
        lengths = rng.integers(20, 40, 6)
        starts = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        flat = np.ones(int(starts[-1]), dtype=np.uint32)  # one word: every run is found everywhere
        count = int(rng.integers(1, 12))
        docs = rng.integers(0, 6, count)
        begins = rng.integers(0, 10, count)
        sides = np.stack((docs, begins, begins + rng.integers(3, 6, count)), 1).astype(np.int32)
        core = sides[np.lexsort((sides[:, 1], sides[:, 0], sides[:, 2] - sides[:, 1]))[0]]
        found = _found(flat, starts, sides, [f"outlet {n}" for n in range(6)])
        if len(np.unique(docs)) > 1:
            assert found is not None
            assert (found.core, found.length) == (core[0], core[2] - core[1])
            assert int(found.firsts[found.docs == core[0]].min()) <= core[1]


def test_rows_ordered_at_once_are_ordered_as_a_sort_by_each_column() -> None:
    # Packed into one number where the values fit, sorted by each column where they do not: the stable
    # order np.lexsort gives (equal rows keep their order).
    rng = np.random.default_rng(9)
    for high in (1, 3, 1000, 1 << 22, 1 << 30):
        values = np.unique(np.append(rng.integers(0, high, 3), high - 1))
        rows = rng.choice(values, size=(int(rng.integers(0, 300)), 3)).astype(np.int32)
        columns = (rows[:, 0], rows[:, 1], rows[:, 2])
        assert np.array_equal(row_order(columns), np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0])))
