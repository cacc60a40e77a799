"""The whole pipeline's ratio to the spaCy reference over several rounds, with their median and spread.

One run of ``pipeline_scale.py`` times the reference's halves and the pipeline at different moments, and
on the shared development machines the speed of a CPU-second moved by up to half between them (the speed
probe's median cost per parse ranged 16.0-28.0 ms within one day, the machine otherwise quiet): seven runs
of the same commit gave wall ratios from 0.72 to 0.90. One run's figure says little; the median of
several says more, and the spread says how much. Each round is a separate ``pipeline_scale.py`` process
(its own corpus folder, the same seed); its JSON rows are kept, and this script prints every round's
ratios and then, per size, format and engine, the median, lowest and highest of each:

    PYTHONPATH=src python benchmarks/ratio_rounds.py --rounds 5 --work DIR [-- ARGS FOR pipeline_scale.py]
    python benchmarks/ratio_rounds.py --summarise DIR/round-*.jsonl   # rows kept by earlier rounds

The figure at one machine speed counts only in rounds whose probe did not flag it unreliable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The ratios summarised: the field in each JSON row and how the table heads it.
RATIOS = (("ratio_wall", "wall"), ("ratio_cpu", "CPU"), ("ratio_wall_one_speed", "one speed"))


def run_rounds(rounds: int, work: Path, scale_args: list[str]) -> list[Path]:
    """Run ``pipeline_scale.py`` ``rounds`` times, one after another; the JSON row files they wrote."""
    written = []
    for round_number in range(1, rounds + 1):
        rows = work / f"round-{round_number}.jsonl"
        command = [
            sys.executable,
            str(HERE / "pipeline_scale.py"),
            "--work",
            str(work / f"round-{round_number}"),
            "--json",
            str(rows),
            *scale_args,
        ]
        print(f"round {round_number} of {rounds}: {' '.join(command[1:])}", flush=True)
        subprocess.run(command, check=True)
        written.append(rows)
    return written


def read_rows(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every row of every file, tagged with the file it came from."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "round": path.name})
    return rows


def usable(row: dict[str, Any], field: str) -> float | None:
    """The row's ratio ``field``, or None where it is missing or (at one machine speed) flagged."""
    value = row.get(field)
    if value is None:
        return None
    if field == "ratio_wall_one_speed" and row.get("ratio_wall_one_speed_unreliable"):
        return None
    return float(value)


def summary_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Each round's ratios, then per size, format and engine the median, lowest and highest of each."""
    lines = ["round                      size format engine " + " ".join(f"{h:>10}" for _, h in RATIOS)]
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["size"], row["format"], row["engine"])].append(row)
        cells = []
        for field, _ in RATIOS:
            value = usable(row, field)
            cells.append(f"{value:>10.2f}" if value is not None else f"{'-':>10}")
        head = f"{row['round']:<26} {row['size']:>4} {row['format']:6} {row['engine']:6}"
        lines.append(head + " " + " ".join(cells))
    for (size, fmt, engine), members in sorted(groups.items()):
        lines.append(f"{size} {fmt} {engine}, {len(members)} rounds:")
        for field, heading in RATIOS:
            values = [v for v in (usable(r, field) for r in members) if v is not None]
            if not values:
                lines.append(f"  {heading:>10}: no usable round")
                continue
            lines.append(
                f"  {heading:>10}: median {statistics.median(values):.2f}, lowest {min(values):.2f},"
                f" highest {max(values):.2f} ({len(values)} rounds)"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path, help="folder for each round's corpus, store and JSON rows")
    parser.add_argument("--summarise", type=Path, nargs="+", help="JSON row files to summarise; runs nothing")
    parser.add_argument("scale_args", nargs="*", help="passed to pipeline_scale.py (after --)")
    args = parser.parse_args()
    if args.summarise:
        paths = list(args.summarise)
    else:
        if args.work is None:
            parser.error("--work is needed to run rounds")
        args.work.mkdir(parents=True, exist_ok=True)
        scale_args = args.scale_args or ["--sizes", "1000", "--formats", "text"]
        paths = run_rounds(args.rounds, args.work, scale_args)
    print("\n".join(summary_lines(read_rows(paths))))


if __name__ == "__main__":
    main()
