"""Kills survived: SIGKILL `storyline run` (through the API driver of the crash tests) at random committed
batches of every stage, check the store after each kill, then compare the finished store's export with a
clean run's. Prints one line per kill and the totals.

    PYTHONPATH=src python benchmarks/crash_kills.py [--kills 30] [--pages 300] [--seed 1]

Each kill lands just after a random committed batch of a random stage (ingest, clean + describe, entities +
quotes, link), plus a random delay of up to 0.2 s so it falls inside the next batch. After each kill:
``PRAGMA integrity_check``, every raw page whole (its id recomputed from its content), the search index in
step with the cleaned bodies, and every batch the run reported committed present. Pool workers alive at a
kill must be gone afterwards.
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
    db = work / "killed.db"
    landed = survived = orphans = 0
    started = time.perf_counter()
    for n in range(args.kills):
        kill_at = (rng.choice(STAGES), rng.randrange(1, 4))
        result = drive(db, corpus, "run", kill_at=kill_at, rng=rng)
        if result["finished"]:
            print(f"{n + 1:3d} {kill_at[0]!r} batch {kill_at[1]}: the run finished first")
            continue
        landed += 1
        try:
            check_store(db, result["committed"])
        except AssertionError as exc:
            print(f"{n + 1:3d} killed after {kill_at[0]!r} batch {kill_at[1]}: STORE CHECK FAILED {exc}")
            continue
        survived += 1
        time.sleep(0.5)
        orphans += sum(alive(pid) for pid in result["workers"])
        print(f"{n + 1:3d} killed after {kill_at[0]!r} batch {kill_at[1]}: intact; {result['committed']}")
    assert drive(db, corpus, "run", kill_at=None, rng=rng)["finished"]
    clean = work / "clean.db"
    assert drive(clean, corpus, "run", kill_at=None, rng=rng)["finished"]
    same = export(db, work / "out-killed") == export(clean, work / "out-clean")
    print(
        f"kills landed {landed}, stores intact {survived}, pool workers outliving a kill {orphans}, "
        f"export after rerun equals a clean run's: {same} ({time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
