"""The REST API under ``/api``: each route parses its parameters, calls one :class:`Reader` method, returns
JSON (or streams an export). Bad parameters are a 4xx with a message; see ``docs/serve.md``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from storyline.export import DOCUMENT_COLUMNS
from storyline.export_stream import MEDIA_TYPES, stream_rows
from storyline.query import DocumentFilter, Page, Reader
from storyline.query.filters import MAX_QUERY_CHARS, MAX_VALUE_CHARS

ExportFormat = Literal["jsonl", "csv", "parquet"]
DocumentSortParam = Literal["relevance", "published", "-published", "ingested"]
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

router = APIRouter(prefix="/api")


def open_reader(request: Request) -> Iterator[Reader]:
    """A read-only connection of this request's own, closed when the request is done."""
    with Reader(request.app.state.db) as reader:
        yield reader


ReaderDep = Annotated[Reader, Depends(open_reader)]
Text = Annotated[str | None, Query(max_length=MAX_VALUE_CHARS)]
SearchText = Annotated[
    str | None,
    Query(
        max_length=MAX_QUERY_CHARS, description='Full-text query, SQLite FTS5 syntax (AND, OR, NOT, "...")'
    ),
]
DateParam = Annotated[
    str | None,
    Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD; overlapping dates match"),
]
Offset = Annotated[int, Query(ge=0, le=Page.MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=Page.MAX_LIMIT)]
Format = Annotated[ExportFormat, Query(description="jsonl, csv or parquet")]


def document_filter(
    q: SearchText = None,
    outlet: Text = None,
    language: Text = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    story: Text = None,
    thread: Text = None,
    entity: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description="An entity id")] = None,
    event_type: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description="A PLOVER type")] = None,
) -> DocumentFilter:
    """The documents filter from query parameters (shared by the list, its facets and its export)."""
    return DocumentFilter(q, outlet, language, date_from, date_to, story, thread, entity, event_type)


FilterDep = Annotated[DocumentFilter, Depends(document_filter)]


