"""Publication-date quality on htmldate's evaluation pages: Storyline beside htmldate, on HTML and plain text.

Usage: PYTHONPATH=src python benchmarks/date_quality.py [--limit N] [--metadata-only | --html-only]

Prints accuracy, invented-date rate (a date given where the truth differs, or is null) and pages/s
for: htmldate extensive on the HTML; Storyline on the HTML (kind "html", no URL); and both on the same
pages reduced to plain text, one block per line (kind "text", no URL). The text path is run twice: with
the whole text as the body (no cleaner at all) and with trafilatura's extraction from the same page
standing in for the clean stage.
Scoring is ``../shared/eval/score_dates.py``'s own ``score`` function, loaded with importlib.

Then, on the same pages, outlet and title beside ``trafilatura.extract_metadata`` (both given the page's
URL): the outlet against the name the page gives its site (``og:site_name``, else the JSON-LD publisher's
name), the title against ``og:title`` (with an end segment naming the site cut off, when it has one). Only
pages that state the name (or the og:title) count. ``--metadata-only`` runs just this check.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import trafilatura
from htmldate import find_date

from module_files import import_file
from storyline.clean import clean_page
from storyline.describe import describe_page, find_publication_date
from storyline.describe.layout import html_lines, parse_html
from storyline.model import Article, RawPage

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SCORER = SHARED / "eval" / "score_dates.py"
DATA = SHARED / "bench" / "dates"

Extractor = Callable[[str], str | None]


def load_scorer() -> ModuleType:
    """The shared scorer module, imported from its file."""
    return import_file("score_dates", SCORER)


def storyline_html(markup: str) -> str | None:
    """Storyline's date for an HTML page given without its URL."""
    page = RawPage(id="", source="", kind="html", content=markup, input_format="html")
    found = find_publication_date(page, Article(text=""))
    return found.value if found else None


def storyline_text(text: str, body: str | None = None) -> str | None:
    """Storyline's date for a plain-text page; ``body`` stands in for the clean stage (whole text if None)."""
    page = RawPage(id="", source="", kind="text", content=text, input_format="text")
    found = find_publication_date(page, Article(text=text if body is None else body))
    return found.value if found else None


def storyline_pipeline(kind: str) -> Extractor:
    """The whole per-document stage as the pipeline runs it: Storyline's cleaner, then describe."""

    def extract(content: str) -> str | None:
        page = RawPage(id="", source="", kind=kind, content=content, input_format=kind)  # type: ignore[arg-type]
        return describe_page(page, clean_page(page)).published

    return extract


def htmldate_extensive(markup: str) -> str | None:
    """htmldate with its extensive search, asking for the original date (its best configuration here)."""
    return find_date(markup, extensive_search=True, original_date=True)


def as_text(markup: str) -> str:
    """The page's visible text, one block per line (what a WET record holds)."""
    try:
        return "\n".join(html_lines(markup))
    except ValueError:
        return ""


def text_as_markup(text: str) -> str:
    """Plain text wrapped as HTML so that htmldate can read it (one paragraph per line)."""
    from html import escape

    return "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.splitlines()) + "</body></html>"


def run(
    name: str, inputs: list[tuple[str, str]], extract: Extractor, scorer: ModuleType, index: list[dict]
) -> None:
    """Time ``extract`` over ``inputs`` (id, content), score it and print one line of figures."""
    preds: dict[str, str | None] = {}
    started = time.perf_counter()
    for page_id, content in inputs:
        try:
            value = extract(content)
        except Exception:  # a crash on one page counts as no date, as the shared scorer does
            value = None
        preds[page_id] = value[:10] if value else None
    seconds = time.perf_counter() - started
    m = scorer.score(index, preds)
    invented = m["fp"] / m["pages"] if m["pages"] else 0.0
    print(
        f"{name:<52} acc {m['accuracy']:.3f}  invented {invented:.3f}  P {m['precision']:.3f}  "
        f"R {m['recall']:.3f}  (tp {m['tp']} fp {m['fp']} fn {m['fn']} tn {m['tn']})  "
        f"{len(inputs) / seconds:.0f} pages/s"
    )


