"""Clean-stage quality on the extraction benchmark (../shared/bench/extraction), both forms.

Prints token-shingle precision / recall / F1 (the shared scorer's own method, imported from
../shared/eval/score_extraction.py) and pages per second for: Storyline's clean stage, trafilatura with
favor_precision, and a keep-everything baseline, on the HTML pages and on their plain-text renderings.

    PYTHONPATH=src python benchmarks/clean_quality.py [--limit N] [--form html|plaintext]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import trafilatura

from storyline.clean import clean_page
from storyline.ids import page_id
from storyline.model import RawPage

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
BENCH = SHARED / "bench" / "extraction"
SCORER = SHARED / "eval" / "score_extraction.py"


def load_scorer() -> ModuleType:
    """Import the shared scorer module from its file."""
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_pages(form: str, limit: int) -> dict[str, str]:
    """Page id -> page content (HTML decoded, or plain text) for one form of the benchmark."""
    folder = BENCH / ("html" if form == "html" else "plaintext")
    pages = {}
    for path in sorted(folder.iterdir())[: limit or None]:
        raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        pages[path.name.split(".")[0]] = raw.decode("utf8", errors="replace")
    return pages


def storyline_extractor(form: str) -> Callable[[str], str]:
    """Storyline's clean stage as an ``f(content) -> text`` function."""
    kind = "html" if form == "html" else "text"

    def extract(content: str) -> str:
        page = RawPage(page_id(content), "bench", kind, content, kind)  # type: ignore[arg-type]
        return clean_page(page).text

    return extract


def trafilatura_precision(content: str) -> str:
    """trafilatura 'favor_precision' (on plain text it gets the text wrapped as one page)."""
    return trafilatura.extract(content, favor_precision=True, include_comments=False) or ""


def run(scorer: ModuleType, name: str, func: Callable[[str], str], pages: dict[str, str]) -> str:
    """Run one extractor over the pages, score it and format one result line."""
    gold = scorer.load_ground_truth(BENCH / "ground-truth.json")
    func(next(iter(pages.values())))  # warm-up: imports and lazy loads are not timed
    seconds, predictions = 0.0, {}
    for key, content in pages.items():
        start = time.perf_counter()
        predictions[key] = func(content)
        seconds += time.perf_counter() - start
    metrics = scorer.score({k: gold[k] for k in pages}, predictions)
    speed = len(pages) / seconds if seconds else float("inf")
    return (
        f"{name:34s} F1 {metrics['f1']:.3f}  P {metrics['precision']:.3f}  R {metrics['recall']:.3f}"
        f"  pages/s {speed:8.1f}  n={metrics['pages']}"
    )


def main() -> None:
    """Print the figures for each form and extractor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--form", choices=("html", "plaintext", "both"), default="both")
    args = parser.parse_args()
    if not BENCH.is_dir():
        sys.exit(f"benchmark data not found at {BENCH}")
    scorer = load_scorer()
    forms = ("html", "plaintext") if args.form == "both" else (args.form,)
    for form in forms:
        pages = read_pages(form, args.limit)
        print(f"--- {form} ({len(pages)} pages)")
        extractors: list[tuple[str, Callable[[str], str]]] = [
            ("storyline clean", storyline_extractor(form)),
            ("trafilatura favor_precision", trafilatura_precision),
            ("keep everything", lambda content: content),
        ]
        for name, func in extractors:
            print(run(scorer, f"{name} [{form}]", func, pages), flush=True)
    print(json.dumps({"benchmark": str(BENCH.resolve())}))


if __name__ == "__main__":
    main()
