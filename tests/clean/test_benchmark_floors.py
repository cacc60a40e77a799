"""Body F1 floors on the shared half of the extraction benchmark (skipped when ../shared is absent).

The benchmark's pages and gold bodies are read, never copied; the figures are the shared scorer's
(token-shingle F1, imported from ../shared/eval/score_extraction.py). Floors only ever rise: they are the
figures measured when they were set (docs/cleaning.md), so a change that loses body quality fails here.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from storyline.clean import clean_page
from storyline.ids import page_id
from storyline.model import RawPage

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
BENCH = SHARED / "bench" / "extraction"
SCORER = SHARED / "eval" / "score_extraction.py"
#: form -> F1 floor (measured: HTML 0.9753, plain text 0.9157).
FLOORS = {"html": 0.975, "plaintext": 0.915}

pytestmark = pytest.mark.skipif(
    not (BENCH.is_dir() and SCORER.is_file()), reason="../shared benchmark absent"
)


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("form", list(FLOORS))
def test_body_f1_stays_above_its_floor(form: str) -> None:
    kind = "html" if form == "html" else "text"
    predictions = {}
    for path in sorted((BENCH / form).iterdir()):
        raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        content = raw.decode("utf8", errors="replace")
        page = RawPage(page_id(content), "bench", kind, content, kind)  # type: ignore[arg-type]
        predictions[path.name.split(".")[0]] = clean_page(page).text
    scorer = _scorer()
    gold = scorer.load_ground_truth(BENCH / "ground-truth.json")
    f1 = scorer.score({key: gold[key] for key in predictions}, predictions)["f1"]
    assert f1 >= FLOORS[form], f"{form} body F1 {f1:.4f} below its floor {FLOORS[form]}"
