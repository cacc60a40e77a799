"""The rounds summary (benchmarks/ratio_rounds.py): medians per group, flagged figures left out."""

from __future__ import annotations

import json
from pathlib import Path

from tests.benchmark_path import benchmarks_on_path

with benchmarks_on_path():
    import ratio_rounds


def _row(wall: float, one_speed: float, unreliable: str | None = None, size: int = 1000) -> dict[str, object]:
    return {
        "size": size,
        "format": "text",
        "engine": "local",
        "ratio_wall": wall,
        "ratio_cpu": wall,
        "ratio_wall_one_speed": one_speed,
        "ratio_wall_one_speed_unreliable": unreliable,
    }


def test_medians_leave_out_figures_the_probe_flagged(tmp_path: Path) -> None:
    rows = [_row(0.70, 0.95), _row(0.90, 0.50, "halves differ by 30%"), _row(0.80, 0.85)]
    paths = []
    for number, row in enumerate(rows, 1):
        path = tmp_path / f"round-{number}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        paths.append(path)
    lines = ratio_rounds.summary_lines(ratio_rounds.read_rows(paths))
    assert "wall: median 0.80, lowest 0.70, highest 0.90 (3 rounds)" in "\n".join(lines)
    # the flagged 0.50 is shown as "-" and counts in no statistic
    assert "one speed: median 0.90, lowest 0.85, highest 0.95 (2 rounds)" in "\n".join(lines)
    assert lines[2].split()[-1] == "-"


def test_sizes_are_summarised_apart(tmp_path: Path) -> None:
    path = tmp_path / "round-1.jsonl"
    path.write_text("\n".join(json.dumps(_row(r, r, size=s)) for r, s in [(0.8, 1000), (0.6, 10000)]) + "\n")
    text = "\n".join(ratio_rounds.summary_lines(ratio_rounds.read_rows([path])))
    assert "1000 text local, 1 rounds:" in text and "10000 text local, 1 rounds:" in text
    assert "median 0.60" in text and "median 0.80" in text
