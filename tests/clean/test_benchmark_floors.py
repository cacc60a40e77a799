"""Body F1 floors on the shared half of the extraction benchmark (skipped when ../shared is absent).

The benchmark's pages and gold bodies are read, never copied; the figures are the shared scorer's
(token-shingle F1, imported from ../shared/eval/score_extraction.py). Floors only ever rise: they are the
figures measured when they were set (docs/cleaning.md), so a change that loses body quality fails here.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.benchmark_path import benchmarks_on_path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
BENCH = SHARED / "bench" / "extraction"
SCORER = SHARED / "eval" / "score_extraction.py"
#: The benchmark script that prints these figures: its page reader, extractor and scorer loader are the
#: ones this test scores with, so the floor and the printed figure cannot drift apart.
CLEAN_QUALITY = ROOT / "benchmarks" / "clean_quality.py"
#: form -> F1 floor (measured: HTML 0.9753, plain text 0.9157).
FLOORS = {"html": 0.975, "plaintext": 0.915}

pytestmark = pytest.mark.skipif(
    not (BENCH.is_dir() and SCORER.is_file()), reason="../shared benchmark absent"
)


@pytest.fixture(scope="module")
def clean_quality() -> Iterator[dict[str, Any]]:
    with benchmarks_on_path():
        yield runpy.run_path(str(CLEAN_QUALITY))


@pytest.mark.parametrize("form", list(FLOORS))
def test_body_f1_stays_above_its_floor(form: str, clean_quality: dict[str, Any]) -> None:
    extract = clean_quality["storyline_extractor"](form)
    predictions = {key: extract(content) for key, content in clean_quality["read_pages"](form, 0).items()}
    scorer = clean_quality["load_scorer"]()
    gold = scorer.load_ground_truth(BENCH / "ground-truth.json")
    f1 = scorer.score({key: gold[key] for key in predictions}, predictions)["f1"]
    assert f1 >= FLOORS[form], f"{form} body F1 {f1:.4f} below its floor {FLOORS[form]}"
