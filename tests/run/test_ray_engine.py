"""The Ray engine writes the local engine's tables (skipped only where the optional ``ray`` extra is absent).

One local Ray instance serves the whole module: starting one costs seconds.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.link import LinkDoc, LinkSettings, NearDuplicateIndex, find_near_duplicates

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[Any]:
    """A local Ray instance (two CPUs) for the module; engines made by the tests join it."""
    pytest.importorskip("ray", reason="the Ray engine is the optional extra storyline[ray]")
    from storyline.run.ray_engine import RayEngine

    with RayEngine(workers=2) as engine:
        yield engine


def _tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted(folder.glob("*.jsonl"))
    }


def test_ray_engine_export_equals_the_local_engines(
    tmp_path: Path, sample_run: dict[str, Any], ray_engine: Any
) -> None:
    with storyline.open(tmp_path / "ray.db") as sl:
        report = sl.run([SAMPLES / "corpus"], workers=1, engine="ray")
        assert report.stages["clean + describe"] == report.ingest.new > 0
        sl.export(tmp_path / "export", "jsonl")
        # The Ray engine stored the local engine's stage keys: a local rerun finds nothing stale.
        again = sl.process(workers=1)
        assert again["clean + describe"] == again["extract"] == 0
    local, ray = _tables(sample_run["export"]), _tables(tmp_path / "export")
    assert local.keys() == ray.keys() and "entities.jsonl" in local
    for name, rows in local.items():
        assert ray[name] == rows, name


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    with storyline.open(tmp_path / "s.db") as sl, pytest.raises(ValueError, match="unknown engine"):
        sl.process(engine="spark")


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.errors import ModelNotInstalledError
    from storyline.run import ray_engine

    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the extra looks like
    with pytest.raises(ModelNotInstalledError, match=r"storyline\[ray\]"):
        ray_engine.import_ray()


# Invented reports: sentences drawn from one theme's vocabulary, so distinct reports share words but not runs.
_WHO = [
    "The mayor of Vellmar",
    "Harbour pilot Ines Okoro",
    "The Talvik ferry union",
    "Councillor Bram Ostrow",
    "A spokeswoman for Nordlys Shipping",
    "The coast guard at Pellow Point",
    "Dock workers in Saltmere",
]
_DID = [
    "said on Tuesday that",
    "warned reporters that",
    "told the council that",
    "confirmed late on Friday that",
    "argued in a letter that",
    "insisted at a briefing that",
]
_WHAT = [
    "the northern quay would stay closed until the storm passed",
    "two cargo ships had run aground near the bar",
    "the night ferry to Oskholm was cancelled for a third day",
    "repairs to the breakwater would cost millions",
    "fishing boats must stay in port while the gale lasts",
    "the pilot station lost power for six hours",
    "an inquiry into the collision would open next month",
    "insurers had not yet counted the damage",
]


def _report(seed: int, paragraphs: int = 8) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(f"{rng.choice(_WHO)} {rng.choice(_DID)} {rng.choice(_WHAT)}." for _ in range(3))
        for _ in range(paragraphs)
    )


def _planted_corpus() -> tuple[list[LinkDoc], dict[str, str]]:
    """Twelve distinct reports and copies of some of them; returns the documents and copy -> original."""
    texts = {f"r{n:02}": _report(n) for n in range(12)}
    first = texts["r00"].split("\n\n")
    texts["copy-exact"] = texts["r01"]
    texts["copy-edited"] = texts["r02"].replace("Tuesday", "Wednesday", 1) + "\n\nThis report was updated."
    texts["copy-of-copy"] = texts["copy-edited"] + "\n\nMore to follow."
    texts["copy-trimmed"] = "\n\n".join(first[:6])  # most of r00: a copy
    texts["too-short"] = "\n\n".join(first[:2])  # a quarter of r00: under the length ratio, not a copy
    planted = {"copy-exact": "r01", "copy-edited": "r02", "copy-of-copy": "r02", "copy-trimmed": "r00"}
    docs = [LinkDoc(id=doc_id, seq=seq, text=text) for seq, (doc_id, text) in enumerate(texts.items())]
    return docs, planted


def test_near_duplicates_on_ray_are_the_local_engines(ray_engine: Any) -> None:
    docs, planted = _planted_corpus()
    settings = LinkSettings()
    local_index, ray_index = NearDuplicateIndex(settings), NearDuplicateIndex(settings)
    local = find_near_duplicates(docs, local_index, settings)
    on_ray = ray_engine.find_near_duplicates(docs, ray_index, settings)
    assert local == planted  # the planted copies, and nothing else
    assert on_ray == local
    assert ray_index.originals == local_index.originals
    assert ray_index.to_bytes() == local_index.to_bytes()  # a store linked on Ray stays incremental locally


def test_near_duplicates_on_ray_are_incremental_as_locally(ray_engine: Any) -> None:
    docs, planted = _planted_corpus()
    settings = LinkSettings()
    indexes = []
    for _engine in ("local", "ray"):
        index = NearDuplicateIndex(settings)
        find_near_duplicates(
            docs[:13], index, settings
        )  # the twelve reports and the exact copy, linked before
        indexes.append(index)
    local = find_near_duplicates(docs, indexes[0], settings)
    on_ray = ray_engine.find_near_duplicates(docs, indexes[1], settings)
    assert on_ray == local == {k: v for k, v in planted.items() if k != "copy-exact"}
    assert indexes[1].to_bytes() == indexes[0].to_bytes()


def test_a_page_past_its_budget_on_a_ray_actor_is_skipped(tmp_path: Path, ray_engine: Any) -> None:
    """Ray runs actor methods off the main thread, where SIGALRM cannot reach; the actor's own worker process
    does the work in its main thread, so the local engine's page budget holds on Ray too."""
    (tmp_path / "a.txt").write_text(_report(1))
    with storyline.open(tmp_path / "s.db") as sl:
        sl.ingest([tmp_path / "a.txt"])
        ray_engine.page_budget = 1e-6
        try:
            assert ray_engine.document_stage(sl.store) == 1
        finally:
            ray_engine.page_budget = 60.0
        (note,) = sl.limited().values()
    assert note["document"]["action"] == "skipped" and "time budget" in note["document"]["reason"]