def main() -> int:
    """Load the pages, run every extractor, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--metadata-only", action="store_true", help="only the outlet and title check")
    parser.add_argument("--html-only", action="store_true", help="only the HTML date rows")
    args = parser.parse_args()
    if not SCORER.exists():
        print(f"no benchmark data at {DATA}")
        return 1
    scorer = load_scorer()
    index = scorer.load_index(DATA / "index.jsonl")
    if args.limit:
        index = index[: args.limit]
    pages = [(row["id"], scorer.decode(gzip.decompress((DATA / row["file"]).read_bytes()))) for row in index]
    if args.metadata_only:
        check_outlets_and_titles(pages, {row["id"]: row.get("url") for row in index})
        return 0
    print(f"{len(pages)} pages from {DATA.resolve()}")
    storyline_html(pages[0][1])  # warm-up: imports and month tables are not timed
    run("htmldate extensive (original date), HTML", pages, htmldate_extensive, scorer, index)
    run("storyline, HTML", pages, storyline_html, scorer, index)
    run("storyline clean + describe, HTML", pages, storyline_pipeline("html"), scorer, index)
    if args.html_only:
        return 0
    texts = [(page_id, as_text(markup)) for page_id, markup in pages]
    bodies = {page_id: trafilatura.extract(markup) or "" for page_id, markup in pages}
    with_body = [(page_id, f"{page_id}\x00{text}") for page_id, text in texts]
    wrapped = [(page_id, text_as_markup(text)) for page_id, text in texts]
    run("htmldate extensive (original date), plain text", wrapped, htmldate_extensive, scorer, index)
    run("storyline, plain text, whole text as body", texts, storyline_text, scorer, index)
    run(
        "storyline, plain text, trafilatura body as cleaner",
        with_body,
        lambda packed: storyline_text(packed.split("\x00", 1)[1], bodies[packed.split("\x00", 1)[0]]),
        scorer,
        index,
    )
    # The line model's second-pass weights were fitted on silver labels from these very pages (see
    # benchmarks/clean_quality.py --fit), so this row flatters the cleaner a little.
    run("storyline clean + describe, plain text", texts, storyline_pipeline("text"), scorer, index)
    time_describe(texts)
    check_outlets_and_titles(pages, {row["id"]: row.get("url") for row in index})
    return 0


_TITLE_SEGMENTS = re.compile(r"\s+(?:\||-|–|—|::|·|»)\s+|\s*::\s*")


_DOMAIN_NAME = re.compile(r"^(?:www\d?\.)?(?P<name>[\w-]+(?:\.[\w-]+)*?)\.[a-z]{2,18}$", re.IGNORECASE)


def letters(text: str | None) -> str:
    """Letters and digits only, casefolded, without a leading "the": how names and titles are compared.

    A name written as a domain counts by its name part: "example.com", "www.example.com" and "Example"
    are one site's name.
    """
    text = (text or "").strip()
    if " " not in text and (match := _DOMAIN_NAME.match(text)):
        text = match["name"]
    folded = "".join(ch for ch in text.casefold() if ch.isalnum())
    return folded[3:] if folded.startswith("the") and len(folded) > 3 else folded


def stated_site_and_title(markup: str) -> tuple[str | None, str | None]:
    """The name the page gives its site (og:site_name, else JSON-LD publisher) and its og:title.

    Read here with plain lxml and json, apart from Storyline's own metadata reader, so the check does not
    grade that reader with itself.
    """
    tree = parse_html(markup)
    if tree is None:
        return None, None
    site = next(iter(tree.xpath("//meta[@property='og:site_name']/@content")), None)
    if not site:
        for script in tree.xpath("//script[@type='application/ld+json']/text()"):
            try:
                data = json.loads(script)
            except ValueError:
                continue
            for item in data if isinstance(data, list) else [data, *data.get("@graph", [])]:
                publisher = item.get("publisher") if isinstance(item, dict) else None
                if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                    site = publisher["name"]
                    break
            if site:
                break
    title = next(iter(tree.xpath("//meta[@property='og:title']/@content")), None)
    return (str(site).strip() or None) if site else None, (str(title).strip() or None) if title else None


def title_matches(found: str | None, og_title: str, site: str | None) -> bool:
    """Whether a title is og:title without the end segments that name the site (og:title itself when
    none does). A segment names the site when its letters equal the site name's, or hold it and are at
    most four letters longer ("Example Blog" for "Example"), or are held by it ("NU" for "NU.nl")."""
    if not found:
        return False
    parts = _TITLE_SEGMENTS.split(og_title.strip())
    site_key = letters(site)
    start, end = 0, len(parts)
    while end - start > 1 and _names_the_site(parts[end - 1], site_key):
        end -= 1
    while end - start > 1 and _names_the_site(parts[start], site_key):
        start += 1
    wanted = letters(" ".join(parts[start:end]))
    return letters(found) == wanted


def _names_the_site(segment: str, site_key: str) -> bool:
    key = letters(segment)
    if not key or not site_key:
        return False
    return key == site_key or (site_key in key and len(key) <= len(site_key) + 4) or key in site_key


def check_outlets_and_titles(pages: list[tuple[str, str]], urls: dict[str, str | None]) -> None:
    """Outlet and title of Storyline (clean + describe, with the URL) and of trafilatura's metadata."""
    truth = {page_id: stated_site_and_title(markup) for page_id, markup in pages}
    results: dict[str, list[tuple[str, bool | None, bool | None]]] = {"storyline": [], "trafilatura": []}
    seconds = {"storyline": 0.0, "trafilatura": 0.0}
    for page_id, markup in pages:
        site, og_title = truth[page_id]
        url = urls.get(page_id)
        started = time.perf_counter()
        page = RawPage(id="", source="", kind="html", content=markup, input_format="html", url=url)
        try:
            described = describe_page(page, clean_page(page))
            ours = (described.outlet, described.title)
        except Exception:  # a crash on one page counts as no answer
            ours = (None, None)
        seconds["storyline"] += time.perf_counter() - started
        started = time.perf_counter()
        try:
            meta = trafilatura.extract_metadata(markup, default_url=url)
            theirs = (meta.sitename, meta.title)
        except Exception:
            theirs = (None, None)
        seconds["trafilatura"] += time.perf_counter() - started
        for name, (outlet, title) in (("storyline", ours), ("trafilatura", theirs)):
            outlet_ok = letters(outlet) == letters(site) if site else None
            title_ok = title_matches(title, og_title, site) if og_title else None
            results[name].append((page_id, outlet_ok, title_ok))
    named = sum(1 for site, _ in truth.values() if site)
    titled = sum(1 for _, title in truth.values() if title)
    print(f"outlet vs the site's own name: {named} pages state one; title vs og:title: {titled} pages")
    for name, rows in results.items():
        outlet_hits = sum(1 for _, ok, _ in rows if ok)
        title_hits = sum(1 for _, _, ok in rows if ok)
        print(
            f"{name + ' (clean + describe)' if name == 'storyline' else name + ' extract_metadata':<52} "
            f"outlet {outlet_hits / max(1, named):.3f} ({outlet_hits}/{named})  "
            f"title {title_hits / max(1, titled):.3f} ({title_hits}/{titled})  "
            f"{len(rows) / max(seconds[name], 1e-9):.0f} pages/s"
        )


def time_describe(texts: list[tuple[str, str]]) -> None:
    """Speed of the whole describe stage (title, date, outlet, language) on the plain-text pages.

    Wall-clock and CPU time are both printed: on a shared machine the CPU figure is the steadier one.
    """
    pages = [RawPage(id=i, source=i, kind="text", content=t, input_format="text") for i, t in texts]
    started, cpu_started = time.perf_counter(), time.process_time()
    for page in pages:
        describe_page(page, Article(text=page.content))
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    chars = sum(len(page.content) for page in pages) / max(1, len(pages))
    print(
        "describe_page (all parts), plain text, whole text as body: "
        f"{len(pages) / seconds:.0f} pages/s wall, {len(pages) / cpu_seconds:.0f} pages per CPU-second "
        f"(one process; mean page {chars / 1000:.1f} k chars)"
    )


if __name__ == "__main__":
    sys.exit(main())
