"""Kills survived: SIGKILL `storyline run` (through the API driver of the crash tests) at random committed
batches of every stage, check the store after each kill, and compare each finished store's export with a
clean run's. Prints one line per kill and the totals.

    PYTHONPATH=src python benchmarks/crash_kills.py [--kills 30] [--pages 300] [--seed 1]

The kills come in cycles, each on a new store: the run is started again and again, each time killed just
after a random committed batch of a random stage (ingest, clean + describe, entities + quotes, link) plus a
random delay of up to 0.2 s so the kill falls inside the next batch, until one run finishes; that store's
export must equal a clean run's. After each kill: ``PRAGMA integrity_check``, every raw page whole (its id
recomputed from its content), the search index in step with the cleaned bodies, and every batch the run
reported committed present. Pool workers alive at a kill must be gone afterwards.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))

from test_crash_and_concurrency import alive, check_store, drive, export, write_corpus

STAGES = ["ingest", "clean + describe", "entities + quotes", "link"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="storyline-kills-"))
    corpus = write_corpus(work / "corpus", args.pages, seed=args.seed, per_file=100)
    clean = work / "clean.db"
    assert drive(clean, corpus, "run", kill_at=None, rng=rng)["finished"]
    reference = export(clean, work / "out-clean")
    # Committed batches per stage in a whole run: kill points are drawn among these.
    batches = {
        "ingest": -(-args.pages // 200),
        "clean + describe": -(-args.pages // 200),
        "entities + quotes": -(-args.pages // 64),
        "link": 5,
    }
    landed = survived = orphans = cycles = same = 0
    started = time.perf_counter()
    while landed < args.kills:
        cycles += 1
        db = work / f"killed-{cycles}.db"
        while True:
            stage = rng.choice(STAGES)
            kill_at = (stage, rng.randrange(1, batches[stage] + 1))
            result = drive(db, corpus, "run", kill_at=kill_at, rng=rng)
            if result["finished"]:
                break
            landed += 1
            try:
                check_store(db, result["committed"])
            except AssertionError as exc:
                print(f"{landed:3d} killed after {kill_at[0]!r} batch {kill_at[1]}: STORE CHECK FAILED {exc}")
                continue
            survived += 1
            time.sleep(0.5)
            orphans += sum(alive(pid) for pid in result["workers"])
            where = f"{kill_at[0]!r} batch {kill_at[1]}"
            print(f"{landed:3d} killed after {where}: intact; {result['committed']}", flush=True)
        equal = export(db, work / f"out-{cycles}") == reference
        same += equal
        print(f"cycle {cycles}: the run finished; export equals a clean run's: {equal}", flush=True)
    print(
        f"kills landed {landed}, stores intact {survived}, pool workers outliving a kill {orphans}, "
        f"cycles {cycles}, exports equal to a clean run's {same}/{cycles}"
        f" ({time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
