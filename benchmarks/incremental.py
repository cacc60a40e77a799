"""The corpus stages on a top-up beside a full run: cost of adding a few documents to a large store.

Usage::

    PYTHONPATH=src python benchmarks/incremental.py [--base 10000] [--new 100] [--seed 7] [--profile]
                                                    [--base-as-full] [--more K] [--work DIR [--resume]]

It generates ``base + new`` invented reports with ``pipeline_scale.py``'s generator (stories of one to six
reports, planted near copies), stores them as the document stage would leave them (title, body, date,
outlet, language, content hash written directly: the document stage is per document and already reruns
only what is stale), then times the corpus stages (extract's cross-document resolution, link, events,
narrate) twice:

* **full**: one store holding all ``base + new`` reports, every corpus stage run once from nothing;
* **top-up**: a store holding the ``base`` reports, already run, then the ``new`` ones added and run again.

The per-document parse is replaced by a regex analyser that tags the generator's own names (people,
organisations, places) as mentions, so that 10k reports fit in minutes on a shared 2-core machine; the real
parse reruns only for stale documents (its key is the body's content hash) and would add the same cost to
a top-up as to the new documents' share of a full run. The last line checks that the top-up stored exactly
what the full run stored (every record table and every document's derived fields).

With ``--base-as-full`` (for large bases, where two runs from nothing do not fit in the time at hand) the
from-nothing run of the ``base`` reports stands in for the full run, and the equality check is skipped
(the tests and smaller runs check it). ``--more K`` adds ``new`` reports ``K`` more times, each run and
printed as a top-up of its own: the first top-up after a change of the stages' code may rebuild what they
keep, so the steady cost is the later ones'. ``--resume`` (with ``--work``) goes on from the stores kept
there: no base run, each top-up adds the next ``new`` reports of the same generated corpus (the seed kept
with the store), and the full run that was measured when the store was made (kept as ``full.json``) is
the denominator. A resumed run's first top-up also pays the fresh process's one-time loads (about a CPU
second), as every ``storyline run`` of a top-up does; the in-process top-ups after it do not. Each stage's
peak resident memory is printed beside its CPU: the
process's own peak is reset before each stage (Linux ``/proc/self/clear_refs``), and worker processes'
peak is the largest any child reached so far. ``--profile`` runs each stage of the (first, or first
resumed) top-up under a profiler of its own and prints its heaviest functions.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import json
import pstats
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pipeline_scale as GEN
from storyline.extract import DocAnalysis
from storyline.extract.mentions import Mention
from storyline.ids import content_hash, page_id, text_digest
from storyline.model import RawPage
from storyline.run.corpus import CORPUS_STAGES
from storyline.stages.document import TEXT_DIGEST_KEY
from storyline.store.base import RECORD_TABLES
from storyline.store.sqlite import SQLiteStore

_PERSON = re.compile(rf"\b(?:{'|'.join(GEN.GIVEN.split())}) (?:{'|'.join(GEN.FAMILY.split())})\b")
_SURNAME = re.compile(rf"\b(?:{'|'.join(GEN.FAMILY.split())})\b")
_PLACE = "|".join(re.escape(p) for p in GEN.PLACES.split())
_ORG = re.compile(
    rf"\b(?:{_PLACE}) (?:{'|'.join(GEN.ORG_HEADS.split())}) (?:{'|'.join(GEN.ORG_KINDS.split())})\b"
)
_PLACES = re.compile(rf"\b(?:{_PLACE})\b")


def regex_analysis(doc_id: str, text: str) -> DocAnalysis:
    """The generator's names in ``text`` as mentions (longest first), standing in for spaCy's entities."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for pattern, label in ((_ORG, "ORG"), (_PERSON, "PERSON"), (_SURNAME, "PERSON"), (_PLACES, "GPE")):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            sentence_start = text.rfind(". ", 0, start) + 1
            sentence_end = text.find(". ", end)
            found.append(
                Mention(
                    doc_id,
                    match.group(),
                    label,
                    start,
                    end,
                    sentence_start,
                    len(text) if sentence_end < 0 else sentence_end,
                )
            )
    return DocAnalysis(doc_id, tuple(sorted(found, key=lambda m: m.start)), (), ())


def regex_analyser(batches: Iterable[list[tuple[str, str]]], workers: int) -> Iterator[list[DocAnalysis]]:
    """An :data:`storyline.stages.extract.Analyser` that needs no model (one process)."""
    del workers
    for batch in batches:
        yield [regex_analysis(doc_id, text) for doc_id, text in batch]


