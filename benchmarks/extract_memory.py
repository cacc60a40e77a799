"""The extract stage's memory from nothing at a corpus size the real parse would take hours to reach.

Usage::

    PYTHONPATH=src python benchmarks/extract_memory.py --analyses STORE --copies 10 --work DIR

``STORE`` is a store the pipeline has run over (``pipeline_scale.py`` leaves one in its work folder): its
documents' stored analyses, made by the real spaCy parse, stand in for the parse. The benchmark copies the
store's documents ``--copies`` times into ``DIR/base-COPIES.db`` (new ids and order; each copy's text with a
line appended, so that no copy is taken unparsed as a word-for-word duplicate), clears what the extract
stage kept, and runs the stage from nothing in this process, each document's analysis replayed from
``STORE``. Resolution and the quotes step then carry the mention and quote loads of real parses at
``--copies`` times the size (the names repeat as they do in a generated corpus of that size; each quotation
gathers its copies, so there are as many quotes as in ``STORE``, each with ``--copies`` times the evidence).

It prints the resident memory (``/proc/self/statm``, polled every 10 ms) at the start of each step of the
stage, its peak within it and the seconds spent in it: the parse with resolution absorbing each batch,
settling, the quotes step (grouping the quote candidates; the quote rows are built from its spill as
they are written, in "after quotes"), the kept state's saving and the record of changes. This process
loads no spaCy model (in ``storyline run`` the stage's process holds spaCy beside it: ~250 MB more at
10k), and the parse workers are not counted.
Figures are of the code on ``PYTHONPATH``: run it with old and new code to see a change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from storyline.extract import DocAnalysis, analysis_from_dict
from storyline.extract.copies import with_doc_id
from storyline.extract.incremental import KeptResolution
from storyline.stages import extract
from storyline.store.sqlite import SQLiteStore

#: What separates a copy's id from its source document's.
COPY_MARK = "~"


def build_base(analyses: Path, copies: int, base: Path) -> None:
    """``base``: the documents of ``analyses`` ``copies`` times over, nothing of the extract stage kept."""
    source, copy = sqlite3.connect(f"file:{analyses}?mode=ro", uri=True), sqlite3.connect(base)
    source.backup(copy)  # what a write-ahead log still holds comes too
    source.close()
    copy.close()
    db = sqlite3.connect(base)
    db.execute("PRAGMA journal_mode = DELETE")  # one file, copied whole before each run
    columns = [row[1] for row in db.execute("PRAGMA table_info(documents)")]
    changed = {
        "id": f"id || '{COPY_MARK}' || k",
        "seq": "seq + k * (SELECT MAX(seq) + 1 FROM documents)",
        "source": "source || '#' || k",
        "text": "text || char(10) || 'Copy ' || k || '.'",
        "analysis": "NULL",
        "entity_ids": "NULL",
    }
    picked = ", ".join(changed.get(column, column) for column in columns)
    if copies > 1:  # the recursive table counts 1 .. copies - 1 (its first row is always there)
        db.execute(
            f"WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < ?) "
            f"INSERT INTO documents({', '.join(columns)}) SELECT {picked} FROM documents, c",
            (copies - 1,),
        )
    # every document stale for the extract stage, and nothing it kept: a run from nothing
    db.execute(
        "UPDATE documents SET analysis = NULL, entity_ids = NULL,"
        " stage_keys = json_remove(stage_keys, '$.\"extract\"', '$.\"extract.parsed\"')"
    )
    for table in ("entities", "quotes"):
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM blobs WHERE key LIKE 'extract.%'")
    db.execute("DELETE FROM state WHERE key LIKE 'extract.%'")
    db.commit()
    db.close()


def replaying(analyses: Path) -> extract.Analyser:
    """An analyser that hands back each document's analysis as ``analyses`` stored it for its source."""
    source = sqlite3.connect(f"file:{analyses}?mode=ro", uri=True)

    def analyse(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
        del workers
        for batch in batches:
            firsts = [doc_id.split(COPY_MARK)[0] for doc_id, _ in batch]
            marks = ",".join("?" * len(firsts))
            stored = dict(source.execute(f"SELECT id, analysis FROM documents WHERE id IN ({marks})", firsts))
            yield [
                with_doc_id(analysis_from_dict(json.loads(stored[first])), doc_id)
                for (doc_id, _), first in zip(batch, firsts, strict=True)
            ]

    return analyse


class StepMemory:
    """Resident memory polled on a thread, charged to the step marked last."""

    def __init__(self) -> None:
        self.step = "start"
        self.steps: dict[str, list[float]] = {}  # step -> [resident at its start, peak, seconds in it]
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def resident_mib(self) -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page / 2**20

    def _poll(self) -> None:
        last = time.perf_counter()
        while not self._done.is_set():
            now, step = self.resident_mib(), self.step
            seen = self.steps.setdefault(step, [now, now, 0.0])
            seen[1] = max(seen[1], now)
            clock = time.perf_counter()
            seen[2] += clock - last  # the poll's interval, charged to the step it found running
            last = clock
            time.sleep(0.01)

    def mark(self, owner: Any, name: str, step: str) -> None:
        """Charge what ``owner.name`` runs to ``step`` (and what follows it, to "after ``step``")."""
        function = getattr(owner, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            self.step = step
            time.sleep(0.03)  # a poll or two inside the step, however short it is
            try:
                return function(*args, **kwargs)
            finally:
                time.sleep(0.03)
                self.step = f"after {step}"

        setattr(owner, name, marked)

    def __enter__(self) -> StepMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.05)
        self._done.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyses", type=Path, required=True, help="a store the pipeline has run over")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    if args.copies < 1:
        parser.error("--copies must be 1 or more")
    args.work.mkdir(parents=True, exist_ok=True)
    base, db = args.work / f"base-{args.copies}.db", args.work / "run.db"
    if not base.exists():
        build_base(args.analyses, args.copies, base)
    for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)  # a log a stopped run left would be applied to the fresh copy
    shutil.copy(base, db)
    store = SQLiteStore(db)
    memory = StepMemory()
    memory.mark(extract, "_analyse_stale", "parse + absorb")
    memory.mark(KeptResolution, "settle", "settle")
    # the quotes step groups the candidates (its rows are built as "after quotes" writes them); older code
    # built every row in ``_quotes``
    memory.mark(extract, "_quote_rows" if hasattr(extract, "_quote_rows") else "_quotes", "quotes")
    memory.mark(extract, "save_kept_resolution", "save kept")
    memory.mark(extract, "record_changes", "record changes")
    started = time.perf_counter()
    with memory:
        done = extract.run(store, lambda *_: None, workers=1, analyse=replaying(args.analyses))
    store.close()
    print(f"{done} documents analysed (replayed) in {time.perf_counter() - started:.1f} s")
    print(f"{'step':24} {'resident at start':>18} {'peak':>8}  MiB {'seconds':>8}")
    for step, (first, peak, seconds) in memory.steps.items():
        print(f"{step:24} {first:18.0f} {peak:8.0f}      {seconds:8.1f}")
    print(f"peak {max(peak for _, peak, _ in memory.steps.values()):.0f} MiB")


if __name__ == "__main__":
    main()
