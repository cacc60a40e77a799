"""Learning site templates on a top-up: every stored page read again, or only the pages added.

Usage::

    PYTHONPATH=src python benchmarks/template_topup.py [--base 3000] [--new 30] [--seed 7]

Stores ``base`` generated HTML pages (``pipeline_scale.py``'s generator: 24 invented sites with a menu,
footer and "most read" box), learns the templates, adds ``new`` pages and learns them again, and prints
the CPU seconds of each learning next to learning from every page at once (what a top-up cost before the
line counts were kept), and whether the kept counts learned the same lines.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import pipeline_scale
from storyline.clean import TemplateIndex, site_key
from storyline.ids import page_id
from storyline.model import RawPage
from storyline.run import local
from storyline.store.sqlite import SQLiteStore


def _pages(reports: list[dict[str, Any]], first: int) -> list[RawPage]:
    gen = pipeline_scale
    pages = []
    for number, report in enumerate(reports, start=first):
        html = gen._html(report, number)
        url = f"https://daily{report['outlet']}-news.com/news/{number}"
        pages.append(RawPage(page_id(html), f"generated/{number:06d}.html", "html", html, "html", url))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=3000)
    parser.add_argument("--new", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    reports = pipeline_scale.make_corpus(args.base + args.new, args.seed)
    store = SQLiteStore(Path(tempfile.mkdtemp(prefix="storyline-templates-")) / "s.db")
    store.add_pages(_pages(reports[: args.base], 0))
    started = time.process_time()
    local.corpus_templates(store, len(store.stage_keys("document")))
    first = time.process_time() - started
    store.add_pages(_pages(reports[args.base :], args.base))
    started = time.process_time()
    kept, _ = local.corpus_templates(store, len(store.stage_keys("document")))
    top_up = time.process_time() - started
    started = time.process_time()
    every = TemplateIndex.learn((site_key(page), page.content) for page in store.pages())
    again = time.process_time() - started
    print(f"{args.base:,} HTML pages stored, {args.new:,} added; CPU seconds of learning the templates")
    print(f"first run (every page counted):        {first:7.2f}")
    print(f"top-up, kept counts + the added pages: {top_up:7.2f}")
    print(f"top-up, every page read again:         {again:7.2f}   ratio {top_up / again:.1%}")
    same = kept == every.to_json()
    print(f"sites with template lines: {len(every.sites())}")
    print(f"kept counts learned what every page learns: {'yes' if same else 'NO'}")
    store.close()


if __name__ == "__main__":
    main()
