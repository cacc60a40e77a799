"""Where a core idles while the whole pipeline runs: the CPU of the run's process tree sampled every 100 ms.

Usage::

    PYTHONPATH=src python benchmarks/idle_cores.py --size 300 --work DIR [--json rows.jsonl] [--timeline 20]
    PYTHONPATH=src python benchmarks/idle_cores.py --jsonl REPORTS.jsonl --work DIR   # real reports

Writes (or reuses) ``pipeline_scale.py``'s generated text corpus of ``--size`` articles in ``DIR``, runs the
local engine over it in this process exactly as ``pipeline_scale.py``'s pipeline run does (ingest, then
``process``), and samples ``/proc`` every 100 ms: the CPU seconds of this process and of every process below
it. Each interval's idle core-seconds are the cores the machine has minus the cores the tree kept busy,
times the interval, and are charged to the phase running at its end: ingest, the document stage, each corpus
stage, and inside the extract stage the time before its first parsed batch came back, the parse, and what
follows the last batch (resolution settled, quotes, writes). Time outside every phase (opening the store,
the stage order check, the run's notes) is its own row. On a shared machine the other work's CPU is not
seen: an "idle" core may have been busy with someone else's process, so read this on a quiet machine.

``--batches`` also prints when each parse batch ran on which worker, and each worker's seconds without a
batch between the first batch's start and the last one's end (waiting for work: the parse's scheduling,
whatever else the machine runs).

``--timeline N`` also prints, per second, the cores the main process and the others kept busy over the last
N seconds of the parse and everything after it (the parse's tail and the single-core stages).

Figures are of the code on ``PYTHONPATH``: run it with old and new code alternated to see a change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from pipeline_scale import iter_corpus, jsonl_texts, write_corpus

TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL_S = 0.1
OUTSIDE = "outside the stages"


def _stat_fields(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of one process, or None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    fields = raw[raw.rindex(b")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of ``root`` and of every process below it, by pid."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (found := _stat_fields(name)) is not None:
            parents[int(name)], cpu[int(name)] = found
    inside = {root}
    changed = True
    while changed:  # a handful of processes: a fixed point is cheap
        changed = False
        for pid, parent in parents.items():
            if parent in inside and pid not in inside:
                inside.add(pid)
                changed = True
    return {pid: cpu[pid] for pid in inside if pid in cpu}


def machine_busy() -> float:
    """CPU seconds every process of the machine has used since boot (``/proc/stat``: all but idle and
    iowait)."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / TICKS


@dataclass
class Phase:
    """What one phase's samples add up to."""

    wall: float = 0.0
    main_cpu: float = 0.0
    other_cpu: float = 0.0
    idle: float = 0.0
    #: CPU seconds of processes outside the run (other people's work on a shared machine)
    foreign: float = 0.0


