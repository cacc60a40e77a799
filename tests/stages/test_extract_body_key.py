"""A document's analysis is kept only while its body is exactly the one it was parsed from, and while the
model's reason not to read it (its language) is the same: the content hash, which folds case and spaces, is
not enough."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from tests.stages.test_extract_copies import _analysis  # a stand-in parse: mentions at their offsets

from storyline.extract import DocAnalysis, analysis_to_dict
from storyline.ids import text_digest
from storyline.run import local
from storyline.stages import document, extract
from storyline.store.sqlite import SQLiteStore

META = extract.META_COLUMNS
# Invented one-paragraph reports.
REPORTS = {
    "r0.txt": "Brenfield ferry delayed\n\nThe ferry from Brenfield left two hours late on Tuesday, its owner said.",
    "r1.txt": "Oskarvik pier closed\n\nThe pier at Oskarvik closed for repairs after the storm, the council said.",
}


@pytest.fixture
def parsed() -> list[str]:
    return []


@pytest.fixture
def analyser(parsed: list[str]):  # type: ignore[no-untyped-def]
    def analyse(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        for batch in batches:
            parsed.extend(doc_id for doc_id, _ in batch)
            yield [_analysis(doc_id, text) for doc_id, text in batch]

    return analyse


def _stored_corpus(tmp_path: Path, store: SQLiteStore) -> list[str]:
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    local.ingest(store, sorted(tmp_path.glob("r*.txt")))
    local.run_document_stage(store, workers=1)
    return [row["id"] for row in store.documents(columns=("title",))]


def _analysis_matches_body(store: SQLiteStore, doc_id: str) -> bool:
    [row] = store.documents([doc_id], columns=("title", "text", "analysis"))
    text = extract.analysed_text(row)[0]
    return row["analysis"] == json.loads(json.dumps(analysis_to_dict(_analysis(doc_id, text))))


def test_the_document_stage_records_each_body_exactly(tmp_path: Path, store: SQLiteStore) -> None:
    ids = _stored_corpus(tmp_path, store)
    rows = list(store.documents(ids, columns=("text", "stage_keys")))
    assert [row["stage_keys"][document.TEXT_DIGEST_KEY] for row in rows] == [
        text_digest(row["text"]) for row in rows
    ]
    assert all(
        row["stage_keys"][document.STAGE.name] for row in rows
    )  # the stage's own key is kept beside it


def test_a_body_cleaned_again_with_other_spacing_is_parsed_again(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, analyser, parsed: list[str]
) -> None:
    ids = _stored_corpus(tmp_path, store)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 2
    hashes = {row["id"]: row["content_hash"] for row in store.documents(ids, columns=("content_hash",))}
    # A new cleaner that leaves r0's body with its spaces doubled: the document stage runs again (its
    # version moved) and stores the new body, whose content hash is the old one.
    clean_page = document.clean_page

    def spacing_cleaner(page, templates):  # type: ignore[no-untyped-def]
        article = clean_page(page, templates)
        if "Brenfield" in article.text:
            return dataclasses.replace(article, text=article.text.replace(" ", "  "))
        return article

    monkeypatch.setattr(document, "clean_page", spacing_cleaner)
    monkeypatch.setattr(document, "STAGE", dataclasses.replace(document.STAGE, version="next"))
    assert local.run_document_stage(store, workers=1) == 2
    assert {
        row["id"]: row["content_hash"] for row in store.documents(ids, columns=("content_hash",))
    } == hashes
    del parsed[:]
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 1
    assert parsed == [ids[0]]
    # Its mentions are at their places in the body as it reads now.
    assert all(_analysis_matches_body(store, doc_id) for doc_id in ids)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 0


def test_a_language_change_analyses_the_document_again(
    tmp_path: Path, store: SQLiteStore, analyser, parsed: list[str]
) -> None:
    ids = _stored_corpus(tmp_path, store)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 2
    store.update_documents([{"id": ids[1], "language": "de"}])  # identified as German now: not parsed
    del parsed[:]
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 0
    [row] = store.documents([ids[1]], columns=("analysis",))
    assert "'de'" in row["analysis"]["not_parsed"] and not row["analysis"]["mentions"]
    store.update_documents([{"id": ids[1], "language": "en"}])  # and English again: parsed
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 1
    assert parsed == [ids[1]]
    assert _analysis_matches_body(store, ids[1])


def _keyed_before_digests(tmp_path: Path, store: SQLiteStore, analyser, parsed: list[str]) -> list[str]:
    """Two analysed documents as code from before body digests left them: their ids."""
    ids = _stored_corpus(tmp_path, store)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 2
    rows = store.documents(ids, columns=("title", "content_hash"))
    earlier = {
        row["id"]: f"{extract.STAGE.version}:{row['content_hash']}:{row['title'] or ''}" for row in rows
    }
    # As the earlier code left them: no digest (a merge patch's null removes it), the earlier key.
    store.update_documents(
        {"id": doc_id, "stage_keys": {document.TEXT_DIGEST_KEY: None, extract.STAGE.name: key}}
        for doc_id, key in earlier.items()
    )
    keys = [row["stage_keys"] for row in store.documents(ids, columns=("stage_keys",))]
    assert [document.TEXT_DIGEST_KEY in k for k in keys] == [False, False]
    del parsed[:]
    return ids


def test_a_row_stored_before_the_digest_keeps_its_analysis(
    tmp_path: Path, store: SQLiteStore, analyser, parsed: list[str]
) -> None:
    """Upgrading does not parse every document again: a body the document stage recorded no digest of
    keeps the key the extract stage gave it before digests were recorded (its content hash and title)."""
    _keyed_before_digests(tmp_path, store, analyser, parsed)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 0
    assert not parsed


def test_a_new_copy_of_a_row_stored_before_the_digest_takes_its_analysis(
    tmp_path: Path, store: SQLiteStore, analyser, parsed: list[str]
) -> None:
    """The source keyed by its content hash, its copy by its digest: still a copy, not parsed."""
    ids = _keyed_before_digests(tmp_path, store, analyser, parsed)
    title_line, body = REPORTS["r0.txt"].split("\n\n", 1)
    (tmp_path / "r9.txt").write_text(f"{title_line}  \n\n{body}", encoding="utf-8")  # another page id
    local.ingest(store, [tmp_path / "r9.txt"])
    local.run_document_stage(store, workers=1)
    [copy] = [row["id"] for row in store.documents(columns=("title",)) if row["id"] not in ids]
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 1
    assert not parsed
    assert _analysis_matches_body(store, copy)


def test_a_row_stored_before_the_digest_cleaned_again_to_the_same_body_is_not_parsed(
    tmp_path: Path, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, analyser, parsed: list[str]
) -> None:
    """Its key moves (the digest is recorded now) but the text its analysis was parsed from is its text."""
    ids = _keyed_before_digests(tmp_path, store, analyser, parsed)
    monkeypatch.setattr(document, "STAGE", dataclasses.replace(document.STAGE, version="next"))
    assert local.run_document_stage(store, workers=1) == 2
    stale = [row["stage_keys"][extract.STAGE.name] for row in store.documents(ids, columns=META)]
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 2
    assert not parsed
    rows = list(store.documents(ids, columns=META))
    assert [row["stage_keys"][extract.STAGE.name] for row in rows] == [extract._analysis_key(r) for r in rows]
    assert [row["stage_keys"][extract.STAGE.name] for row in rows] != stale
    assert all(_analysis_matches_body(store, doc_id) for doc_id in ids)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 0


def test_an_analysis_an_earlier_stage_version_parsed_is_not_taken_back(
    tmp_path: Path, store: SQLiteStore, analyser, parsed: list[str]
) -> None:
    ids = _keyed_before_digests(tmp_path, store, analyser, parsed)
    store.update_documents({"id": doc_id, "stage_keys": {extract.STAGE.name: "0:earlier"}} for doc_id in ids)
    assert extract.run(store, lambda *_: None, workers=1, analyse=analyser) == 2
    assert sorted(parsed) == sorted(ids)
