"""The Ray engine writes the local engine's tables (skipped only where the optional ``ray`` extra is absent)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import storyline

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _tables(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        path.name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted(folder.glob("*.jsonl"))
    }


def test_ray_engine_export_equals_the_local_engines(tmp_path: Path, sample_run: dict[str, Any]) -> None:
    pytest.importorskip("ray", reason="the Ray engine is the optional extra storyline[ray]")
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
