"""The hostile inputs of issue 12 at full size: each is ingested in its own process, beside a good page,
and the outcome, wall time and peak memory (VmHWM) are printed.

    PYTHONPATH=src nice python benchmarks/hostile_inputs.py [--only NAME,...] [--scale 1.0]

``--scale`` shrinks the large cases (0.1 = a tenth of each size) for a quick look. Inputs are written to a
temporary folder (a few MB on disk: the large ones are gzip-compressed) and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.ingest import hostile  # noqa: E402

GIB = 1024**3

CHILD = """
import json, re, sys, time
import storyline
from storyline.ingest import jsonl
if sys.argv[3] == "no-give-up":
    jsonl.MAX_BAD_LINES_IN_A_ROW = 10**12
started = time.perf_counter()
with storyline.open(sys.argv[1]) as sl:
    report = sl.ingest([sys.argv[2]])
seconds = time.perf_counter() - started
hwm = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024
first = [str(e) for e in report.errors[:2]]
print(json.dumps({"new": report.new, "failed": report.failed, "kept": len(report.errors),
                  "seconds": round(seconds, 1), "peak_mb": hwm, "errors": first}))
"""


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


def _writer(name: str, write: Callable[[Path], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        write(path)
        return path

    return build


def cases(scale: float) -> dict[str, tuple[Callable[[Path], Path], str]]:
    big = int(GIB * scale)
    lines = int(10_000_000 * scale)

    def empties(path: Path) -> None:
        hostile.write_gzip_of_empty_objects(path, lines)

    def header(path: Path) -> None:
        hostile.write_warc_huge_header_line(path, big)

    def bomb(path: Path) -> None:
        path.write_bytes(hostile.gzip_bomb(big))

    return {
        "surrogate": (_write("surrogate.jsonl", hostile.jsonl_with_lone_surrogate()), ""),
        "feed-path": (_write("feed-path.xml", hostile.feed_naming_a_location("/etc/hostname")), ""),
        "feed-dev-zero": (_write("feed-zero.xml", hostile.feed_naming_a_location("/dev/zero")), ""),
        "feed-dev-stdin": (_write("feed-stdin.xml", hostile.feed_naming_a_location("/dev/stdin")), ""),
        "billion-laughs": (_write("laughs.xml", hostile.feed_billion_laughs(9)), ""),
        "xxe": (_write("xxe.rss", hostile.feed_xxe("/etc/hostname")), ""),
        "jsonl-bad-lines": (_write("bad-lines.jsonl", hostile.jsonl_with_bad_lines(100_000, 5_000)), ""),
        "jsonl-not-object": (_write("array.jsonl", b"[1, 2]\n" + hostile.good_jsonl_line(1).encode()), ""),
        "warc-charset": (_write("charset.warc", hostile.warc_unknown_charset()), ""),
        "10M-empty-objects": (_writer("empties.jsonl.gz", empties), ""),
        "10M-empty-objects-all-counted": (_writer("empties.jsonl.gz", empties), "no-give-up"),
        "warc-length-too-big": (_write("overrun.warc", hostile.warc_length_too_big()), ""),
        "warc-length-too-small": (_write("short.warc", hostile.warc_length_too_small()), ""),
        "warc-one-gzip-member": (_write("whole.warc.gz", hostile.warc_one_gzip_member(50)), ""),
        "warc-flipped-names": (_write("flipped.warc", hostile.warc_flipped_header_names()), ""),
        "warc-1GiB-header-line": (_writer("header.warc.gz", header), ""),
        "jsonl-1GiB-line": (_writer("line.jsonl.gz", lambda p: hostile.write_jsonl_huge_line(p, big)), ""),
        "gzip-bomb-1GiB": (_writer("bomb.txt.gz", bomb), ""),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    chosen = cases(args.scale)
    if args.only:
        chosen = {name: chosen[name] for name in args.only.split(",")}
    columns = f"{'input':>9} {'new':>4} {'failed':>9} {'kept':>5} {'time':>7} {'peak RSS':>9}"
    print(f"{'case':<30} {columns}  first error")
    for name, (build, mode) in chosen.items():
        with tempfile.TemporaryDirectory() as folder:
            batch = Path(folder) / "batch"
            batch.mkdir()
            (batch / "good.txt").write_text(hostile.ARTICLE)
            t0 = time.perf_counter()
            size = build(batch).stat().st_size
            built = time.perf_counter() - t0
            child = subprocess.run(
                [sys.executable, "-c", CHILD, str(Path(folder) / "s.db"), str(batch), mode or "-"],
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=3600,
                check=False,
            )
        if child.returncode != 0:
            print(f"{name:<30} FAILED (status {child.returncode}): {child.stderr[-300:]}")
            continue
        r = json.loads(child.stdout.strip().splitlines()[-1])
        first = r["errors"][0].split("/batch/")[-1][:90] if r["errors"] else "-"
        print(
            f"{name:<30} {size / 1024:>7.0f}KB {r['new']:>4} {r['failed']:>9,} {r['kept']:>5} "
            f"{r['seconds']:>6}s {r['peak_mb']:>6} MB  {first}   (built in {built:.0f}s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
