"""Check ``samples/labels.json`` against the files in ``samples/corpus``, reading every container from disk.

Every labelled key must be a page of the corpus and every corpus page must be labelled; every snippet must
occur in its page's visible text; same-page pairs must hold identical content and no other pages may.
Run with the project's virtualenv (needs ``warcio``)::

    /work/main/.venv/bin/python samples/check_labels.py
"""

from __future__ import annotations

import gzip
import json
import sys
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

SAMPLES = Path(__file__).resolve().parent
CORPUS = SAMPLES / "corpus"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
MIN_PAGES = 48


class _Visible(HTMLParser):
    """Collects the text of an HTML page outside ``<script>``/``<style>``, and its canonical link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.canonical: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
        self._skip += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"script", "style"}

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(raw: str, is_html: bool) -> tuple[str, str | None]:
    """Visible text and canonical link of a page."""
    if not is_html:
        return raw, None
    parser = _Visible()
    parser.feed(raw)
    return " ".join(" ".join(parser.parts).split()), parser.canonical


def read_bytes(path: Path) -> bytes:
    """A file's bytes, gunzipped when its name ends in .gz."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def single_files(encodings: dict[str, str]) -> dict[str, str]:
    """Key -> raw content of every page under text/ and html/ (html keyed by canonical link)."""
    pages = {}
    for path in sorted((CORPUS / "text").iterdir()):
        pages[path.name] = read_bytes(path).decode(encodings.get(path.name, "utf-8"))
    for path in sorted((CORPUS / "html").iterdir()):
        raw = read_bytes(path).decode("utf-8")
        pages[visible(raw, True)[1] or path.name] = raw
    return pages


def archive_pages() -> dict[str, str]:
    """Key -> content of every response (WARC) and conversion (WET) record."""
    pages = {}
    for folder, kind in (("warc", "response"), ("wet", "conversion")):
        for path in sorted((CORPUS / folder).iterdir()):
            with path.open("rb") as handle:
                for record in ArchiveIterator(handle):
                    if record.rec_type == kind:
                        uri = record.rec_headers.get_header("WARC-Target-URI")
                        pages[uri] = record.content_stream().read().decode("utf-8")
    return pages


def jsonl_and_feed_pages() -> dict[str, str]:
    """Key -> content of every JSONL line and feed entry."""
    pages = {}
    for path in sorted((CORPUS / "jsonl").iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            pages[record["url"]] = record.get("text") or record["html"]
    for path in sorted((CORPUS / "feeds").iterdir()):
        root = ET.parse(path).getroot()
        for item in root.iter("item"):
            pages[item.findtext("link")] = item.findtext(CONTENT_ENCODED)
        for entry in root.iter(f"{ATOM}entry"):
            pages[entry.find(f"{ATOM}link").get("href")] = entry.findtext(f"{ATOM}content")
    return pages


def check_page(key: str, label: dict, raw: str) -> list[str]:
    """Problems with one page's label."""
    is_html = label["format"] in {"html", "warc", "rss", "atom"} or raw.lstrip().startswith("<")
    text, _ = visible(raw, is_html)
    text = unescape(text) if is_html else text
    problems = [
        f"{key}: snippet not in page: {s!r}"
        for s in label["body_snippets"] + label["chrome_snippets"] + label["comment_snippets"]
        if " ".join(s.split()) not in text
    ]
    if label["format"] not in {"rss", "atom"} and label["title"] not in text:
        problems.append(f"{key}: title not in page")
    return problems


def check_structure(labels: dict, pages: dict[str, str]) -> list[str]:
    """Problems with keys, pairs, stories and same-page groups."""
    keys = set(labels["pages"])
    problems = [f"unlabelled page {k}" for k in pages.keys() - keys]
    problems += [f"labelled key not in corpus {k}" for k in keys - pages.keys()]
    for kind in ("same_page", "exact_duplicates", "near_duplicates"):
        problems += [f"{kind}: unknown key in {pair}" for pair in labels[kind] if not set(pair) <= keys]
    for story, members in labels["stories"].items():
        problems += [
            f"{k} in {story} but labelled {labels['pages'][k]['story']}"
            for k in members
            if labels["pages"][k]["story"] != story
        ]
    normalised = {k: v.replace("\r\n", "\n").lstrip("\ufeff").strip() for k, v in pages.items()}
    same = {frozenset(pair) for pair in labels["same_page"]}
    for a in sorted(keys):
        for b in sorted(keys):
            if a < b and (normalised[a] == normalised[b]) != (frozenset((a, b)) in same):
                problems.append(f"same_page mismatch: {a} / {b}")
    if len(keys) < MIN_PAGES:
        problems.append(f"only {len(keys)} pages")
    return problems


def main() -> int:
    """Check everything; print problems; exit 1 if any."""
    labels = json.loads((SAMPLES / "labels.json").read_text(encoding="utf-8"))
    encodings = {Path(v["file"]).name: v["encoding"] for v in labels["pages"].values() if "encoding" in v}
    pages = {**single_files(encodings), **archive_pages(), **jsonl_and_feed_pages()}
    problems = check_structure(labels, pages)
    for key, label in labels["pages"].items():
        if key in pages:
            problems += check_page(key, label, pages[key])
    print("\n".join(problems) or f"labels OK: {len(labels['pages'])} pages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
