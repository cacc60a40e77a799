"""Limits: a page too long for spaCy is cut (and says so), pathological text is defused before parsing, and a
page past its time budget in cleaning or extraction is skipped with a note, never fatal, and not retried
until its inputs change. Every page here is written for these tests."""

from __future__ import annotations

import importlib
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.clean.stopwords import fallback_stopwords, known_languages
from storyline.cli import app
from storyline.extract.nlp import load_nlp
from storyline.language_model import normalised_identifier
from storyline.run import local
from storyline.stages import extract as extract_stage
from storyline.stages import extract_guard as guard
from storyline.store.sqlite import SQLiteStore

GOOD = [
    "Harbour reopens after storm\n\n"
    "The Veltria harbour board met on Monday and agreed to reopen the docks after the storm damage.\n\n"
    "Its chair, Mara Quill, said the first ships would be unloaded in May, once the cranes were repaired.\n\n"
    "Dock workers had waited three weeks for the decision, and their union welcomed it on Tuesday.",
    "Barley sold early in the valley\n\n"
    "Farmers in the Ostrel valley sold most of their barley early this year, fearing a fall in prices.\n\n"
    "A grain trader, Ivo Brandt, said prices fell by a tenth in the week after the harvest began.\n\n"
    "The valley's cooperative said it would store the rest of the crop until the spring markets.",
]
#: The page the cleaning-budget test's stand-in cleaner gets stuck on.
STUCK = "Ostrel notes\n\nThe Ostrel council met on Monday and adjourned after an hour without a vote."
#: Quick to clean, and the brackets stay in the body: quadratic for spaCy's tokenizer.
BRACKETS_IN_PROSE = (
    "The Ostrel council met on Monday to discuss the harbour budget and said "
    + "(" * 20_000
    + " nothing more at all today."
)


def write_corpus(folder: Path, pages: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(pages):
        (folder / f"page{n}.txt").write_text(text, encoding="utf-8")
    return folder


def test_bounding_keeps_offsets_and_ordinary_text() -> None:
    plain = GOOD[0] + " Prices rose (slightly) -- about 3% -- in May?!"
    assert guard.bound_for_parsing(plain) == guard.BoundedText(plain, None)
    bounded = guard.bound_for_parsing("Before " + "(" * 5_000 + " after")
    assert len(bounded.text) == len("Before " + "(" * 5_000 + " after")
    assert bounded.text.startswith("Before " + "(" * guard.MAX_SYMBOL_RUN + " ")
    assert bounded.text.endswith(" after") and "symbols" in (bounded.note or "")
    assert not re.search(rf"[^\w\s]{{{guard.MAX_SYMBOL_RUN + 1},}}", bounded.text)


def test_a_long_body_is_cut_at_a_line_break_below_the_limit() -> None:
    text = ("A line of the report about the harbour.\n" * 100)[:3_000]
    bounded = guard.bound_for_parsing(text, max_chars=1_000)
    assert len(bounded.text) <= 1_000 and text.startswith(bounded.text) and bounded.text.endswith(".")
    assert "parse limit of 1,000" in (bounded.note or "")
    assert load_nlp().max_length > guard.MAX_PARSE_CHARS


def test_a_page_over_spacys_max_length_neither_kills_nor_wedges_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A parse prefix this short keeps the test fast; the real limit is checked against spaCy's above.
    monkeypatch.setattr(guard, "MAX_PARSE_CHARS", 2_000)
    sentences = " ".join(f"The archive keeps letter number {n} from the valley of Ostrel." for n in range(12))
    huge = "The Ostrel archive report.\n\n" + "\n\n".join(f"Shelf {n}: {sentences}" for n in range(1_400))
    assert len(huge) > load_nlp().max_length
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [write_corpus(tmp_path / "corpus", [*GOOD, huge])])
    local.run_document_stage(store, workers=1)
    assert extract_stage.run(store, no_progress) == 3  # the extract stage alone: the unit under test
    assert extract_stage.run(store, no_progress) == 0  # not wedged; nothing parsed again
    store.close()
    with storyline.open(tmp_path / "s.db", readonly=True) as sl:
        cut = [d for d in sl.store.documents() if d["limits"]]
        assert len(cut) == 1 and cut[0]["limits"]["extract"]["action"] == "cut"
        assert "parse limit" in cut[0]["limits"]["extract"]["reason"]
        assert sl.document(cut[0]["id"])["limits"]["extract"]["action"] == "cut"
        assert list(sl.limited()) == [cut[0]["id"]]
        assert {e["name"] for e in sl.entities()} >= {"Mara Quill"}
    command = ["show", cut[0]["id"], "--db", str(tmp_path / "s.db")]
    shown = CliRunner().invoke(app, command, env={"COLUMNS": "300"}).output
    assert "limits: extract cut: body of" in shown and "over the parse limit of 2,000" in shown


def no_progress(task: str, done: int, total: int | None) -> None:
    return None


