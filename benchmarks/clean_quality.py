"""Clean-stage quality on the extraction benchmark (../shared/bench/extraction), both forms.

Prints token-shingle precision / recall / F1 (the shared scorer's own method, imported from
../shared/eval/score_extraction.py) and pages per second (wall clock, and CPU time of this process,
which other jobs on a shared machine disturb less) for: Storyline's clean stage, trafilatura with
favor_precision, a keep-everything baseline and (plain text) a keep-lines-of-10-words baseline, on the
HTML pages and on their plain-text renderings.

    PYTHONPATH=src python benchmarks/clean_quality.py [--limit N] [--form html|plaintext]

``--structure`` counts, on the silver pages of ``../shared/bench/dates/pages``, how many pages each
HTML structure check of the clean stage changes (sibling chunks added, nested-article items and edge
metadata dropped) and how many paragraphs it moves, so that how often they fire is seen off the
benchmark.

``--fit`` instead fits the line scorer's weights on silver labels and writes
``src/storyline/clean/fitted_weights.py``: trafilatura (favor_precision) is run on the HTML pages of
``../shared/bench/dates/pages`` (never on the extraction benchmark, which is what we are scored on), and
each line of the same page's visible text is labelled body when trafilatura kept it.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import trafilatura

from module_files import import_file
from storyline.clean import clean_page, visible_text
from storyline.clean.headings import squeeze
from storyline.clean.html import parse_html, trafilatura_extract, tree_text
from storyline.clean.html_clean import drop_edge_metadata, keep_paragraphs
from storyline.clean.labels import label_lines
from storyline.clean.lines import score_lines, split_lines
from storyline.clean.plaintext import read_page
from storyline.clean.refine import REFINE_NAMES, context_rows
from storyline.clean.structure import add_sibling_chunks, article_text, drop_nested_articles
from storyline.ids import page_id
from storyline.model import RawPage

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
BENCH = SHARED / "bench" / "extraction"
SCORER = SHARED / "eval" / "score_extraction.py"
SILVER_PAGES = SHARED / "bench" / "dates" / "pages"
FITTED = Path(__file__).resolve().parents[1] / "src" / "storyline" / "clean" / "fitted_weights.py"
#: Pages where trafilatura finds less than this are not used as silver labels.
MIN_SILVER_BODY_WORDS = 80
#: Lines at least this long count as kept when they occur anywhere in trafilatura's body.
SUBSTRING_CHARS = 40
#: Sample weight grows with line length, like the token-level score does.
MAX_SAMPLE_WORDS = 60
#: The "long lines" baseline keeps lines of at least this many words.
LONG_LINE_WORDS = 10
RIDGE = 1.0
NEWTON_STEPS = 25


def load_scorer() -> ModuleType:
    """Import the shared scorer module from its file."""
    return import_file("score_extraction", SCORER)


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
        """The clean body of one page."""
        page = RawPage(page_id(content), "bench", kind, content, kind)  # type: ignore[arg-type]
        return clean_page(page).text

    return extract


def trafilatura_precision(content: str) -> str:
    """trafilatura 'favor_precision' on an HTML page."""
    return trafilatura.extract(content, favor_precision=True, include_comments=False) or ""


def trafilatura_on_lines(content: str) -> str:
    """trafilatura 'favor_precision' on plain text, each line wrapped as a paragraph of a page."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in content.splitlines() if line.strip())
    return trafilatura_precision(f"<html><body>{paragraphs}</body></html>")


def keep_long_lines(content: str) -> str:
    """The simple baseline: keep lines of at least ``LONG_LINE_WORDS`` words."""
    return "\n".join(line for line in content.splitlines() if len(line.split()) >= LONG_LINE_WORDS)


def run(scorer: ModuleType, name: str, func: Callable[[str], str], pages: dict[str, str]) -> str:
    """Run one extractor over the pages, score it and format one result line."""
    gold = scorer.load_ground_truth(BENCH / "ground-truth.json")
    func(next(iter(pages.values())))  # warm-up: imports and lazy loads are not timed
    seconds, cpu_seconds, predictions = 0.0, 0.0, {}
    for key, content in pages.items():
        start, cpu_start = time.perf_counter(), time.process_time()
        predictions[key] = func(content)
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - cpu_start
    metrics = scorer.score({k: gold[k] for k in pages}, predictions)
    speed = len(pages) / seconds if seconds else float("inf")
    cpu_speed = len(pages) / cpu_seconds if cpu_seconds else float("inf")
    return (
        f"{name:40s} F1 {metrics['f1']:.3f}  P {metrics['precision']:.3f}  R {metrics['recall']:.3f}"
        f"  pages/s {speed:7.1f} (cpu {cpu_speed:7.1f})  n={metrics['pages']}"
    )


