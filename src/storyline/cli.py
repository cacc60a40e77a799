"""The command line: parse options, call one :class:`storyline.Storyline` method, render the result."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.core import TyperGroup

import storyline
from storyline.api import DEFAULT_DB, ENGINES, WRITER_WAIT_S
from storyline.display import visible
from storyline.errors import ModelNotInstalledError, StorylineError
from storyline.export import FORMATS
from storyline.load import LOAD_FORMATS
from storyline.model import IngestReport
from storyline.progress_columns import RateColumn
from storyline.run import fork_memory
from storyline.run.interrupts import latched_interrupts
from storyline.settings import describe_settings, parse_assignments


def escape(value: object) -> str:
    """Untrusted text made inert for the terminal: control characters shown visibly, Rich markup escaped."""
    return escape_markup(visible(str(value)))


# Emoji codes (":warning:") off: page text is printed as written, never reinterpreted.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


class _Commands(TyperGroup):
    """Reports Storyline's named errors (busy database, failed write, bad query) as one line, no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            err.print(f"[red]error[/red] {escape(exc)}", soft_wrap=True)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=_Commands,
    name="storyline",
    help="Turn raw scraped news into a clean, deduplicated, source-attributed record of what happened.",
    no_args_is_help=True,
    add_completion=False,
)

DbOption = Annotated[Path, typer.Option("--db", help="The Storyline database file.", envvar="STORYLINE_DB")]
PathsArgument = Annotated[
    list[str],
    typer.Argument(help="Files, directories (read recursively) or glob patterns.", show_default=False),
]
#: How long `serve` keeps an idle connection open: longer than uvicorn's 5 s, so that a client pausing
#: between requests (a busy machine, a person reading) does not race the server closing its connection.
KEEP_ALIVE_SECONDS = 30
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait", help="Seconds to wait while another Storyline process is writing to the database."
    ),
]
#: Errors listed one by one before the rest are summarised.
MAX_ERRORS_SHOWN = 50


@contextmanager
def progress_bar(committed: dict[str, tuple[int, int | None]] | None = None) -> Iterator[Any]:
    """A Rich progress bar fed by the API's ``progress(task, done, total)`` callbacks.

    Stages call ``progress`` after each committed batch, so ``committed`` (when given) holds, per task,
    how much was committed: what an interrupted run reports. A Ctrl-C that Python dropped on the way (one
    pressed while a worker process is forked, run/interrupts.py) is raised again at the next callback.
    """
    tasks: dict[str, Any] = {}
    tally = committed if committed is not None else {}
    with (
        latched_interrupts() as latch,
        Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):

        def update(task: str, done: int, total: int | None) -> None:
            tally[task] = (done, total)
            latch.raise_if_noted()  # after the tally: what this batch committed is reported
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        yield update
        latch.raise_if_noted()  # dropped after the last callback: the command still ends as interrupted


def _report_ingest(report: IngestReport) -> None:
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        err.print(f"[red]error[/red] {escape(str(error))}", soft_wrap=True)
    shown = min(len(report.errors), MAX_ERRORS_SHOWN)
    if report.failed > shown:
        err.print(f"[red]… and {report.failed - shown} more errors[/red]")
    formats = ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.by_format.items()))
    out.print(f"ingest: {report.summary()}" + (f" ({formats})" if formats else ""))


def _report_interrupt(committed: dict[str, tuple[int, int | None]]) -> None:
    """What an interrupted ``ingest`` or ``run`` had committed when it stopped (Ctrl-C)."""
    parts = [
        f"{task}: {done}" + (f" of {total}" if total is not None else "")
        for task, (done, total) in committed.items()
    ]
    err.print(
        "[yellow]interrupted[/yellow]: committed before the stop — "
        + (escape("; ".join(parts)) if parts else "nothing yet")
        + ". Everything committed is kept; run the same command again to do the rest.",
        soft_wrap=True,
    )


#: Pages over a limit listed one by one after a run.
MAX_LIMITS_SHOWN = 20


def _report_limits(db: Path) -> None:
    """Name the pages a size or time limit cut or skipped (``storyline show ID`` tells the rest)."""
    with storyline.open(db, readonly=True) as sl:
        notes = sl.limited()
    for doc_id, stages in list(notes.items())[:MAX_LIMITS_SHOWN]:
        for stage, note in stages.items():
            err.print(
                f"[yellow]limit[/yellow] {escape(doc_id)} {escape(stage)} {escape(note.get('action', ''))}:"
                f" {escape(note.get('reason', ''))}",
                soft_wrap=True,
            )
    if len(notes) > MAX_LIMITS_SHOWN:
        err.print(f"[yellow]… and {len(notes) - MAX_LIMITS_SHOWN} more pages over a limit[/yellow]")