def test_a_parse_past_its_budget_is_skipped_reported_and_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the symbol-run defence, 20,000 brackets take spaCy's tokenizer about a minute: the budget stops it.
    monkeypatch.setattr(guard, "_SYMBOL_RUN", re.compile(r"(?!)"))
    monkeypatch.setattr(guard, "PARSE_BASE_SECONDS", 2.0)
    monkeypatch.setattr(guard, "PARSE_CHARS_PER_SECOND", 10**9)
    monkeypatch.setattr(local, "PAGE_TIME_BUDGET_S", 0)  # this test is about the extract stage's budget
    corpus = write_corpus(tmp_path / "corpus", [*GOOD, BRACKETS_IN_PROSE])
    with storyline.open(tmp_path / "s.db") as sl:
        first = sl.run([corpus], workers=1)
        assert first.stages["extract"] == 3  # the run completes: the stuck parse was stopped
        assert {"Mara Quill", "Ivo Brandt"} <= {e["name"] for e in sl.entities()}
        stuck = next(d for d in sl.store.documents() if "(((" in (d["text"] or ""))
        assert not stuck["entity_ids"]  # skipped: an empty analysis
        assert stuck["limits"]["extract"]["action"] == "skipped"
        assert "time budget" in stuck["limits"]["extract"]["reason"]
        assert stuck["id"] in sl.limited()  # the run names it
        assert sl.run([corpus], workers=1).stages["extract"] == 0  # inputs unchanged: not tried again


@pytest.mark.parametrize("pooled", [False, True])
def test_a_page_past_its_cleaning_budget_is_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool
) -> None:
    original = local.document.process_page

    def stuck_on_one_page(page, templates):  # type: ignore[no-untyped-def]
        # A cleaner stuck in Python on one page (as on a pathological shape): the budget must stop it.
        if "Ostrel notes" in page.content:
            for _ in range(3_000):  # at most 30 s, should the budget fail
                time.sleep(0.01)
        return original(page, templates)

    monkeypatch.setattr(local.document, "process_page", stuck_on_one_page)  # pool workers fork with it
    # Well above a normal page's cleaning on a loaded machine (0.3 s skipped one once, at load 11). The
    # tables every page reads load before any page's budget starts (seconds in a fresh process, which
    # this test may be).
    monkeypatch.setattr(local, "PAGE_TIME_BUDGET_S", 2.0)
    if pooled:
        monkeypatch.setattr(local, "MIN_PAGES_FOR_POOL", 1)
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [write_corpus(tmp_path / "corpus", [*GOOD, STUCK])])
    assert local.run_document_stage(store, workers=2 if pooled else 1) == 3
    docs = {d["text"] and d["text"].split("\n")[0]: d for d in store.documents()}
    skipped = docs[""]
    assert skipped["clean_method"] == "skipped" and skipped["content_hash"] is None
    assert "time budget of 2 s" in skipped["limits"]["document"]["reason"]
    assert sum(1 for d in docs.values() if d["clean_method"] != "skipped") == 2
    assert local.run_document_stage(store, workers=1) == 0  # not retried until its inputs change
    store.close()


def test_the_tables_every_page_reads_load_before_the_first_pages_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loaded inside the first page's budget, they put a normal page past a short budget in a fresh process.
    for loader in (normalised_identifier, known_languages, fallback_stopwords):
        loader.cache_clear()
    original = local.document.process_page
    loaded_when_a_page_started: list[bool] = []

    def spy(page, templates):  # type: ignore[no-untyped-def]
        loaded_when_a_page_started.append(normalised_identifier.cache_info().currsize == 1)
        return original(page, templates)

    monkeypatch.setattr(local.document, "process_page", spy)
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [write_corpus(tmp_path / "corpus", GOOD)])
    assert local.run_document_stage(store, workers=1) == 2
    store.close()
    assert loaded_when_a_page_started == [True, True]


def test_a_spawned_page_worker_loads_the_tables_before_its_first_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Ray engine's page workers are spawned, not forked: they inherit nothing from the parent. The
    # probe must be importable in the worker, which gets this process's sys.path.
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    probe = importlib.import_module("loaded_tables")
    spawned = ProcessPoolExecutor(
        1,
        multiprocessing.get_context("spawn"),
        initializer=local._init_worker,
        initargs=({}, os.getpid(), 60.0),
    )
    with spawned:
        assert spawned.submit(probe.tables_loaded_in_this_process).result() == [1, 1, 1]


def test_a_page_that_breaks_the_cleaner_is_skipped_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = local.document.process_page

    def fragile(page, templates):  # type: ignore[no-untyped-def]
        if "barley" in page.content:
            raise RecursionError("maximum recursion depth exceeded")
        return original(page, templates)

    monkeypatch.setattr(local.document, "process_page", fragile)
    store = SQLiteStore(tmp_path / "s.db")
    local.ingest(store, [write_corpus(tmp_path / "corpus", GOOD)])
    assert local.run_document_stage(store, workers=1) == 2
    notes = [d["limits"] for d in store.documents()]
    assert sorted(bool(n) for n in notes) == [False, True]
    assert "RecursionError" in next(n for n in notes if n)["document"]["reason"]
    store.close()
