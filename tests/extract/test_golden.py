"""The golden story thread (../shared/golden): entity, alias-merge and shared-quote checks.

Each document's text is its expected title and body lines (the real cleaner is built elsewhere). The
title is included because one document's body lines alone never name a country its entity check
lists, while its clean text does. Skipped when the shared folder is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from storyline.extract import Entity, Quote, analyse_documents, resolve, resolve_quotes

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EXPECTED = SHARED / "golden" / "expected.json"
#: Share of a golden passage's words a quote must contain, as the golden scorer counts it.
WORD_OVERLAP = 0.8
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.fixture(scope="module")
def golden(nlp: Language) -> dict[str, Any]:
    if not EXPECTED.exists():
        pytest.skip("shared golden set not present")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    docs = [
        (name, "\n".join([doc["title"], *doc["body_lines"]])) for name, doc in expected["documents"].items()
    ]
    analyses = list(analyse_documents(nlp, docs))
    resolution = resolve(analyses)
    quotes = resolve_quotes(analyses, resolution.entities, resolution.mention_ids)
    return {"expected": expected, "entities": resolution.entities, "quotes": quotes}


def _names(entity: Entity) -> set[str]:
    return {_norm(name) for name in [entity.name, *entity.aliases]}


def test_every_expected_entity_is_one_entity_covering_its_documents(golden: dict[str, Any]) -> None:
    for expected in golden["expected"]["entities"]:
        hints = {_norm(name) for name in [expected["canonical_hint"], *expected["aliases_seen"]]}
        candidates = [e for e in golden["entities"] if hints & _names(e)]
        best = max(candidates, key=lambda e: len(e.documents), default=None)
        assert best is not None, expected["canonical_hint"]
        assert set(expected["documents"]) <= set(best.documents), expected["canonical_hint"]


def _occurs(name: str, texts: list[str]) -> bool:
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return any(pattern.search(text) for text in texts)


def test_every_alias_in_the_texts_is_merged_into_its_entity(golden: dict[str, Any]) -> None:
    texts = [
        line
        for doc in golden["expected"]["documents"].values()
        for line in [doc["title"], *doc["body_lines"]]
    ]
    for expected in golden["expected"]["entities"]:
        wanted = {_norm(name) for name in expected["aliases_seen"] if _occurs(name, texts)}
        assert any(wanted <= _names(e) for e in golden["entities"]), expected["canonical_hint"]


def test_shared_quote_is_one_record_spoken_by_the_person(golden: dict[str, Any]) -> None:
    [person] = [e for e in golden["expected"]["entities"] if e["type"] == "PERSON"]
    for passage in golden["expected"]["shared_passages"]:
        want = set(_norm(passage["text"]).split())
        matching: list[Quote] = [
            q for q in golden["quotes"] if len(want & set(_norm(q.text).split())) / len(want) >= WORD_OVERLAP
        ]
        assert len(matching) == 1
        [quote] = matching
        assert set(passage["documents"]) <= set(quote.documents)
        assert quote.kind == "direct"
        speaker = next(e for e in golden["entities"] if e.id == quote.speaker_entity_id)
        assert _norm(person["canonical_hint"]) in _names(speaker)
