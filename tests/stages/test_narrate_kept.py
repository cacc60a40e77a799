"""Narratives kept per story and per thread (store entries): a run after a change stores exactly the rows a
run from nothing stores, writes only the entries of what it narrated again, deletes those nothing names,
and narrates again what a lost or damaged entry held."""

from __future__ import annotations

import ast
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storyline.ids import page_id
from storyline.model import RawPage
from storyline.stages import narrate, narrate_kept
from storyline.store.sqlite import SQLiteStore

# Invented reports: (story, thread, outlet, published, text); a report no story holds has story None.
Report = tuple[str | None, str | None, str, str, str]
REPORTS: dict[str, Report] = {
    "fire-1": (
        "st_fire",
        "th_port",
        "Harbor Wire",
        "2024-06-03",
        "A fire at the Velmora grain terminal killed 25 workers on Monday, the port authority said.\n\n"
        "Port director Elin Varga said an inquiry into the cause of the fire had begun on Monday night.",
    ),
    "fire-2": (
        "st_fire",
        "th_port",
        "Coastal Times",
        "2024-06-04",
        "A blaze at the grain terminal in Velmora killed 40 workers on Monday, the port authority said.\n\n"
        "Families of the workers gathered outside the terminal gates on Tuesday, demanding answers.",
    ),
    "ferry-1": (
        "st_ferry",
        "th_port",
        "Harbor Wire",
        "2024-06-07",
        "The Orvane ferry resumed sailings on Friday after a week of storms, its operator said.\n\n"
        "Passengers queued at the Velmora quay from early morning to board the first crossing.",
    ),
    "museum-1": (
        "st_museum",
        "th_city",
        "City Ledger",
        "2024-05-02",
        "The Tarsel city museum reopened on Thursday after two years of repairs to its roof.\n\n"
        "Curator Ines Holm said the museum would show its collection of river maps again in June.",
    ),
}
GROWN: Report = (
    "st_museum",
    "th_city",
    "Valley Post",
    "2024-05-03",
    "Visitors filled the reopened Tarsel city museum on Friday, a day after the repairs ended.\n\n"
    "Curator Ines Holm said the river maps would return to the east wing in June.",
)


def _fill(store: SQLiteStore, reports: dict[str, Report]) -> None:
    """The reports as the link stage leaves them: documents with a story and a thread, and the story and
    thread rows (without narration, as the link stage writes them on every run)."""
    ids = {}
    for name, (story, thread, outlet, published, text) in reports.items():
        page = RawPage(page_id(name), f"{name}.txt", "text", name, "text")
        store.add_pages([page])
        ids[name] = page.id
        row = {"id": page.id, "text": text, "published": published, "outlet": outlet, "title": name}
        store.update_documents([{**row, "story_id": story, "thread_id": thread}])
    stories: dict[str, list[str]] = {}
    threads: dict[str, set[str]] = {}
    for name, (story, thread, *_) in reports.items():
        if story is not None and thread is not None:
            stories.setdefault(story, []).append(ids[name])
            threads.setdefault(thread, set()).add(story)
    store.replace_records(
        "stories", [{"id": s, "documents": sorted(docs)} for s, docs in sorted(stories.items())]
    )
    store.replace_records(
        "threads", [{"id": t, "stories": sorted(members)} for t, members in sorted(threads.items())]
    )
    store.replace_records("passages", [])
    store.replace_records("events", [])


def _narrated(store: SQLiteStore) -> list[dict[str, Any]]:
    return list(store.records("stories")) + list(store.records("threads"))


def _kept_names(store: SQLiteStore) -> set[str]:
    return {name for name, _ in store.get_entries(narrate_kept.ENTRIES)}


def _from_nothing(tmp_path: Path, reports: dict[str, Report]) -> tuple[list[dict[str, Any]], set[str]]:
    fresh = SQLiteStore(tmp_path / "fresh.db")
    _fill(fresh, reports)
    narrate.run(fresh, lambda *args: None, workers=1)
    rows, names = _narrated(fresh), _kept_names(fresh)
    fresh.close()
    return rows, names


def _changed_text() -> dict[str, Report]:
    story, thread, outlet, published, _ = REPORTS["ferry-1"]
    text = "The Orvane ferry stayed in port on Friday as the storms went on, its operator said."
    return {**REPORTS, "ferry-1": (story, thread, outlet, published, text)}


def _grown() -> dict[str, Report]:
    return {**REPORTS, "museum-2": GROWN}


def _removed() -> dict[str, Report]:
    """A report leaves its story (as a report the link stage no longer places does), and the museum story
    goes with its only report: its entry and its thread's must go too."""
    return {
        name: (None, None, *report[2:]) if name in ("fire-2", "museum-1") else report
        for name, report in REPORTS.items()
    }