def _wait_message(message: str) -> None:
    err.print(f"[yellow]waiting[/yellow] {escape(message)}", soft_wrap=True)


@app.command()
def ingest(paths: PathsArgument, db: DbOption = Path(DEFAULT_DB), wait: WaitOption = WRITER_WAIT_S) -> None:
    """Store every page under PATHS; formats are sniffed from content. Re-ingesting adds nothing."""
    committed: dict[str, tuple[int, int | None]] = {}
    try:
        with storyline.open(db) as sl, progress_bar(committed) as progress:
            sl.on_wait, sl.writer_wait = _wait_message, wait
            report = sl.ingest(paths, progress)
    except KeyboardInterrupt:
        _report_interrupt(committed)
        raise typer.Exit(130) from None
    _report_ingest(report)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def run(
    paths: PathsArgument,
    db: DbOption = Path(DEFAULT_DB),
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: one per core, at most 2).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a setting, NAME=VALUE (repeatable; see `storyline settings`)."),
    ] = None,
    engine: Annotated[
        str,
        # "\\[" keeps Rich, which renders Typer's help, from reading "[ray]" as a style tag and dropping it
        typer.Option(help="Where per-document stages run: local, or ray (pip install 'storyline\\[ray]')."),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster to join: auto or ray://HOST:PORT (default: start one here)."),
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option(help="Also write every table as Parquet to this folder, in the export layout."),
    ] = None,
    wait: WaitOption = WRITER_WAIT_S,
) -> None:
    """Ingest PATHS, then run every stage over the database."""
    if engine not in ENGINES:
        err.print(f"[red]error[/red] unknown engine {escape(engine)!r}; one of: {', '.join(ENGINES)}")
        raise typer.Exit(2)
    fork_memory.budget_mib()  # a bad memory budget: one line (a StorylineError) before anything is ingested
    try:
        opened = storyline.open(db, parse_assignments(set_ or []))
    except ValueError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    committed: dict[str, tuple[int, int | None]] = {}
    try:
        with opened as sl, progress_bar(committed) as progress:
            sl.on_wait, sl.writer_wait = _wait_message, wait
            with sl.writing():  # from ingest to the last stage: another run waits once, not in between
                sl.prepare_to_process()
                report = sl.ingest(paths, progress)
                _report_ingest(report)
                try:
                    counts = sl.process(progress, workers, engine, address)
                except ModelNotInstalledError as exc:
                    err.print(f"[red]error[/red] {escape(str(exc))}", soft_wrap=True)
                    raise typer.Exit(1) from exc
            written = sl.export(parquet, "parquet") if parquet is not None else []
    except KeyboardInterrupt:
        _report_interrupt(committed)
        raise typer.Exit(130) from None
    for name, count in counts.items():
        out.print(f"{name}: {count}")
    for path in written:
        out.print(f"wrote {escape(str(path))}")
    if counts.get("over a limit"):
        _report_limits(db)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the tables into.")],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "jsonl",
) -> None:
    """Write every table (documents, and those later stages made) as JSONL, Parquet or CSV."""
    if fmt not in FORMATS:
        err.print(f"[red]error[/red] unknown format {escape(fmt)!r}; choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        for path in sl.export(directory, fmt):  # type: ignore[arg-type]
            out.print(f"wrote {escape(str(path))}")


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="An export folder (`export`, `run --parquet`).")],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(LOAD_FORMATS)} (auto: Parquet if present).")
    ] = "auto",
    wait: WaitOption = WRITER_WAIT_S,
) -> None:
    """Load an export folder (Parquet or JSONL tables) into a database that serve, search etc. read."""
    if fmt not in LOAD_FORMATS:
        err.print(f"[red]error[/red] unknown format {escape(fmt)!r}; choose one of {', '.join(LOAD_FORMATS)}")
        raise typer.Exit(2)
    with storyline.open(db) as sl:
        sl.on_wait, sl.writer_wait = _wait_message, wait
        report = sl.load(directory, fmt)  # type: ignore[arg-type]
    out.print(f"loaded {escape(str(report.directory))} ({report.fmt}) into {escape(str(db))}")
    for table, count in report.rows.items():
        out.print(f"{table}: {count}")
    out.print(f"new documents: {report.new_documents}")


def _require_db(db: Path) -> None:
    if not db.exists():
        err.print(f"[red]error[/red] {escape(str(db))}: no such database (run `storyline ingest` first)")
        raise typer.Exit(2)


