"""Fuzz every reader and the plain-text cleaner with random hostile input; print crashes, hangs, peak memory.

Each reader runs in its own process (so its peak memory is its own) over ``--cases`` inputs built by
``tests/ingest/fuzzcases.py`` from seeded ``Random``s: random bytes and encodings, tag soup nested thousands
deep, WARCs with lying lengths, flipped bits, long header lines and every gzip packing, JSONL with lone
surrogates, deep nesting and huge integers, feeds with entity bombs, XXE and locations for content, gzip
bombs. Per case it counts:

- crash: an exception escaped ``read_file`` (or ``clean_text``), or a hang past ``--timeout`` seconds;
- bug: a reader exception caught by ``read_file``'s safety net (``unexpected …`` errors), or an output that
  breaks the contract (an oversized or unstorable page, an error without a reason, anything else yielded).

    PYTHONPATH=src nice python benchmarks/fuzz_readers.py [--cases 10000] [--readers text,warc] [--seed 1]

A failing case is replayed with ``--readers NAME --replay SEED``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
READERS = ["text", "html", "warc", "jsonl", "feed", "gzip", "plaintext"]


class CaseTimeout(BaseException):
    """A case ran past its time limit (a BaseException, so no reader's safety net swallows it)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def peak_rss_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(reader: str, seed: str, folder: Path) -> tuple[str, str]:
    """``(outcome, detail)`` for one case: outcome is ok, crash, hang or bug."""
    from tests.ingest import fuzzcases

    from storyline.clean.plaintext import clean_text
    from storyline.ingest import read_file
    from storyline.ingest.limits import MAX_PAGE_BYTES

    rng = random.Random(seed)
    try:
        if reader == "plaintext":
            text = fuzzcases.plaintext_case(rng)
            article = clean_text(text)
            problems = [] if len(article.text) <= 2 * len(text) + 16 else ["body longer than the page"]
        else:
            name, data = fuzzcases.READER_CASES[reader](rng)
            path = folder / name
            path.write_bytes(data)
            problems = fuzzcases.reader_problems(list(read_file(path)), MAX_PAGE_BYTES)
            path.unlink()
    except CaseTimeout:
        return "hang", ""
    except Exception as exc:
        return "crash", f"{type(exc).__name__}: {str(exc)[:200]}"
    return ("bug", problems[0][:300]) if problems else ("ok", "")


def fuzz_one(reader: str, cases: int, seed: int, timeout: float) -> dict[str, object]:
    signal.signal(signal.SIGALRM, _on_alarm)
    with tempfile.TemporaryDirectory() as folder:  # imports and first-use loading, kept out of the timings
        run_case(reader, "warm-up", Path(folder))
    counts = {"ok": 0, "crash": 0, "hang": 0, "bug": 0}
    samples: list[str] = []
    slowest = (0.0, "")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for n in range(cases):
            case_seed = f"{reader}-{seed}-{n}"
            t0 = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                outcome, detail = run_case(reader, case_seed, Path(folder))
            except CaseTimeout:  # the alarm fired between the case's end and the reset
                outcome, detail = "hang", ""
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            took = time.perf_counter() - t0
            counts[outcome] += 1
            if took > slowest[0]:
                slowest = (took, case_seed)
            if outcome != "ok" and len(samples) < 20:
                samples.append(f"{outcome} {case_seed}: {detail}")
    return {
        "reader": reader,
        "cases": cases,
        **counts,
        "seconds": round(time.perf_counter() - started, 1),
        "slowest_s": round(slowest[0], 2),
        "slowest_case": slowest[1],
        "peak_rss_mb": round(peak_rss_mb()),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="readers fuzzed at once, one process each")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one case may take")
    parser.add_argument("--replay", help="run one case by its seed (as printed) and show its outcome")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    readers = args.readers.split(",")
    if args.replay:
        with tempfile.TemporaryDirectory() as folder:
            print(run_case(readers[0], args.replay, Path(folder)))
        return
    if args.child:
        print(json.dumps(fuzz_one(readers[0], args.cases, args.seed, args.timeout)))
        return
    header = ("reader", "cases", "crashes", "hangs", "bugs", "slowest", "peak RSS", "time")
    print(f"{header[0]:<10} " + " ".join(f"{h:>8}" for h in header[1:]))
    results = []
    children = {}
    pending = list(readers)
    while pending or children:
        while pending and len(children) < args.jobs:
            reader = pending.pop(0)
            command = [sys.executable, __file__, "--child", "--readers", reader, "--cases", str(args.cases)]
            command += ["--seed", str(args.seed), "--timeout", str(args.timeout)]
            pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
            children[reader] = subprocess.Popen(command, text=True, **pipes)
        reader, child = next(iter(children.items()))
        stdout, stderr = child.communicate()
        del children[reader]
        if child.returncode != 0:
            print(f"{reader:<10} the fuzzing process died (status {child.returncode}): {stderr[-500:]}")
            continue
        result = json.loads(stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"{reader:<10} {result['cases']:>8} {result['crash']:>8} {result['hang']:>8} {result['bug']:>8} "
            f"{result['slowest_s']:>7}s {result['peak_rss_mb']:>5} MB {result['seconds']:>7}s",
            flush=True,
        )
        for sample in result["samples"]:
            print(f"    {sample}")
    total = sum(int(r["cases"]) for r in results)
    failures = sum(int(r["crash"]) + int(r["hang"]) + int(r["bug"]) for r in results)
    print(f"total: {total} cases, {failures} crashes + hangs + bugs")


if __name__ == "__main__":
    main()