@dataclass
class Sampler:
    """Samples the process tree's CPU on a thread; ``phase`` names what runs now."""

    cores: int = os.cpu_count() or 1
    phase: str = OUTSIDE
    phases: dict[str, Phase] = field(default_factory=dict)
    #: (seconds since start, phase, cores busy: this process, the run's other processes, other work)
    samples: list[tuple[float, str, float, float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _run(self) -> None:
        root = os.getpid()
        started = last_time = time.perf_counter()
        last, last_machine = tree_cpu(root), machine_busy()
        while not self._stop.wait(INTERVAL_S):
            now_time, now, now_machine = time.perf_counter(), tree_cpu(root), machine_busy()
            dt = now_time - last_time
            # A process seen for the first time started within the interval: all its CPU is new.
            deltas = {pid: cpu - last.get(pid, 0.0) for pid, cpu in now.items()}
            main = deltas.pop(root, 0.0)
            other = sum(max(0.0, d) for d in deltas.values())
            phase = self.phases.setdefault(self.phase, Phase())
            phase.wall += dt
            phase.main_cpu += main
            phase.other_cpu += other
            foreign = max(0.0, now_machine - last_machine - main - other)
            phase.foreign += foreign
            phase.idle += max(0.0, self.cores * dt - main - other - foreign)
            self.samples.append((now_time - started, self.phase, main / dt, other / dt, foreign / dt))
            last_time, last, last_machine = now_time, now, now_machine

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _record_batches(log: Path) -> None:
    """Have each parse worker append ``pid start end size`` per batch to ``log`` (workers fork from this
    process, so they inherit the wrapper; ``perf_counter`` is one clock across processes on Linux)."""
    from storyline.run import parse_pool

    analyse = parse_pool._analyse_batch

    def timed(batch: list[tuple[str, str]]) -> Any:
        started = time.perf_counter()
        try:
            return analyse(batch)
        finally:
            with log.open("a", encoding="ascii") as out:
                out.write(f"{os.getpid()} {started} {time.perf_counter()} {len(batch)}\n")

    # Pickled by name when submitted: it must be found under the name it replaces.
    timed.__module__, timed.__qualname__ = analyse.__module__, analyse.__qualname__
    parse_pool._analyse_batch = timed  # type: ignore[assignment]


def _print_batches(log: Path) -> None:
    rows = [line.split() for line in log.read_text(encoding="ascii").splitlines()]
    batches = sorted((float(start), float(end), int(pid), int(size)) for pid, start, end, size in rows)
    if not batches:
        return
    first, last = batches[0][0], max(b[1] for b in batches)
    print(f"\nparse batches ({len(batches)}), seconds from the first one's start:")
    busy: dict[int, float] = {}
    for start, end, pid, size in batches:
        busy[pid] = busy.get(pid, 0.0) + end - start
        print(f"    worker {pid}: {start - first:7.1f} -> {end - first:7.1f}  {size:3d} documents")
    for pid, seconds in sorted(busy.items()):
        print(f"    worker {pid}: {seconds:.1f} s parsing, {last - first - seconds:.1f} s without a batch")


def run(corpus: Path, db: Path, sampler: Sampler) -> float:
    """The local engine over ``corpus`` into a new store at ``db``, phases named on ``sampler``; wall s."""
    import storyline
    from storyline.run import corpus as corpus_stages
    from storyline.run import local

    def named(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            sampler.phase = name
            try:
                return call(*args, **kwargs)
            finally:
                sampler.phase = OUTSIDE

        return run

    original = corpus_stages.CorpusStage.run

    def stage_run(self: Any, *args: Any, **kwargs: Any) -> int:
        if self.name == "extract":
            given = args[1] if len(args) > 1 else kwargs.pop("progress")
            args = args[:1]

            def progress(task: str, done: int, total: int | None) -> None:
                if task == "entities + quotes":
                    sampler.phase = "extract: parse" if done < (total or 0) else "extract: after the parse"
                given(task, done, total)

            sampler.phase = "extract: before the first batch"
            try:
                return original(self, *args, progress, **kwargs)
            finally:
                sampler.phase = OUTSIDE
        return named(self.name, lambda: original(self, *args, **kwargs))()

    corpus_stages.CorpusStage.run = stage_run  # type: ignore[method-assign]
    local.run_document_stage = named("clean + describe", local.run_document_stage)  # type: ignore[assignment]
    started = time.perf_counter()
    with storyline.open(db) as sl:
        named("ingest", sl.ingest)([corpus])
        sl.process()
    return time.perf_counter() - started


def _print(sampler: Sampler, wall: float, timeline: int) -> None:
    print(
        f"{'phase':34} {'wall s':>7} {'main CPU':>9} {'workers CPU':>11} {'idle core-s':>11}"
        f" {'not the run':>11}"
    )
    total = Phase()
    for name, phase in [*sampler.phases.items(), ("TOTAL", total)]:
        print(
            f"{name:34} {phase.wall:7.1f} {phase.main_cpu:9.1f} {phase.other_cpu:11.1f} {phase.idle:11.1f}"
            f" {phase.foreign:11.1f}"
        )
        for key, value in vars(phase).items():
            setattr(total, key, getattr(total, key) + value)
    print(f"    run {wall:.1f} s wall; {sampler.cores} cores; load average {_load()}")
    if timeline:
        parse_end = max((s[0] for s in sampler.samples if s[1] == "extract: parse"), default=0.0)
        print(
            f"\nper second from {timeline} s before the parse's end: cores busy in the main process + its"
            " workers (+ other work)"
        )
        by_second: dict[int, list[tuple[str, float, float, float]]] = {}
        for t, phase, main, other, foreign in sampler.samples:
            if t >= parse_end - timeline:
                by_second.setdefault(int(t), []).append((phase, main, other, foreign))
        for second, rows in sorted(by_second.items()):
            main, other, foreign = (sum(r[i] for r in rows) / len(rows) for i in (1, 2, 3))
            print(f"{second:6d} s  {main:4.2f} + {other:4.2f} (+ {foreign:4.2f})  {rows[-1][0]}")


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--work", type=Path, required=True, help="folder for the corpus and the store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeline", type=int, default=0, metavar="N")
    parser.add_argument("--batches", action="store_true", help="print the parse's batches per worker")
    parser.add_argument("--json", type=Path, default=None, help="also append the phases as one JSON line")
    parser.add_argument(
        "--jsonl", type=Path, default=None, help="real reports (JSON lines with a 'text' field) instead"
    )
    args = parser.parse_args()
    if args.jsonl:
        corpus, args.size = args.jsonl, len(jsonl_texts(args.jsonl))
    else:
        corpus = args.work / f"corpus-{args.size}-text"
        if not corpus.exists():
            write_corpus(iter_corpus(args.size, args.seed), "text", corpus)
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"idle-{args.size}.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    import storyline  # noqa: F401  (imported before the clock, as pipeline_scale.py's run does)

    log = args.work / f"batches-{os.getpid()}.log"
    if args.batches:
        _record_batches(log)
    with Sampler() as sampler:
        wall = run(corpus, db, sampler)
    _print(sampler, wall, args.timeline)
    if args.batches:
        _print_batches(log)
    if args.json:
        with args.json.open("a", encoding="utf-8") as out:
            phases = {name: vars(phase) for name, phase in sampler.phases.items()}
            out.write(json.dumps({"size": args.size, "wall": wall, "load": _load(), "phases": phases}) + "\n")


if __name__ == "__main__":
    main()
