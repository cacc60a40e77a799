"""Plot time and peak memory against corpus size, per engine and format, from ``pipeline_scale.py --json``.

Usage::

    PYTHONPATH=src python benchmarks/pipeline_scale.py --sizes 250,500,1000 --json scale.jsonl
    python benchmarks/plot_scale.py scale.jsonl docs/performance-scale.png

Needs matplotlib (``pip install 'storyline[bench]'``).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, help="JSON lines written by pipeline_scale.py --json")
    parser.add_argument("png", type=Path)
    args = parser.parse_args()
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in args.rows.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        series[f"{row['engine']}, {row['format']}"].append(row)
    figure, (time_axis, memory_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for label, rows in sorted(series.items()):
        rows.sort(key=lambda r: r["size"])
        sizes = [r["size"] for r in rows]
        time_axis.plot(sizes, [r["total"] for r in rows], marker="o", label=f"{label}: wall")
        time_axis.plot(
            sizes, [r["total_cpu"] for r in rows], marker="x", linestyle="--", label=f"{label}: CPU"
        )
        memory_axis.plot(sizes, [r["rss_mb"] for r in rows], marker="o", label=f"{label}: main process")
        memory_axis.plot(
            sizes,
            [r["worker_rss_mb"] for r in rows],
            marker="x",
            linestyle="--",
            label=f"{label}: largest worker",
        )
    time_axis.set(xlabel="documents", ylabel="seconds", title="Time (wall and CPU, all processes)")
    memory_axis.set(xlabel="documents", ylabel="MB", title="Peak resident memory")
    for axis in (time_axis, memory_axis):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(args.png, dpi=110)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
