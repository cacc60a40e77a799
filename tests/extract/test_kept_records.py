"""Each document's kept record is its own store entry, read only when a run needs it.

A top-up reads the records of the documents it re-resolves, drops, or whose entities it rebuilds, and
resolves as one pass over the whole corpus does; a record that is missing or damaged, a run stopped
between writing records and saving the tables, and a store kept in the old one-blob layout are all
rebuilt from the stored analyses, never a crash or a wrong answer. The corpora are random invented ones
(``test_resolution_chunks.py``), beside documents that name only things no other document names.
"""

from __future__ import annotations

import pickle
import random
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.extract.test_resolution_chunks import _corpus, _inputs, _kept, _one_pass, _random_doc

from storyline.errors import StorylineError
from storyline.extract import DocAnalysis, Mention
from storyline.extract import incremental as incremental_module
from storyline.extract.incremental import KeptResolution, ResolutionDamaged, _Doc
from storyline.extract.quote_records import _group, grouping_order, resolve_quotes
from storyline.extract.quotes import QuoteCandidate
from storyline.extract.records import quote_row
from storyline.run import local
from storyline.stages import events, extract
from storyline.stages.kept_resolution import (
    KEPT_STATE,
    QUOTE_ENTRIES,
    QUOTE_SPILL_ENTRIES,
    RECORD_ENTRIES,
    RESOLUTION_BLOB,
    SPAN_ENTRIES,
    KeptEntries,
    QuoteSpill,
    load_kept_resolution,
    mention_spans,
    save_kept_resolution,
    span_entities,
)
from storyline.store.sqlite import SQLiteStore


class _Counting(KeptEntries):
    """Kept entries that count the records read."""

    def __init__(self, store: SQLiteStore) -> None:
        super().__init__(store)
        self.read_ids: list[str] = []

    def read(self, ids: Sequence[str]) -> Iterator[tuple[str, _Doc]]:
        self.read_ids += ids
        return super().read(ids)


def _loner(doc_id: str, n: int) -> tuple[DocAnalysis, None]:
    """A document naming a person and a place no other document names."""
    mentions = (
        Mention(doc_id, f"Ysolde Farrowmere{n}", "PERSON", 0, 18, 0, 90, "ner", ""),
        Mention(doc_id, f"Quillan Reach{n}", "LOC", 100, 114, 100, 190, "ner", ""),
    )
    return DocAnalysis(doc_id, mentions, (), ()), None


def test_a_top_up_reads_only_the_records_it_needs_and_resolves_as_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Few records held and small read chunks: every run writes records out and reads them back mid-way.
    monkeypatch.setattr(incremental_module, "HELD_RECORDS", 5)
    monkeypatch.setattr(incremental_module, "RECORD_CHUNK", 3)
    read = corpus_size = 0
    for seed in range(10):
        rng = random.Random(300 + seed)
        corpus = _corpus(rng, rng.randint(8, 25))
        corpus.update({f"z{n:03}": _loner(f"z{n:03}", n) for n in range(20)})
        seq = {d: n for n, d in enumerate(corpus)}
        store = SQLiteStore(tmp_path / f"s{seed}.db")
        first = KeptResolution(records=KeptEntries(store, rebuilt=True))
        first.update(_inputs(corpus, list(corpus), seq))
        save_kept_resolution(store, first)
        assert _kept(load_kept_resolution(store)) == _one_pass(corpus, seq), seed
        # A top-up: new documents, one replaced, one dropped, in two chunks.
        state = load_kept_resolution(store)
        state.records = counting = _Counting(store)
        added = _corpus(rng, rng.randint(2, 6), prefix="n")
        seq.update({d: len(seq) + n for n, d in enumerate(added)})
        replaced, dropped = rng.sample(sorted(d for d in corpus if d.startswith("d")), 2)
        corpus[replaced] = _random_doc(rng, replaced)
        del corpus[dropped]
        corpus.update(added)
        changed = _inputs(corpus, [*added, replaced], seq, key="k2")
        state.absorb(changed[:2])
        state.absorb(changed[2:], [dropped])
        state.settle()
        save_kept_resolution(store, state)
        assert _kept(load_kept_resolution(store)) == _one_pass(corpus, seq), seed
        # The documents naming only their own things were never read.
        assert not any(doc_id.startswith("z") for doc_id in counting.read_ids), seed
        read += len(set(counting.read_ids))
        corpus_size += len(corpus)
        store.close()
    assert read < corpus_size / 2