def _count_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("name")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(escape(str(name)), str(count))
    return table


@app.command()
def stats(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Counts per table, per input format and per outlet."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        figures = sl.stats()
    out.print(_count_table("tables", figures["tables"]))
    out.print(_count_table("input formats", figures["by_format"]))
    out.print(_count_table("outlets", figures["by_outlet"]))


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="A document id (or a unique prefix).")],
    db: DbOption = Path(DEFAULT_DB),
    why: Annotated[bool, typer.Option("--why", help="Also list what cleaning removed, and why.")] = False,
) -> None:
    """Show one document: its description, clean text and comments."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        try:
            doc = sl.document(doc_id)
        except ValueError as exc:
            err.print(f"[red]error[/red] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    if doc is None:
        err.print(f"[red]error[/red] no document {escape(doc_id)!r}")
        raise typer.Exit(1)
    for key in (
        "id",
        "source",
        "url",
        "title",
        "published",
        "published_evidence",
        "outlet",
        "aggregator",
        "language",
    ):
        out.print(f"[bold]{key}[/bold]: {escape(str(doc.get(key)))}")
    for stage, note in (doc.get("limits") or {}).items():
        action, reason = escape(note.get("action", "")), escape(note.get("reason", ""))
        out.print(f"[bold]limits[/bold]: {escape(stage)} {action}: {reason}")
    out.print()
    out.print(escape(doc.get("text") or ""))
    for comment in doc.get("comments") or []:
        out.print(f"[dim]comment:[/dim] {escape(comment)}")
    if why:
        out.print("\n[bold]removed[/bold]")
        for block in doc.get("removed") or []:
            label, reason = escape(block["label"]), escape(block["reason"])
            out.print(f"[yellow]{label}[/yellow] ({reason}): {escape(block['text'])}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Full-text query (SQLite FTS5 syntax); '' lists everything.")],
    db: DbOption = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Published on or after (YYYY[-MM[-DD]]).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Published on or before (YYYY[-MM[-DD]]).")
    ] = None,
    story: Annotated[str | None, typer.Option(help="Only this story id.")] = None,
    thread: Annotated[str | None, typer.Option(help="Only this thread id.")] = None,
    entity: Annotated[str | None, typer.Option(help="Only documents naming this entity id.")] = None,
    event_type: Annotated[
        str | None, typer.Option("--event-type", help="Only documents reporting it.")
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance, published, -published or ingested.")] = "relevance",
) -> None:
    """Search titles and clean bodies, with the same filters as the REST API's documents list."""
    from storyline.query import DocumentFilter, Page, QueryError, Reader

    _require_db(db)
    try:
        flt = DocumentFilter(query, outlet, language, date_from, date_to, story, thread, entity, event_type)
        with Reader(db) as reader:
            found = reader.documents(flt, Page(0, max(1, min(limit, Page.MAX_LIMIT))), sort)
    except QueryError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    for hit in found["items"]:
        meta = " · ".join(escape(str(hit[k])) for k in ("outlet", "published") if hit.get(k))
        out.print(f"[bold]{escape(hit['id'])}[/bold] {escape(hit['title'] or '')} [dim]{meta}[/dim]")
        if hit.get("snippet"):
            out.print("    " + _marked(hit["snippet"], hit["highlights"]))
    out.print(f"[dim]{len(found['items'])} of {found['total']} documents[/dim]")