def store_reports(store: SQLiteStore, reports: list[dict[str, Any]], first: int) -> None:
    """Add reports as pages, with the fields the document stage would give them."""
    pages = []
    derived = []
    for number, report in enumerate(reports, start=first):
        body = "\n\n".join(report["paragraphs"])
        content = f"{report['title']}\n\n{body}\n\n[{number}]"
        page = RawPage(page_id(content), f"generated/{number:06d}.txt", "text", content, "text")
        pages.append(page)
        german = report["title"].startswith("Stadtrat")
        derived.append(
            {
                "id": page.id,
                "title": report["title"],
                "text": body,
                "published": report["published"],
                "published_evidence": "declared published",
                "outlet": f"The Daily {report['outlet']}",
                "language": "de" if german else "en",
                "content_hash": content_hash(body),
                # The document stage records the body's exact digest beside its key; later stages read it
                # instead of the body (the extract stage's keys, the narrate stage's story keys).
                "stage_keys": {TEXT_DIGEST_KEY: text_digest(body)},
            }
        )
    store.add_pages(pages)
    store.update_documents(derived)


#: How many of each profiled stage's heaviest functions ``--profile`` prints.
PROFILE_LINES = 30


def run_corpus_stages(
    store: SQLiteStore, profiles: dict[str, cProfile.Profile] | None = None
) -> tuple[dict[str, float], dict[str, tuple[int, int]], dict[str, float]]:
    """Each corpus stage once, in order; CPU seconds per stage, this process's and its reaped worker
    processes' (narration runs on a pool when there are enough stories; the machine may be shared), and
    each stage's peak memory (this process, workers so far) in MiB, and its wall seconds (printed beside a
    top-up's CPU: where the store is larger than the page cache, a stage waits on the disk for longer than
    it computes). With ``profiles``, each stage runs
    under a profiler of its own, kept there by stage name (this process only, not its workers)."""
    seconds: dict[str, float] = {}
    peaks: dict[str, tuple[int, int]] = {}
    walls: dict[str, float] = {}
    for stage in CORPUS_STAGES:
        options: dict[str, Any] = {"analyse": regex_analyser, "workers": 1} if stage.name == "extract" else {}
        _release_freed_memory()
        _reset_peak_memory()
        profiler = cProfile.Profile() if profiles is not None else None
        started, wall_started = _cpu_seconds(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        stage.run(store, lambda *_: None, **options)
        if profiler is not None:
            profiler.disable()
            profiles[stage.name] = profiler
        seconds[stage.name] = _cpu_seconds() - started
        walls[stage.name] = time.perf_counter() - wall_started
        peaks[stage.name] = _peak_memory_mib()
    return seconds, peaks, walls


def _release_freed_memory() -> None:
    """Collect garbage and ask glibc to return free heap pages (where there is a glibc)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reset_peak_memory() -> None:
    """Start this process's peak resident size afresh (Linux only; elsewhere peaks only grow)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_memory_mib() -> tuple[int, int]:
    """This process's peak resident size since the last reset, and the largest any reaped child reached."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) // 1024
    except OSError:
        pass
    return own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def _peaks(peaks: tuple[int, int]) -> str:
    own, children = peaks
    return f"{own:,}/{children:,}" if children else f"{own:,}"


def _cpu_seconds() -> float:
    """CPU seconds of this process and of every child it has waited for (a stage's pool is shut down, and
    so waited for, before the stage returns)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def stored_tables(store: SQLiteStore) -> str:
    """Every record table and every document's derived fields, as one canonical JSON text."""
    tables: dict[str, Any] = {table: list(store.records(table)) for table in RECORD_TABLES}
    tables["documents"] = [{k: v for k, v in d.items() if k != "stage_keys"} for d in store.documents()]
    return json.dumps(tables, sort_keys=True, default=str)


def _print_topup(
    label: str,
    full: dict[str, float],
    full_peaks: dict[str, tuple[int, int]],
    top: dict[str, float],
    top_peaks: dict[str, tuple[int, int]],
    walls: dict[str, float],
) -> None:
    print(label)
    print(
        f"{'stage':<10} {'full CPU s':>11} {'top-up CPU s':>13} {'ratio':>7}"
        f" {'full peak MiB':>14} {'top-up peak MiB':>16} {'top-up wall s':>14}"
    )
    for name in full:
        print(
            f"{name:<10} {full[name]:>11.2f} {top[name]:>9.2f} {top[name] / full[name]:>7.1%}"
            f" {_peaks(full_peaks[name]):>14} {_peaks(top_peaks[name]):>16} {walls[name]:>14.2f}"
        )
    total_full, total_top = sum(full.values()), sum(top.values())
    print(
        f"{'total':<10} {total_full:>11.2f} {total_top:>9.2f} {total_top / total_full:>7.1%}"
        f" {'':>14} {'':>16} {sum(walls.values()):>14.2f}",
        flush=True,
    )


def _kept_full_run(work: Path) -> tuple[dict[str, float], dict[str, tuple[int, int]], int]:
    """The full run measured when the kept store was made (``full.json``), and the corpus's seed."""
    path = work / "full.json"
    if not path.exists() or not (work / "topup.db").exists():
        raise SystemExit(
            f"{work}: no full.json and topup.db; --resume needs the stores this script kept there"
        )
    kept = json.loads(path.read_text())
    peaks = {name: (own, child) for name, (own, child) in kept["peaks"].items()}
    return kept["seconds"], peaks, kept["seed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=10000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile", action="store_true", help="print each stage's heaviest functions on the (first) top-up"
    )
    parser.add_argument(
        "--base-as-full",
        action="store_true",
        help="let the base's run from nothing stand in for the full run (no equality check)",
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="keep the stores here (default: a temporary folder)"
    )
    parser.add_argument("--more", type=int, default=0, help="this many further top-ups of --new reports")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on from the top-up store kept in --work (no base run; --base and --seed unused)",
    )
    args = parser.parse_args()
    if args.resume:
        if args.work is None:
            parser.error("--resume needs --work")
        resume(args.work, args.new, args.more, args.profile)
        return
    reports = GEN.make_corpus(args.base + args.new * (1 + args.more), args.seed)
    base, new = reports[: args.base], reports[args.base : args.base + args.new]
    later = reports[args.base + args.new :]
    work = args.work or Path(tempfile.mkdtemp(prefix="storyline-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    for stale in [*work.glob("full.db*"), *work.glob("topup.db*"), *work.glob("full.json")]:
        stale.unlink()

    full_store = None
    if not args.base_as_full:
        full_store = SQLiteStore(work / "full.db")
        store_reports(full_store, [*base, *new], 0)
    top_store = SQLiteStore(work / "topup.db")
    store_reports(top_store, base, 0)
    # The generated reports are not the stages' to hold: drop them (and hand the freed heap back to the
    # system) so the peaks below are the stages' own.
    del reports, base
    _release_freed_memory()
    print(f"resident before the stages: {_peak_memory_mib()[0]:,} MiB (peak so far)", flush=True)
    if full_store is not None:
        full, full_peaks, _ = run_corpus_stages(full_store)
    base_run, base_peaks, _ = run_corpus_stages(top_store)
    if full_store is None:
        full, full_peaks = base_run, base_peaks
    kept = {"seconds": full, "peaks": full_peaks, "seed": args.seed}
    (work / "full.json").write_text(json.dumps(kept))
    store_reports(top_store, new, args.base)
    profiles: dict[str, cProfile.Profile] | None = {} if args.profile else None
    top, top_peaks, walls = run_corpus_stages(top_store, profiles)

    print(f"{args.base:,} reports stored, {args.new:,} added (corpus stages; regex analyser for the parse)")
    if args.base_as_full:
        print(f"full run: the {args.base:,} base reports' run from nothing stands in for it")
    _print_topup(f"top-up 1: {args.base:,} + {args.new:,}", full, full_peaks, top, top_peaks, walls)
    narrated = top_store.get_state("narrate.narrated")
    stories = sum(1 for _ in top_store.records("stories"))
    print(f"stories narrated again on the top-up: {narrated} of {stories}")
    coded = top_store.get_state("events.coded")
    print(
        f"events coded again on the top-up: {coded} (documents of {args.base + args.new}; components merged)"
    )
    if full_store is not None:
        equal = stored_tables(full_store) == stored_tables(top_store)
        print(f"top-up stored exactly what the full run stored: {'yes' if equal else 'NO'}")
        full_store.close()
    _print_profiles(profiles)
    stored = args.base + args.new
    for number in range(args.more):
        batch = later[number * args.new : (number + 1) * args.new]
        store_reports(top_store, batch, stored)
        top, top_peaks, walls = run_corpus_stages(top_store)
        _print_topup(
            f"top-up {number + 2}: {stored:,} + {len(batch):,}", full, full_peaks, top, top_peaks, walls
        )
        stored += len(batch)
    top_store.close()
    if args.work is None:
        shutil.rmtree(work)


def _print_profiles(profiles: dict[str, cProfile.Profile] | None) -> None:
    """Each stage's heaviest functions (by cumulative time), where the top-up was profiled."""
    for name, profiler in (profiles or {}).items():
        print(f"--- profile of the top-up's {name} stage (this process)")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(PROFILE_LINES)


def resume(work: Path, new: int, more: int, profile: bool = False) -> None:
    """``1 + more`` top-ups of ``new`` reports each on the store kept in ``work``, from the same corpus;
    with ``profile``, the first of them profiled stage by stage."""
    full, full_peaks, seed = _kept_full_run(work)
    top_store = SQLiteStore(work / "topup.db")
    stored = sum(1 for _ in top_store.documents(columns=()))
    if not stored:
        raise SystemExit(f"{work / 'topup.db'}: holds no reports; nothing to go on from")
    reports = GEN.make_corpus(stored + new * (1 + more), seed)[stored:]
    _release_freed_memory()
    for number in range(1 + more):
        batch = reports[number * new : (number + 1) * new]
        store_reports(top_store, batch, stored)
        profiles: dict[str, cProfile.Profile] | None = {} if profile and number == 0 else None
        top, top_peaks, walls = run_corpus_stages(top_store, profiles)
        _print_topup(
            f"top-up (resumed) {number + 1}: {stored:,} + {len(batch):,}",
            full,
            full_peaks,
            top,
            top_peaks,
            walls,
        )
        _print_profiles(profiles)
        stored += len(batch)
    top_store.close()


if __name__ == "__main__":
    main()
