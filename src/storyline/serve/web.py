"""The web UI: server-rendered pages (Jinja2, autoescaped) over the same :class:`Reader` calls as the API.

Every piece of page text is untrusted: templates never mark it safe, links to a page's own URL are drawn only
for http(s) URLs, and data for the chart script travels as escaped JSON in a non-executable block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline.query import Page, QueryError
from storyline.serve.api import DocumentSortParam, FilterDep, ReaderDep
from storyline.serve.charts import timeline

TEMPLATES = Path(__file__).parent / "templates"
#: Rows per page in the UI's lists.
PAGE_ROWS = 20

router = APIRouter(include_in_schema=False)


def safe_url(value: Any) -> str | None:
    """``value`` when it is an absolute http(s) URL (so never ``javascript:`` or ``data:``), else None."""
    if not isinstance(value, str) or any(ord(ch) < 32 for ch in value):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def marked(text: str | None, ranges: list[Any] | None) -> list[tuple[str, bool]]:
    """``text`` as (piece, highlighted) pairs from (start, end) ranges; the template escapes each piece."""
    text = text or ""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(ranges or []):
        if start < at or end > len(text):
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (None drops a key)."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "", 0) or (k == "offset" and v)}
    return "?" + urlencode(kept) if kept else "?"


def environment() -> Environment:
    """The templates' environment: autoescaping on for every template, whatever its name."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["marked"] = marked
    env.globals["qs"] = query_string
    return env


ENV = environment()


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)


def not_found(what: str) -> HTMLResponse:
    return render("error.html", 404, title="Not found", message=f"No {what} here.")


def bad_request(exc: QueryError) -> HTMLResponse:
    return render("error.html", 400, title="Bad request", message=str(exc))


@router.get("/", response_class=HTMLResponse)
def search_page(
    reader: ReaderDep,
    flt: FilterDep,
    sort: DocumentSortParam = "relevance",
    offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0,
) -> HTMLResponse:
    found = reader.search(flt, Page(offset, PAGE_ROWS), sort)
    params = {**flt.as_params(), "sort": sort if sort != "relevance" else None}
    return render("search.html", flt=flt, params=params, sort=sort, **found)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(reader: ReaderDep, doc_id: str) -> HTMLResponse:
    doc = reader.document(doc_id)
    return not_found("document") if doc is None else render("document.html", doc=doc)


@router.get("/documents/{doc_id}/removed", response_class=HTMLResponse)
def removed_page(request: Request, reader: ReaderDep, doc_id: str) -> HTMLResponse:
    """What cleaning removed from a document: a fragment for htmx (the document page loads it when the
    reader opens the toggle), a whole page otherwise."""
    doc = reader.document(doc_id)
    if doc is None:
        return not_found("document")
    fragment = request.headers.get("hx-request") == "true"
    response = render("removed_fragment.html" if fragment else "removed.html", doc=doc)
    response.headers["vary"] = "HX-Request"
    return response


@router.get("/stories", response_class=HTMLResponse)
def stories_page(
    reader: ReaderDep, q: str | None = None, offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0
) -> HTMLResponse:
    found = reader.stories(q=q, page=Page(offset, PAGE_ROWS))
    return render("stories.html", found=found, params={"q": q})


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(reader: ReaderDep, story_id: str) -> HTMLResponse:
    story = reader.story(story_id)
    if story is None:
        return not_found("story")
    numbers = {d["id"]: n for n, d in enumerate(story["document_rows"], 1)}
    chart = timeline(
        [
            {"label": d.get("title") or d["id"], "href": f"/documents/{d['id']}", **d}
            for d in story["document_rows"]
        ],
        "published",
    )
    return render("story.html", story=story, numbers=numbers, chart=chart)


@router.get("/threads", response_class=HTMLResponse)
def threads_page(
    reader: ReaderDep, q: str | None = None, offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0
) -> HTMLResponse:
    found = reader.threads(q, Page(offset, PAGE_ROWS))
    return render("threads.html", found=found, params={"q": q})


@router.get("/threads/{thread_id}", response_class=HTMLResponse)
def thread_page(reader: ReaderDep, thread_id: str) -> HTMLResponse:
    thread = reader.thread(thread_id)
    if thread is None:
        return not_found("thread")
    chart = timeline(
        [
            {"label": s.get("title") or s["id"], "href": f"/stories/{s['id']}", **s}
            for s in thread["story_rows"]
        ],
        "first_published",
        "last_published",
    )
    return render("thread.html", thread=thread, chart=chart)


@router.get("/entities", response_class=HTMLResponse)
def entities_page(
    reader: ReaderDep,
    q: str | None = None,
    type: str | None = None,
    offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0,
) -> HTMLResponse:
    found = reader.entities(type, q, None, Page(offset, PAGE_ROWS))
    return render("entities.html", found=found, params={"q": q, "type": type})


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(reader: ReaderDep, entity_id: str) -> HTMLResponse:
    entity = reader.entity(entity_id)
    if entity is None:
        return not_found("entity")
    chart = timeline(
        [{"label": f"{e['type']}: {_event_label(e)}", "href": None, **e} for e in entity["events"]], "date"
    )
    return render("entity.html", entity=entity, chart=chart)


def _event_label(event: dict[str, Any]) -> str:
    actor = (event.get("actor") or {}).get("name") or "?"
    target = (event.get("target") or {}).get("name") or "?"
    return f"{actor} → {target}"


@router.get("/events", response_class=HTMLResponse)
def events_page(
    reader: ReaderDep,
    type: str | None = None,
    entity: str | None = None,
    actor: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0,
) -> HTMLResponse:
    params = {"type": type, "entity": entity, "actor": actor, "place": place}
    params |= {"date_from": date_from, "date_to": date_to}
    found = reader.events(
        Page(offset, PAGE_ROWS),
        event_type=type,
        entity=entity,
        actor=actor,
        place=place,
        date_from=date_from,
        date_to=date_to,
    )
    return render("events.html", found=found, params=params)


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(
    reader: ReaderDep,
    speaker: str | None = None,
    q: str | None = None,
    offset: Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)] = 0,
) -> HTMLResponse:
    found = reader.quotes(speaker, None, q, Page(offset, PAGE_ROWS))
    return render("quotes.html", found=found, params={"speaker": speaker, "q": q})


def html_error(request: Request, status: int, message: str) -> HTMLResponse:
    """An error page for the UI's routes (the API's answer JSON)."""
    titles = {400: "Bad request", 404: "Not found", 422: "Bad request"}
    return render("error.html", status, title=titles.get(status, "Error"), message=message)