def _marked(text: str, hits: list[tuple[int, int]]) -> str:
    """Rich markup for a snippet: the matched terms in bold, everything else escaped."""
    parts, at = [], 0
    for start, end in hits:
        parts += [escape(text[at:start]), f"[bold yellow]{escape(text[start:end])}[/bold yellow]"]
        at = end
    return "".join([*parts, escape(text[at:])])


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the web UI in a browser.")] = False,
    allow_ingest: Annotated[
        bool, typer.Option("--allow-ingest", help="Accept uploaded files to ingest (POST /api/ingest).")
    ] = False,
    workers: Annotated[int, typer.Option(help="Server processes (one per core serves most).", min=1)] = 1,
) -> None:
    """Serve the REST API (/api, schema at /openapi.json) and the web UI; read-only unless --allow-ingest."""
    import os
    import sqlite3

    import uvicorn

    from storyline.query.indexes import ensure_read_indexes
    from storyline.serve import app as app_module
    from storyline.serve import create_app

    _require_db(db)
    try:
        created = ensure_read_indexes(db)
    except sqlite3.OperationalError as exc:
        err.print(
            f"[yellow]warning[/yellow] could not add the read indexes ({escape(str(exc))}); lists are slower"
        )
    else:
        if created:
            out.print(f"added read indexes: {', '.join(created)}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]warning[/yellow] listening on {escape(host)}: anyone who can reach it can read")
    url = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}/"
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()
    out.print(
        f"serving {escape(str(db))} at {url}" + (" (ingest allowed)" if allow_ingest else " (read-only)")
    )
    if workers == 1:
        uvicorn.run(
            create_app(db, allow_ingest=allow_ingest),
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        return
    os.environ[app_module.DB_VARIABLE] = str(db.resolve())
    os.environ[app_module.INGEST_VARIABLE] = "1" if allow_ingest else "0"
    uvicorn.run(
        "storyline.serve.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@app.command()
def dups(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Duplicate groups: each original (earliest ingested) with its exact and near copies."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        groups = sl.duplicates()
    for group in groups:
        original = group["original"]
        outlet, title = escape(original["outlet"] or "?"), escape(original["title"] or "")
        out.print(f"[bold]{escape(original['id'])}[/bold] {outlet}: {title}")
        for copy in group["copies"]:
            kind = "exact" if copy["exact"] else "near"
            out.print(
                f"    {kind:5} {escape(copy['id'])} {escape(copy['outlet'] or '?')}:"
                f" {escape(copy['title'] or '')}"
            )
    out.print(f"{len(groups)} groups, {sum(len(g['copies']) for g in groups)} copies")


@app.command()
def stories(db: DbOption = Path(DEFAULT_DB)) -> None:
    """Stories (reports of one event): title, report count, date span and thread."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        rows = sl.stories()
    table = Table()
    for column in ("story", "reports", "first", "last", "thread"):
        table.add_column(column, no_wrap=True)
    table.add_column("title")
    for row in rows:
        table.add_row(
            escape(row["id"]),
            str(len(row["documents"])),
            escape(row.get("first_published") or ""),
            escape(row.get("last_published") or ""),
            escape(row.get("thread_id") or ""),
            escape(row.get("title") or ""),
        )
    out.print(table)


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="A story id (st_...) or a thread id (th_...).")],
    db: DbOption = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", help="text (the terminal) or md (Markdown).")] = "text",
) -> None:
    """A story or thread: its summary and timeline, each line citing the reports that state it."""
    if fmt not in ("text", "md"):
        err.print(f"[red]error[/red] unknown format {escape(fmt)!r}; choose text or md")
        raise typer.Exit(2)
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        row = sl.story(story_id)
        markdown = sl.story_markdown(story_id) if row is not None and fmt == "md" else None
    if row is None:
        err.print(f"[red]error[/red] no story or thread {escape(story_id)!r}")
        raise typer.Exit(1)
    if markdown is not None:
        print(visible(markdown))  # plain stdout (Rich would style the Markdown); control characters shown
        return
    _print_narrative(row)


def _print_narrative(row: dict[str, Any]) -> None:
    """Summary, timeline, disagreements and sources of a story or thread; page text escaped."""
    numbers: dict[str, int] = {}

    def marks(documents: list[str]) -> str:
        cited = sorted(numbers.setdefault(d, len(numbers) + 1) for d in documents)
        return "[dim]" + escape("".join(f"[{n}]" for n in cited)) + "[/dim]"

    out.print(f"[bold]{escape(row.get('title') or row['id'])}[/bold] [dim]{escape(row['id'])}[/dim]")
    if row.get("summary"):
        out.print("\n[bold]Summary[/bold]")
        for sentence in row["summary"]:
            out.print(f"  {escape(sentence['text'])} {marks(sentence['documents'])}")
    if row.get("timeline"):
        table = Table("date", "what happened", "sources", title="Timeline", title_justify="left")
        for entry in row["timeline"]:
            shown = entry.get("date_shown") or entry.get("date") or "undated"
            table.add_row(escape(shown), escape(entry["text"]), marks(entry["documents"]))
        out.print(table)
    for item in row.get("disagreements") or []:
        sides = "; ".join(f"{escape(s['value'])} {marks(s['documents'])}" for s in item["sides"])
        out.print(f"[yellow]reports differ[/yellow] on {escape(item['about'])}: {sides}")
    if numbers:
        out.print("\n[bold]Sources[/bold]")
        for doc, number in numbers.items():
            source = row["sources"].get(doc, {})
            outlet, title = escape(source.get("outlet") or "?"), escape(source.get("title") or "")
            where = escape(source.get("url") or source.get("published") or "")
            out.print(f"  {escape(f'[{number}]')} {escape(doc)} {outlet}: {title} [dim]{where}[/dim]")


@app.command()
def entities(
    db: DbOption = Path(DEFAULT_DB),
    entity_type: Annotated[
        str | None, typer.Option("--type", help="Only this type: PERSON, ORG, GPE, LOC, NORP, ...")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many entities.")] = 30,
) -> None:
    """The most mentioned entities, with their type, country, aliases and document counts."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        rows = sl.entities(entity_type.upper() if entity_type else None, limit)
    table = Table("name", "type", "country", "mentions", "documents", "aliases")
    for row in rows:
        aliases = ", ".join(a for a in row["aliases"] if a != row["name"])
        table.add_row(
            escape(row["name"]),
            escape(row["type"]),
            escape(row.get("country") or ""),
            str(row["mentions"]),
            str(len(row["documents"])),
            escape(aliases),
        )
    out.print(table)


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="An entity's name or any of its aliases.")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """One entity: each alias and the rule that merged it."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        found = sl.entity(name)
    if found is None:
        err.print(f"[red]error[/red] no entity called {escape(name)!r}")
        raise typer.Exit(1)
    e = found.entity
    country = f", {e.country}" if e.country else ""
    out.print(f"[bold]{escape(e.name)}[/bold] ({escape(e.type + country)}) id {escape(e.id)}")
    out.print(f"{e.mentions} mentions in {len(e.documents)} documents")
    table = Table("alias", "rule", "evidence")
    for row in found.rows:
        table.add_row(escape(row.alias), escape(row.rule), escape(row.detail))
    out.print(table)


@app.command()
def quotes(
    db: DbOption = Path(DEFAULT_DB),
    speaker: Annotated[str | None, typer.Option(help="Only quotes by this speaker (name or alias).")] = None,
) -> None:
    """Who said what: each quote with its speaker, kind and the documents that carry it."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        rows = sl.quotes(speaker)
    for row in rows:
        who = row["speaker"]["name"] or "(unknown speaker)"
        count = len(row["documents"])
        out.print(f"[bold]{escape(who)}[/bold] [dim]{escape(row['kind'])}, {count} documents[/dim]")
        out.print(f"    “{escape(row['text'])}”")


def _party_label(party: dict[str, Any] | None) -> str:
    """An event party as "name (ISO3)"."""
    party = party or {}
    country = f"({party['country']})" if party.get("country") else ""
    return " ".join(x for x in (party.get("name") or "", country) if x)


@app.command()
def events(
    db: DbOption = Path(DEFAULT_DB),
    event_type: Annotated[str | None, typer.Option("--type", help="PLOVER type (AID, ASSAULT, ...).")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor: ISO3 country, entity id or name.")] = None,
    target: Annotated[str | None, typer.Option(help="Target: ISO3 country, entity id or name.")] = None,
    place: Annotated[str | None, typer.Option(help="Where: ISO3 country or place name.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (2015, 2015-12, 2015-12-23).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date, inclusive.")] = None,
    story: Annotated[str | None, typer.Option(help="Only events of this story id.")] = None,
) -> None:
    """Who did what to whom, when and where: PLOVER 2.0 events, each with the reports that carry it."""
    _require_db(db)
    with storyline.open(db, readonly=True) as sl:
        try:
            rows = sl.events(event_type, actor, target, place, since, until, story)
        except ValueError as error:
            err.print(f"[red]error[/red] {escape(str(error))}")
            raise typer.Exit(2) from error
    table = Table("date", "type", "actor", "target", "where", "docs", "evidence")
    for row in rows:
        flags = f" [{', '.join(row['flags'])}]" if row.get("flags") else ""
        where = (row.get("location") or {}).get("name") or ""
        evidence = row["evidence"][0]["text"] if row.get("evidence") else ""
        table.add_row(
            escape(row.get("date") or ""),
            escape(f"{row['type']}{'/' + row['mode'] if row.get('mode') else ''}{flags}"),
            escape(_party_label(row.get("actor"))),
            escape(_party_label(row.get("target"))),
            escape(where),
            str(len(row["documents"])),
            escape(evidence[:120]),
        )
    out.print(table)
    out.print(f"{len(rows)} events")


@app.command()
def settings() -> None:
    """Every tunable setting with its default and what it does (override with `run --set NAME=VALUE`)."""
    table = Table("setting", "default", "what it does")
    for name, default, help_text in describe_settings():
        table.add_row(escape(name), escape(default), escape(help_text))
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    app()
