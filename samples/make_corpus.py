"""Write Storyline's sample corpus, its labels and the bad inputs from the sources in ``samples/src``.

Everything here is invented (see ``samples/README.md``). The script is deterministic: fixed record ids,
fixed dates and gzip ``mtime=0``, so running it twice gives byte-identical files. Needs only the standard
library and ``warcio``::

    /work/main/.venv/bin/python samples/make_corpus.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import corpus_bad
import corpus_html
import corpus_labels as labels
import corpus_render as render
import corpus_writers as writers

SAMPLES = Path(__file__).resolve().parent
SRC = SAMPLES / "src"
CORPUS = SAMPLES / "corpus"
BAD = SAMPLES / "bad"

URL_CONTAINERS = {"warc", "wet", "jsonl", "rss", "atom"}


def load_json(name: str) -> object:
    """Read one JSON source file from ``samples/src``."""
    return json.loads((SRC / name).read_text(encoding="utf-8"))


def page_key(spec: dict) -> str:
    """The label key: the container's URL where it gives one, else the file's base name."""
    if spec["container"] in URL_CONTAINERS:
        return spec["url"]
    if spec["container"] == "html" and spec.get("canonical", True):
        return spec["url"]
    return Path(spec["file"]).name


def build_pages(sites: dict, comments: dict, articles: dict) -> list[render.Built]:
    """Render every page spec (``same_as`` pages copy their original's content exactly)."""
    built: dict[str, render.Built] = {}
    for spec in load_json("pages.json"):
        if "same_as" in spec:
            original = built[spec["same_as"]]
            merged = {**original.spec, **spec}
            built[spec["id"]] = render.Built(
                merged, page_key(spec), original.content, original.paragraphs, original.title, original.author
            )
            continue
        article = articles[spec["body"]]
        paragraphs = render.page_paragraphs(spec, article)
        title = render.page_title(spec, article)
        content = render_page(
            spec, sites[spec["site"]], article, paragraphs, comments.get(spec.get("comments", ""), [])
        )
        built[spec["id"]] = render.Built(spec, page_key(spec), content, paragraphs, title, article.author)
    return list(built.values())


def render_page(
    spec: dict, site: dict, article: render.Article, paragraphs: list[str], comments: list[list]
) -> str:
    """Render one page in the form its container holds: feed HTML, visible text or a full HTML page."""
    if spec["container"] in {"rss", "atom"}:
        return render.feed_html(paragraphs)
    if spec["container"] in {"text", "wet"} or spec.get("field") == "text":
        return render.render_text(spec, site, article, paragraphs, comments)
    return corpus_html.render_html(spec, site, article, paragraphs, comments)


def write_files(pages: list[render.Built]) -> None:
    """Write every container under ``samples/corpus``."""
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for page in pages:
        container = page.spec["container"]
        if container in {"text", "html"} and "same_as" not in page.spec:
            writers.write_single(
                CORPUS / page.spec["file"],
                page.content,
                page.spec.get("encoding", "utf-8"),
                page.spec.get("gz", False),
            )

    def of(container: str) -> list[render.Built]:
        return [page for page in pages if page.spec["container"] == container]

    files = labels.CONTAINER_FILES
    writers.write_warc(CORPUS / files["warc"], of("warc"))
    writers.write_wet(CORPUS / files["wet"], of("wet"))
    writers.write_jsonl(CORPUS, of("jsonl"))
    writers.write_rss(CORPUS / files["rss"], of("rss"))
    writers.write_atom(CORPUS / files["atom"], of("atom"))


def main() -> None:
    """Render the corpus, write it, its labels and the bad inputs."""
    sites = load_json("sites.json")
    articles = render.load_articles(SRC / "articles")
    comments = load_json("comments.json")
    pages = build_pages(sites, comments, articles)
    write_files(pages)
    document = labels.build_labels(pages, sites, comments)
    (SAMPLES / "labels.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if BAD.exists():
        shutil.rmtree(BAD)
    corpus_bad.write_bad(BAD)
    print(f"{len(pages)} pages written to {CORPUS}")


if __name__ == "__main__":
    main()
