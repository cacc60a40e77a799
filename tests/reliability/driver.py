"""A `storyline` run driven through the API for the crash tests, run as a subprocess: it prints a line after
every committed batch (the progress callback is called after each commit), so a test knows what the run
reported as committed before it was killed.

    python driver.py DB CORPUS ingest|clean|run [WORKERS]

``ingest`` is `storyline ingest`; ``clean`` is `storyline run` up to the per-document stage (ingest, clean and
describe); ``run`` is the whole of `storyline run`.
"""

from __future__ import annotations

import sys

import storyline
from storyline.run import local


def main(db: str, corpus: str, mode: str, workers: int = 2) -> None:
    def committed(task: str, done: int, total: int | None) -> None:
        print(f"committed\t{task}\t{done}", flush=True)

    with storyline.open(db) as sl:
        if mode == "ingest":
            sl.ingest([corpus], committed)
        elif mode == "clean":
            sl.ingest([corpus], committed)
            local.run_document_stage(sl.store, committed, workers)
        else:
            sl.run([corpus], committed, workers)
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:5]))