@pytest.mark.parametrize(
    ("change", "narrated"),
    [(_grown, {"st_museum"}), (_changed_text, {"st_ferry"}), (_removed, {"st_fire"})],
)
def test_a_run_after_a_change_stores_what_a_run_from_nothing_stores(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[], dict[str, Report]],
    narrated: set[str],
) -> None:
    store = SQLiteStore(tmp_path / "kept.db")
    _fill(store, REPORTS)
    narrate.run(store, lambda *args: None, workers=1)
    reports = change()
    _fill(store, reports)
    written: list[str] = []
    set_entries = SQLiteStore.set_entries

    def recording(self: SQLiteStore, prefix: str, entries: Any, clear: bool = False) -> None:
        entries = list(entries)
        written.extend(name for name, value in entries if value is not None)
        set_entries(self, prefix, entries, clear)

    monkeypatch.setattr(SQLiteStore, "set_entries", recording)
    told: list[str] = []
    narrate_kept_story = narrate._narrate_kept
    monkeypatch.setattr(
        narrate, "_narrate_kept", lambda item: told.append(item[0]) or narrate_kept_story(item)
    )
    narrate.run(store, lambda *args: None, workers=1)
    monkeypatch.undo()
    rows, names = _from_nothing(tmp_path, reports)
    assert _narrated(store) == rows
    assert _kept_names(store) == names  # nothing left behind that no story or thread names
    assert set(told) == narrated
    assert store.get_state(narrate.NARRATED_STATE) == len(narrated)
    # Only the entries of what was narrated again were written: the stories told, the threads they are
    # in (when they are still in one), and the index.
    stories = {n for n in written if n.startswith("s")}
    threads = {n for n in written if n.startswith("t")}
    assert len(stories) == len(narrated) and len(threads) <= len(narrated)
    assert set(written) - stories - threads == {narrate_kept.INDEX}
    store.close()


@pytest.mark.parametrize("harm", ["lose", "damage", "not a narrative", "a thread's"])
def test_a_lost_or_damaged_entry_narrates_its_story_again(tmp_path: Path, harm: str) -> None:
    store = SQLiteStore(tmp_path / "kept.db")
    _fill(store, REPORTS)
    narrate.run(store, lambda *args: None, workers=1)
    rows = _narrated(store)
    museum = next(
        name
        for name, value in store.get_entries(narrate_kept.ENTRIES)
        if name.startswith("s") and b"Tarsel" in zlib.decompress(value)
    )
    thread = next(value for name, value in store.get_entries(narrate_kept.ENTRIES) if name.startswith("t"))
    value = {
        "lose": None,
        "damage": b"\x78\x9c not what zlib wrote",
        "not a narrative": zlib.compress(b"[1, 2]"),  # decodes, but would fail the stage far from here
        "a thread's": thread,
    }[harm]
    store.set_entries(narrate_kept.ENTRIES, [(museum, value)])
    narrate.run(store, lambda *args: None, workers=1)
    assert store.get_state(narrate.NARRATED_STATE) == 1
    assert _narrated(store) == rows
    assert museum in _kept_names(store)
    store.close()


@pytest.mark.parametrize("harm", ["lose", "another layout", "cut short", "one byte changed"])
def test_a_lost_index_writes_every_entry_again_and_narrates_nothing(tmp_path: Path, harm: str) -> None:
    store = SQLiteStore(tmp_path / "kept.db")
    _fill(store, REPORTS)
    narrate.run(store, lambda *args: None, workers=1)
    rows, names = _narrated(store), _kept_names(store)
    written = dict(store.get_entries(narrate_kept.ENTRIES))[narrate_kept.INDEX]
    middle = len(written) // 2
    index = {
        "lose": None,
        "another layout": zlib.compress(b"something else\ns0"),
        "cut short": written[:middle],
        # A name's digit changed would list a name that is not there and leave the real one behind.
        "one byte changed": written[:middle] + bytes([written[middle] ^ 1]) + written[middle + 1 :],
    }[harm]
    store.set_entries(narrate_kept.ENTRIES, [(narrate_kept.INDEX, index), ("sstale", b"left behind")])
    narrate.run(store, lambda *args: None, workers=1)
    assert store.get_state(narrate.NARRATED_STATE) == 0
    assert _narrated(store) == rows
    assert _kept_names(store) == names  # the name the index did not list is gone with the rest
    store.close()


def test_the_code_digest_covers_what_narration_imports() -> None:
    # Narration's tf-idf, tokeniser and date finder live in other packages: changing them changes
    # narratives, so they must change every story's key (month_names: imported by the date finder).
    sources = {
        path.relative_to(Path(narrate.__file__).parent.parent).as_posix()
        for path in narrate.narration_sources()
    }
    assert {"link/vectors.py", "link/tokens.py", "describe/datefinds.py", "month_names.py"} <= sources
    assert {"stages/narrate.py", "narrate/story.py", "narrate/dates.py"} <= sources
    assert "store/sqlite.py" not in sources and "run/local.py" not in sources  # not what a narrative says
    # Closed under the project's imports: every module a listed file imports from is listed.
    root = Path(narrate.__file__).parent.parent
    for path in narrate.narration_sources()[1:]:
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storyline."):
                parts = node.module.split(".")[1:]
                module = root.joinpath(*parts).with_suffix(".py")
                package = root.joinpath(*parts, "__init__.py")
                assert module.is_file() or package.is_file(), node.module
                listed = module if module.is_file() else package
                assert listed.relative_to(root).as_posix() in sources, (path, node.module)