def _export(request: Request, name: str, fmt: str, rows: Any, columns: Any = None) -> Any:
    """A streamed download of ``rows(reader)``, read on a connection of its own that is closed when the
    stream ends (it outlives the request handler); a bad filter fails before anything is sent."""
    reader = Reader(request.app.state.db)
    try:
        found = rows(reader)
    except BaseException:
        reader.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            yield from stream_rows(found, fmt, columns)
        finally:
            reader.close()

    return StreamingResponse(
        chunks(),
        media_type=MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _not_found(kind: str, key: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {kind} {key!r}")


@router.get("/stats", summary="Rows per table, documents per language")
def stats(reader: ReaderDep) -> dict[str, Any]:
    return reader.stats()


@router.get("/documents", summary="Documents, filtered, paginated, stably sorted")
def documents(
    reader: ReaderDep,
    flt: FilterDep,
    sort: DocumentSortParam = "relevance",
    offset: Offset = 0,
    limit: Limit = 20,
) -> dict[str, Any]:
    """`{total, offset, limit, items}`. With `q`, items carry `snippet` and `highlights` (start and end of
    each matched term in the snippet), best match first unless another `sort` is asked."""
    return reader.documents(flt, Page(offset, limit), sort)


@router.get("/documents/facets", summary="Facet counts over the filtered documents")
def document_facets(reader: ReaderDep, flt: FilterDep) -> dict[str, Any]:
    """Counts per outlet, language, month (`volume`), entity and event type over the same filters."""
    return reader.document_facets(flt)


@router.get("/documents/export", summary="Export the filtered documents (streamed)")
def export_documents(
    request: Request, flt: FilterDep, format: Format = "jsonl", sort: DocumentSortParam = "relevance"
) -> Any:
    return _export(request, "documents", format, lambda r: r.iter_documents(flt, sort), DOCUMENT_COLUMNS)


@router.get("/documents/{doc_id}", summary="One document with everything known of it")
def document(reader: ReaderDep, doc_id: str) -> dict[str, Any]:
    """Clean text, comments, metadata with evidence, removed chrome with reasons, duplicates, shared
    passages, entities, quotes, events, story, thread, and the body cut into highlighted `segments`."""
    found = reader.document(doc_id)
    if found is None:
        raise _not_found("document", doc_id)
    return found


@router.get("/stories", summary="Stories, most reports first")
def stories(
    reader: ReaderDep,
    thread: Text = None,
    q: SearchText = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> dict[str, Any]:
    return reader.stories(thread, q, date_from, date_to, Page(offset, limit))


@router.get("/stories/export", summary="Export the filtered stories (streamed)")
def export_stories(
    request: Request,
    thread: Text = None,
    q: SearchText = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    format: Format = "jsonl",
) -> Any:
    filters = {"thread": thread, "q": q, "date_from": date_from, "date_to": date_to}
    return _export(request, "stories", format, lambda r: r.iter_records("stories", **filters))


@router.get("/stories/{story_id}", summary="One story: documents, timeline, summary, events")
def story(reader: ReaderDep, story_id: str) -> dict[str, Any]:
    found = reader.story(story_id)
    if found is None:
        raise _not_found("story", story_id)
    return found


@router.get("/threads", summary="Threads, most stories first")
def threads(reader: ReaderDep, q: SearchText = None, offset: Offset = 0, limit: Limit = 20) -> dict[str, Any]:
    return reader.threads(q, Page(offset, limit))


@router.get("/threads/export", summary="Export the filtered threads (streamed)")
def export_threads(request: Request, q: SearchText = None, format: Format = "jsonl") -> Any:
    return _export(request, "threads", format, lambda r: r.iter_records("threads", q=q))


@router.get("/threads/{thread_id}", summary="One thread: its stories in time order and main entities")
def thread(reader: ReaderDep, thread_id: str) -> dict[str, Any]:
    found = reader.thread(thread_id)
    if found is None:
        raise _not_found("thread", thread_id)
    return found


@router.get("/entities", summary="Entities, most mentioned first")
def entities(
    reader: ReaderDep,
    type: Annotated[str | None, Query(max_length=20, description="PERSON, ORG, GPE, LOC, NORP, ...")] = None,
    q: SearchText = None,
    country: Annotated[str | None, Query(max_length=3, description="ISO 3166-1 alpha-3")] = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> dict[str, Any]:
    return reader.entities(type, q, country, Page(offset, limit))


@router.get("/entities/export", summary="Export the filtered entities (streamed)")
def export_entities(
    request: Request,
    type: Annotated[str | None, Query(max_length=20)] = None,
    q: SearchText = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    format: Format = "jsonl",
) -> Any:
    filters = {"entity_type": type, "q": q, "country": country}
    return _export(request, "entities", format, lambda r: r.iter_records("entities", **filters))


@router.get("/entities/{entity_id}", summary="One entity: aliases with rules, co-occurring entities, events")
def entity(reader: ReaderDep, entity_id: str) -> dict[str, Any]:
    found = reader.entity(entity_id)
    if found is None:
        raise _not_found("entity", entity_id)
    return found


@router.get("/quotes", summary="Quotes, most widely carried first")
def quotes(
    reader: ReaderDep,
    speaker: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description="Entity id or name")] = None,
    document: Text = None,
    q: SearchText = None,
    offset: Offset = 0,
    limit: Limit = 20,
) -> dict[str, Any]:
    return reader.quotes(speaker, document, q, Page(offset, limit))


@router.get("/quotes/export", summary="Export the filtered quotes (streamed)")
def export_quotes(
    request: Request,
    speaker: Text = None,
    document: Text = None,
    q: SearchText = None,
    format: Format = "jsonl",
) -> Any:
    filters = {"speaker": speaker, "document": document, "q": q}
    return _export(request, "quotes", format, lambda r: r.iter_records("quotes", **filters))


def event_filters(
    type: Annotated[str | None, Query(max_length=20, description="A PLOVER event type")] = None,
    entity: Annotated[
        str | None, Query(max_length=MAX_VALUE_CHARS, description="A party's entity id")
    ] = None,
    country: Annotated[
        str | None, Query(max_length=3, description="ISO 3166-1 alpha-3 of a party or place")
    ] = None,
    actor: Annotated[
        str | None, Query(max_length=MAX_VALUE_CHARS, description="ISO3, entity id or name")
    ] = None,
    target: Annotated[
        str | None, Query(max_length=MAX_VALUE_CHARS, description="ISO3, entity id or name")
    ] = None,
    place: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS, description="ISO3 or place name")] = None,
    story: Text = None,
    document: Text = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
) -> dict[str, str | None]:
    return {
        "event_type": type,
        "entity": entity,
        "country": country,
        "actor": actor,
        "target": target,
        "place": place,
        "story": story,
        "document": document,
        "date_from": date_from,
        "date_to": date_to,
    }


EventFilters = Annotated[dict[str, str | None], Depends(event_filters)]


@router.get("/events", summary="Events in date order")
def events(reader: ReaderDep, filters: EventFilters, offset: Offset = 0, limit: Limit = 20) -> dict[str, Any]:
    return reader.events(Page(offset, limit), **filters)


@router.get("/events/export", summary="Export the filtered events (streamed)")
def export_events(request: Request, filters: EventFilters, format: Format = "jsonl") -> Any:
    return _export(request, "events", format, lambda r: r.iter_events(**filters))
