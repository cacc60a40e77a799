"""The bundled sample corpus, run end to end: what its labels say a correct result is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LABELS = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(sample_run: dict[str, Any]) -> dict[str, Any]:
    return sample_run


def test_every_page_is_read_without_error(exported: dict[str, Any]) -> None:
    assert not exported["first"].ingest.errors
    assert set(exported["first"].ingest.by_format) == {"text", "html", "warc", "wet", "jsonl", "feed"}


def test_one_row_per_distinct_page(exported: dict[str, Any]) -> None:
    same_page = LABELS.get("same_page", [])
    assert len(exported["rows"]) == len(LABELS["pages"]) - sum(len(group) - 1 for group in same_page)
    for group in same_page:
        assert len({exported["by_key"][key]["id"] for key in group}) == 1


def test_every_labelled_page_is_stored(exported: dict[str, Any]) -> None:
    missing = [key for key in LABELS["pages"] if key not in exported["by_key"]]
    assert not missing


def test_running_twice_changes_nothing(exported: dict[str, Any]) -> None:
    assert exported["second"].ingest.new == 0
    assert exported["second"].stages["clean + describe"] == 0
    assert exported["before"] == exported["after"]


def _entity_carrying(entities: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in entities if name in {e["name"], *e["aliases"]}]


def test_names_of_one_entity_are_merged(exported: dict[str, Any]) -> None:
    for names in LABELS["entities"]["same"]:
        full = names[0]
        holders = _entity_carrying(exported["entities"], full)
        assert holders, f"no entity for {full!r}"
        best = max(holders, key=lambda e: e["mentions"])
        seen = [n for n in names if _entity_carrying(exported["entities"], n)]
        assert set(seen) <= {best["name"], *best["aliases"]}, (names, best["aliases"])


def test_similar_names_and_clashing_acronyms_stay_apart(exported: dict[str, Any]) -> None:
    for first, second in LABELS["entities"]["different"]:
        for entity in exported["entities"]:
            names = {entity["name"], *entity["aliases"]}
            assert not (first in names and second in names), (
                f"{first!r} and {second!r} merged: {entity['name']}"
            )


def test_shared_quotes_are_one_record_with_their_speaker(exported: dict[str, Any]) -> None:
    for shared in LABELS["shared_quotes"]:
        ids = {exported["by_key"][key]["id"] for key in shared["pages"]}
        records = [q for q in exported["quotes"] if q["text"].startswith(shared["text"][:40])]
        assert len(records) == 1, shared["text"]
        assert ids <= set(records[0]["documents"])
        assert records[0]["speaker"]["name"] == shared["speaker"]


def _fold(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _describe_misses(exported: dict[str, Any], field: str, label: str) -> list[str]:
    """Labelled pages whose exported ``field`` differs from the label (outlets may carry more words)."""
    misses = []
    for key, page in LABELS["pages"].items():
        got, want = exported["by_key"][key][field], page[label]
        if field == "outlet" and want is not None:
            ok = bool(got) and _fold(want) in _fold(got)
        else:
            ok = _fold(got) == _fold(want)
        if not ok:
            misses.append(f"{key}: got {got!r}, want {want!r}")
    return misses


#: Floors reached by the describe stage; raise them as it improves, never lower them. The two outlet misses
#: are aggregator pages crediting the writer only by its domain (no spaced name to recover per page).
DESCRIBE_FLOORS = {("outlet", "outlet"): 47, ("aggregator", "aggregator"): 49, ("published", "published"): 49}


@pytest.mark.parametrize(("field", "label"), list(DESCRIBE_FLOORS))
def test_outlet_aggregator_and_date_match_the_labels(
    exported: dict[str, Any], field: str, label: str
) -> None:
    misses = _describe_misses(exported, field, label)
    correct = len(LABELS["pages"]) - len(misses)
    assert correct >= DESCRIBE_FLOORS[(field, label)], "\n".join(misses)
