"""The extract stage parses each distinct text once: a word-for-word copy takes the first one's analysis."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from storyline.extract import DocAnalysis, Mention, analysis_to_dict
from storyline.extract.copies import ParseCopies
from storyline.ids import content_hash
from storyline.run import local
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore

# Invented one-paragraph reports.
TOWNS = ["Brenfield", "Oskarvik", "Lunmoor", "Tesselby", "Corran Hythe", "Aldwick", "Moravale", "Pennock"]


def _analysis(doc_id: str, text: str) -> DocAnalysis:
    """A stand-in parse: one mention per capitalised word, so the analysis depends on the text."""
    mentions = []
    at = 0
    for word in text.split():
        at = text.index(word, at)
        if word[:1].isupper():
            mentions.append(Mention(doc_id, word, "GPE", at, at + len(word), 0, len(text)))
        at += len(word)
    return DocAnalysis(doc_id, tuple(mentions), (), ())


def test_copies_are_not_parsed_and_store_the_first_analysis(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, town in enumerate(TOWNS):
        (tmp_path / f"r{n}.txt").write_text(
            f"{town} ferry delayed\n\nThe ferry from {town} left {n} hours late on Tuesday, its owner said.",
            encoding="utf-8",
        )
    local.ingest(store, sorted(tmp_path.glob("r*.txt")))
    local.run_document_stage(store, workers=1)
    docs = list(store.documents(columns=("title", "text")))
    first, second = docs[0], docs[2]

    def copy_of(source: dict[str, str], text: str | None = None) -> dict[str, str]:
        body = text or source["text"]
        return {"title": source["title"], "text": body, "content_hash": content_hash(body)}

    # r1: a copy in the first's batch; r5: a copy read after the first's analysis was stored (batches of
    # 2, one process); r7: r2 in other letter case (the same content hash, another text: parsed).
    store.update_documents(
        [
            {"id": docs[1]["id"], **copy_of(first)},
            {"id": docs[5]["id"], **copy_of(first)},
            {"id": docs[7]["id"], **copy_of(second, second["text"].upper())},
        ]
    )
    monkeypatch.setattr(extract, "ANALYSIS_BATCH", 2)
    parsed: list[str] = []
    late: list[dict[str, list[str]]] = []
    read_late = ParseCopies.late

    def recording(self: ParseCopies) -> dict[str, list[str]]:
        late.append(read_late(self))
        return late[-1]

    monkeypatch.setattr(ParseCopies, "late", recording)

    def analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        for batch in batches:
            parsed.extend(text for _, text in batch)
            yield [_analysis(doc_id, text) for doc_id, text in batch]

    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 8
    assert len(parsed) == 6 == len(set(parsed))
    stored = {row["id"]: row for row in store.documents(columns=("analysis", "stage_keys"))}
    texts = {row["id"]: extract.analysed_text(row)[0] for row in store.documents(columns=("title", "text"))}
    for doc_id, row in stored.items():
        # Every document stores what parsing its own text gives, and is not stale for the next run.
        assert row["analysis"] == json.loads(json.dumps(analysis_to_dict(_analysis(doc_id, texts[doc_id]))))
        assert row["stage_keys"]["extract"]
    # Both ways were taken: r1's analysis copied as its batch came back, r5's read back from the store.
    assert late == [{docs[0]["id"]: [docs[5]["id"]]}]
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 0
    assert len(parsed) == 6


def test_a_copy_of_a_text_stored_by_an_earlier_run_is_not_parsed(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, town in enumerate(TOWNS[:4]):
        (tmp_path / f"r{n}.txt").write_text(
            f"{town} ferry delayed\n\nThe ferry from {town} left {n} hours late on Tuesday, its owner said.",
            encoding="utf-8",
        )
    local.ingest(store, sorted(tmp_path.glob("r*.txt")))
    local.run_document_stage(store, workers=1)
    parsed: list[str] = []
    calls: list[int] = []

    def analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        calls.append(workers)  # the local analyser loads the model here, before its first batch
        for batch in batches:
            parsed.extend(text for _, text in batch)
            yield [_analysis(doc_id, text) for doc_id, text in batch]

    docs = list(store.documents(columns=("title", "text", "content_hash")))
    store.update_documents([{"id": docs[2]["id"], "language": "de"}])  # r2: not read by the model
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 3
    # r2, identified as English after all, is analysed again (its key says why a body is not parsed). r3's
    # spaces are doubled behind the document stage's back, its recorded body digest left as it was (as for
    # a row stored before the document stage recorded one): its key holds (the content hash folds spaces),
    # so it keeps the analysis of its old text.
    spaced = docs[3]["text"].replace(" ", "  ")
    store.update_documents([{"id": docs[2]["id"], "language": "en"}, {"id": docs[3]["id"], "text": spaced}])
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 1
    assert parsed[-1] == extract.analysed_text(docs[2])[0]
    # A later run's pages: r4 a copy of r0 word for word; r5 a copy of r1 in other letter case (the same
    # content hash, another text); r6 a copy of r2 and r7 of r3 as they read now; r8 new.
    copies = [docs[0]["text"], docs[1]["text"].upper(), docs[2]["text"], spaced]
    for n, (source, text) in enumerate(zip(docs, copies, strict=True), start=4):
        (tmp_path / f"r{n}.txt").write_text(f"{source['title']}\n\n{text}", encoding="utf-8")
    (tmp_path / "r8.txt").write_text(
        "Pennock pier closed\n\nThe pier at Pennock closed for repairs.", "utf-8"
    )
    local.ingest(store, sorted(tmp_path.glob("r*.txt")))
    local.run_document_stage(store, workers=1)
    new = [
        row for row in store.documents(columns=("title", "text")) if row["id"] not in {d["id"] for d in docs}
    ]
    assert len(new) == 5
    copy_of_r0 = extract.analysed_text(docs[0])[0]
    assert [extract.analysed_text(row)[0] for row in new].count(copy_of_r0) == 1
    before = len(parsed)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 5
    assert len(parsed) - before == 3  # r5, r7 and r8 parsed; r4 took r0's stored analysis, r6 r2's
    assert copy_of_r0 not in parsed[before:]
    assert extract.analysed_text(docs[2])[0] not in parsed[before:]
    for row in store.documents([row["id"] for row in new], columns=("title", "text", "analysis")):
        text = extract.analysed_text(row)[0]
        assert row["analysis"] == json.loads(json.dumps(analysis_to_dict(_analysis(row["id"], text))))
    # A run whose only stale document is such a copy starts no parse at all.
    (tmp_path / "r9.txt").write_text(f"{docs[1]['title']}\n\n{docs[1]['text']}", encoding="utf-8")
    local.ingest(store, [tmp_path / "r9.txt"])
    local.run_document_stage(store, workers=1)
    before = len(calls)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 1
    assert len(calls) == before