def test_a_kept_state_in_memory_streams_through_small_holds_as_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(incremental_module, "HELD_RECORDS", 2)
    monkeypatch.setattr(incremental_module, "RECORD_CHUNK", 1)
    for seed in range(8):
        rng = random.Random(500 + seed)
        corpus = _corpus(rng, rng.randint(10, 30))
        seq = {d: n for n, d in enumerate(corpus)}
        state = KeptResolution()
        ids = list(corpus)
        state.absorb(_inputs(corpus, ids[: len(ids) // 2], seq))
        state.absorb(_inputs(corpus, ids[len(ids) // 2 :], seq))
        state.settle()
        assert _kept(state) == _one_pass(corpus, seq), seed


# -- through the stage: invented reports, names found by a pattern standing in for the parse -----------
_NAMES = re.compile(r"\b(?:Ilse|Bram|Oona|Tavi) (?:Quennell|Marrow|Esk)\b|\b(?:Quennell|Marrow|Esk)\b")
_PLACES = re.compile(r"\b(?:Dunmarsh|Felloway|Corrick|Corick)\b")
_QUOTE = re.compile(r"“([^”]+)”, said ((?:Ilse|Bram|Oona|Tavi) (?:Quennell|Marrow|Esk))")
# Reported speech: "Corrick" and "Corick" reports make near twins, grouped greedily (order matters).
_REPORTED = re.compile(r"\b(Quennell|Marrow|Esk) added that ([^.]+)\.")


def _analysis(doc_id: str, text: str) -> DocAnalysis:
    mentions = [
        Mention(doc_id, m.group(), label, m.start(), m.end(), 0, len(text))
        for pattern, label in ((_NAMES, "PERSON"), (_PLACES, "GPE"))
        for m in pattern.finditer(text)
    ]
    mentions.sort(key=lambda m: m.start)
    quotes = []
    for match in _QUOTE.finditer(text):
        speaker = next(m for m in mentions if m.start == match.start(2))
        said, start, end = match.group(1), match.start(1), match.end(1)
        quotes.append(
            QuoteCandidate(doc_id, said, "direct", start, end, text, 0, len(text), speaker, "subject")
        )
    for match in _REPORTED.finditer(text):
        speaker = next(m for m in mentions if m.start == match.start(1))
        said, start, end = match.group(2), match.start(2), match.end(2)
        quotes.append(
            QuoteCandidate(doc_id, said, "reported", start, end, text, 0, len(text), speaker, "subject")
        )
    return DocAnalysis(doc_id, tuple(mentions), (), tuple(quotes))


def _analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
    del workers
    for batch in batches:
        yield [_analysis(doc_id, text) for doc_id, text in batch]


def _report(n: int) -> str:
    rng = random.Random(n)
    # One person per surname in the first twenty; then a second Quennell, so that a bare "Quennell" in
    # the earlier reports no longer names one person (they are resolved again).
    person = rng.choice(["Ilse Quennell", "Bram Marrow", "Oona Esk"]) if n < 20 else "Tavi Quennell"
    place = rng.choice(["Dunmarsh", "Felloway", "Corrick", "Corrick", "Corick"])
    surname = person.split()[1]
    return (
        f"Ferry report {n} from {place}\n\n"
        f"The ferry to {place} ran late on day {n}. “The tide was against us on day {n}”, said {person}."
        f" {surname} added that {place} needs a new pier."
    )


def _ingest(tmp_path: Path, store: SQLiteStore, numbers: Iterable[int]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir(exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"r{n:03}.txt"
        path.write_text(_report(n), encoding="utf-8")
        paths.append(path)
    local.ingest(store, paths)
    local.run_document_stage(store, workers=1)


def _resolved(store: SQLiteStore) -> Any:
    """What resolution stored: entities, quotes, each document's entity ids, and the mention spans."""
    return (
        sorted(store.records("entities"), key=lambda e: e["id"]),
        sorted(store.records("quotes"), key=lambda q: q["id"]),
        sorted((d["id"], d.get("entity_ids")) for d in store.documents(columns=("entity_ids",))),
        mention_spans(store),
    )


def _full(tmp_path: Path, numbers: Iterable[int]) -> Any:
    store = SQLiteStore(tmp_path / "full.db")
    (tmp_path / "full").mkdir()
    _ingest(tmp_path / "full", store, numbers)
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    resolved = _resolved(store)
    store.close()
    return resolved


def test_a_missing_or_damaged_record_is_rebuilt_and_resolves_as_a_full_run(tmp_path: Path) -> None:
    expected = _full(tmp_path, range(24))
    assert expected[0] and expected[1] and expected[3]  # entities, quotes and spans were made
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(20))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    # One record gone, every other damaged: whichever the top-up needs cannot be read.
    names = [name for name, _ in store.get_entries(RECORD_ENTRIES)]
    damaged = [(name, zlib.compress(b"not a record")) for name in names[1:]]
    store.set_entries(RECORD_ENTRIES, [(names[0], None), *damaged])
    _ingest(tmp_path, store, range(20, 24))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert _resolved(store) == expected
    assert store.get_state(extract.RESOLVED_STATE) == 24  # rebuilt: every document resolved again
    # The next top-up is kept again.
    _ingest(tmp_path, store, [24])
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert store.get_state(extract.RESOLVED_STATE) < 25
    store.close()


def test_a_run_stopped_after_writing_records_and_an_old_one_blob_store_are_rebuilt(tmp_path: Path) -> None:
    expected = _full(tmp_path, range(16))
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(12))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    # A run stopped between its first record written and its tables saved.
    store.set_state(KEPT_STATE, "writing")
    _ingest(tmp_path, store, range(12, 14))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert store.get_state(extract.RESOLVED_STATE) == 14
    assert store.get_state(KEPT_STATE) == "kept"
    # A store of the old layout: one blob of another version, the spans in one state value, no entries.
    for prefix in ("extract.record", "extract.quotes", "extract.spans"):
        store.set_entries(prefix, (), clear=True)
    store.set_blob(RESOLUTION_BLOB, zlib.compress(b"an older kept resolution"))
    store.set_state(KEPT_STATE, None)
    store.set_state(extract.MENTION_ENTITIES_STATE, {"old": [[0, 4, "en_old"]]})
    _ingest(tmp_path, store, range(14, 16))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert _resolved(store) == expected
    assert store.get_state(extract.MENTION_ENTITIES_STATE) is None
    store.close()


_HARMED = {
    "damage": b"\x9c not an entry",
    "lose": None,
    # it decodes, but is not what the quotes step reads (it reads the fields without making candidates)
    "misshape": zlib.compress(pickle.dumps((0, [("d", "a quotation", "direct", 0)]))),
}


@pytest.mark.parametrize("harm", ["damage", "lose", "misshape"])
@pytest.mark.parametrize("prefix", [QUOTE_ENTRIES, SPAN_ENTRIES])
def test_a_damaged_or_lost_quotes_or_spans_entry_is_rebuilt(tmp_path: Path, prefix: str, harm: str) -> None:
    # Damaged: not a crash. Lost: only documents with quotes or mentions have these entries, so a lost one
    # is no missing record; the counts kept at saving tell it. Either way resolution is rebuilt (every
    # document resolved again), not left with quotes or speakers silently missing.
    expected = _full(tmp_path, range(12))
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(10))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    name = sorted(name for name, _ in store.get_entries(prefix))[0]
    store.set_entries(prefix, [(name, _HARMED[harm])])
    _ingest(tmp_path, store, range(10, 12))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert _resolved(store) == expected  # reading every spans entry here raises if one is still damaged
    if harm == "lose":
        assert store.get_state(extract.RESOLVED_STATE) == 12
    store.close()


def test_a_damaged_spans_entry_stops_the_events_stage_with_a_clear_error_and_the_next_run_rebuilds(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    _ingest(tmp_path, store, range(10))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    name = sorted(name for name, _ in store.get_entries(SPAN_ENTRIES))[0]
    spans = mention_spans(store, [name])
    store.set_entries(SPAN_ENTRIES, [(name, b"{not json")])
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)  # nothing changed: entry not read
    with pytest.raises(StorylineError, match=f"spans of document {name}.*next run rebuilds"):
        events.run(store, lambda *_: None)
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert mention_spans(store, [name]) == spans  # rebuilt from the stored analyses
    events.run(store, lambda *_: None)
    store.close()


def test_a_run_stopped_after_some_documents_entity_ids_were_written_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _full(tmp_path, range(20))
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(20))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    # A second Quennell, in a report without a quote (so the top-up writes no quotes entry first), moves
    # the reports that name a bare "Quennell"; the run stops right after the first changed documents'
    # entity ids are written.
    page = tmp_path / "pages" / "second-quennell.txt"
    page.write_text("Quennell news\n\nTavi Quennell spoke in Dunmarsh on day 30.", encoding="utf-8")
    local.ingest(store, [page])
    local.run_document_stage(store, workers=1)
    write = store.update_documents

    def stop_after_entity_ids(rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        write(rows)
        if rows and all(set(row) == {"id", "entity_ids"} for row in rows):
            raise KeyboardInterrupt

    monkeypatch.setattr(store, "update_documents", stop_after_entity_ids)
    with pytest.raises(KeyboardInterrupt):
        extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    monkeypatch.undo()
    assert store.get_state(KEPT_STATE) != "kept"
    # The new report is emptied again, so the corpus is the first twenty reports: the next run must
    # give every document the ids a full run gives, not trust what the stopped run left.
    new = max(store.documents(columns=("seq",)), key=lambda d: d["seq"])["id"]
    store.update_documents([{"id": new, "text": "", "content_hash": None}])
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    entities, quotes, ids, spans = _resolved(store)
    assert (entities, quotes, [row for row in ids if row[0] != new], spans) == expected
    store.close()


def test_an_emptied_document_names_nothing_as_in_a_full_run(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(6))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    emptied = sorted(d["id"] for d in store.documents(columns=("entity_ids",)) if d.get("entity_ids"))[0]
    store.update_documents([{"id": emptied, "text": "", "content_hash": None}])
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    row = next(d for d in store.documents([emptied], columns=("entity_ids",)))
    assert row.get("entity_ids") is None
    assert emptied not in mention_spans(store)
    store.close()


def test_speakers_read_only_their_own_spans_and_quotes_are_as_with_every_span(tmp_path: Path) -> None:
    # The quotes step reads, of each quoting document, only the spans its speakers sit on (every span of
    # every quoting document, held at once, was the extract stage's peak at 100,000 reports). The quotes
    # stored are those every span gives.
    store = SQLiteStore(tmp_path / "s.db")
    _ingest(tmp_path, store, range(8))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    quoting, body_start = [], {}
    for doc_id, start, found in KeptEntries(store).quotes():
        quoting.append(DocAnalysis(doc_id, (), (), tuple(found)))
        body_start[doc_id] = start
    every = mention_spans(store)
    speakers = {(doc_id, s, e): eid for doc_id, spans in every.items() for s, e, eid in spans}
    entities = sorted(load_kept_resolution(store).entities.values(), key=lambda e: (-e.mentions, e.name))
    quotes = resolve_quotes(quoting, entities, speakers)
    expected = [extract._body_offsets(quote_row(quote), body_start) for quote in quotes]
    assert sorted(store.records("quotes"), key=lambda q: q["id"]) == sorted(expected, key=lambda q: q["id"])
    assert any(q["speaker"]["entity_id"] for q in expected)  # speakers were found by their spans

    first, second = sorted(every)[:2]
    start, end, entity_id = every[first][0]
    assert span_entities(store, {first: {(start, end)}, second: {(-1, -1)}}) == {
        (first, start, end): entity_id
    }
    assert span_entities(store, {}) == {}
    store.set_entries(SPAN_ENTRIES, [(second, b"{not json")])
    assert span_entities(store, {first: {(start, end)}}) == {(first, start, end): entity_id}  # not read
    for damage in (b"{not json", b'{"a": 1}', b"[[1, 2]]", b"[3]"):
        store.set_entries(SPAN_ENTRIES, [(second, damage)])
        with pytest.raises(ResolutionDamaged, match=f"spans of document {second}"):
            span_entities(store, {second: {(start, end)}})
    store.close()


def test_quote_candidates_read_back_share_their_short_strings(tmp_path: Path) -> None:
    # Every candidate of the corpus is held at once by the quotes step: a kind, a rule or a speaker's
    # label read from two documents' entries is one object, not one per candidate.
    store = SQLiteStore(tmp_path / "s.db")
    _ingest(tmp_path, store, range(6))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    said = [q for _, _, found in KeptEntries(store).quotes() for q in found if q.speaker is not None]
    assert len({q.doc_id for q in said}) >= 2
    first, other = said[0], next(q for q in said if q.doc_id != said[0].doc_id)
    assert first.kind == other.kind and first.kind is other.kind
    assert first.speaker_rule is other.speaker_rule
    assert first.speaker is not None and other.speaker is not None
    assert first.speaker.label is other.speaker.label
    store.close()


def test_the_quotes_step_groups_on_disk_as_one_sort_of_every_candidate_and_leaves_no_scratch(
    tmp_path: Path,
) -> None:
    # The quotes step sets every candidate aside in the store, named by its group, and builds records one
    # group at a time: the groups are those of the corpus's candidates sorted and grouped at once, and
    # nothing of the scratch stays (a leftover of a run cut short is cleared, not read).
    expected = _full(tmp_path, range(30))
    store = SQLiteStore(tmp_path / "top.db")
    _ingest(tmp_path, store, range(24))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    every = sorted((c for _, _, found in KeptEntries(store).quotes() for c in found), key=grouping_order)
    spill = QuoteSpill(store)
    spill.fill(KeptEntries(store), removed=set())
    assert list(spill.groups()) == _group(every)
    assert any(len(group) > 1 for group in _group(every))  # reports share quotations
    assert any(c.kind == "reported" for c in every) and any(c.kind == "direct" for c in every)
    store.set_entries(QUOTE_SPILL_ENTRIES, [("0000000000.9999999999", b"a leftover")])
    _ingest(tmp_path, store, range(24, 30))
    extract.run(store, lambda *_: None, workers=1, analyse=_analyser)
    assert _resolved(store) == expected
    assert store.count_entries(QUOTE_SPILL_ENTRIES) == 0
    store.close()