def silver_rows(html: str) -> list[tuple[list[float], float, float]]:
    """(second-pass input vector, label, sample weight) for every visible line of one page."""
    body = trafilatura.extract(html, favor_precision=True, include_comments=False) or ""
    if len(body.split()) < MIN_SILVER_BODY_WORDS:
        return []
    body_lines = {squeeze(line) for line in body.splitlines() if line.strip()}
    body_flat = squeeze(body)
    lines, _captions = split_lines(visible_text(html))
    scored = score_lines(lines)
    start, end = label_lines(scored)  # the first pass, exactly as at run time
    rows = []
    for line, row in zip(scored, context_rows(scored, start, end), strict=True):
        text = squeeze(line.text)
        kept = text in body_lines or (len(text) >= SUBSTRING_CHARS and text in body_flat)
        weight = 1.0 + min(line.features.words, MAX_SAMPLE_WORDS)
        rows.append((row, float(kept), weight))
    return rows


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted, ridge-regularised logistic regression by Newton's method (the bias is column 0)."""
    beta = np.zeros(x.shape[1])
    ridge = RIDGE * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (w * (p - y)) + ridge @ beta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + ridge
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def fit() -> None:
    """Fit the scorer's weights on silver labels and write them as a Python module."""
    rows = []
    for path in sorted(SILVER_PAGES.iterdir()):
        rows += silver_rows(gzip.decompress(path.read_bytes()).decode("utf8", errors="replace"))
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    w = np.array([r[2] for r in rows])
    beta = fit_logistic(x, y, w)
    accuracy = float(np.average(((x @ beta) > 0) == (y > 0.5), weights=w))
    share = np.average(y, weights=w)
    print(f"silver lines {len(rows)}, body share {share:.3f}, weighted accuracy {accuracy:.3f}")
    body = ",\n".join(f'    "{name}": {value:.4f}' for name, value in zip(REFINE_NAMES, beta, strict=True))
    FITTED.write_text(
        '"""Line-scorer weights fitted by ``benchmarks/clean_quality.py --fit`` on silver labels."""\n\n'
        f"FITTED_WEIGHTS: dict[str, float] = {{\n{body},\n}}\n",
        encoding="utf-8",
    )
    print(f"wrote {FITTED}")


def structure_changes(html: str) -> dict[str, int]:
    """Paragraphs each structure check adds or drops on one page (in the clean stage's order)."""
    root = parse_html(html)
    if root is None:
        return {}
    body, _comments, _title = trafilatura_extract(html)
    reading = read_page(tree_text(root))
    paragraphs = keep_paragraphs(body, reading.title_candidates, None)
    is_body = {squeeze(line.text) for line in reading.lines if line.label == "body"}
    lines = {squeeze(line.text): line for line in reading.lines}
    changes = {}
    for name, check in (
        ("sibling chunks (added)", lambda ps: add_sibling_chunks(ps, root, is_body)),
        ("nested articles (dropped)", lambda ps: drop_nested_articles(ps, article_text(root))),
        ("edge metadata (dropped)", lambda ps: drop_edge_metadata(ps, lines)),
    ):
        after = check(paragraphs)
        changes[name] = abs(len(after) - len(paragraphs))
        paragraphs = after
    return changes


def structure_report() -> None:
    """Print how often each HTML structure check fires on the silver pages."""
    pages, fired, moved = 0, {}, {}
    for path in sorted(SILVER_PAGES.iterdir()):
        changes = structure_changes(gzip.decompress(path.read_bytes()).decode("utf8", errors="replace"))
        pages += 1
        for name, count in changes.items():
            fired[name] = fired.get(name, 0) + (count > 0)
            moved[name] = moved.get(name, 0) + count
    for name in fired:
        print(f"{name:28s} pages {fired[name]:4d} of {pages}  paragraphs {moved[name]:4d}")


def main() -> None:
    """Print the figures for each form and extractor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--form", choices=("html", "plaintext", "both"), default="both")
    parser.add_argument("--fit", action="store_true", help="fit the line scorer on silver labels")
    parser.add_argument("--structure", action="store_true", help="how often the HTML structure checks fire")
    args = parser.parse_args()
    if args.fit:
        fit()
        return
    if args.structure:
        structure_report()
        return
    if not BENCH.is_dir():
        sys.exit(f"benchmark data not found at {BENCH}")
    scorer = load_scorer()
    forms = ("html", "plaintext") if args.form == "both" else (args.form,)
    for form in forms:
        pages = read_pages(form, args.limit)
        print(f"--- {form} ({len(pages)} pages)")
        baseline = trafilatura_on_lines if form == "plaintext" else trafilatura_precision
        extractors: list[tuple[str, Callable[[str], str]]] = [
            ("storyline clean", storyline_extractor(form)),
            ("trafilatura favor_precision", baseline),
            ("keep everything", lambda content: content),
        ]
        if form == "plaintext":
            extractors.append(("keep lines >= 10 words", keep_long_lines))
        for name, func in extractors:
            print(run(scorer, f"{name} [{form}]", func, pages), flush=True)
    print(json.dumps({"benchmark": str(BENCH.resolve())}))


if __name__ == "__main__":
    main()
