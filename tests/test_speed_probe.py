"""The speed probe (benchmarks/speed_probe.py): its samples, and the wall ratio put at one machine speed."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from tests.benchmark_path import BENCHMARKS, benchmarks_on_path


@pytest.fixture(scope="module")
def probe() -> Iterator[ModuleType]:
    with benchmarks_on_path():
        import speed_probe

        yield speed_probe


def test_the_same_speed_throughout_leaves_the_ratio_as_measured(probe: ModuleType) -> None:
    windows = [probe.Window(500, 40.0, 0.0, 40.0), probe.Window(500, 45.0, 150.0, 195.0)]
    assert probe.speed_factor(0.02, [(w, 0.02) for w in windows]) == pytest.approx(1.0)


def test_reference_windows_weigh_by_their_wall_seconds(probe: ModuleType) -> None:
    # at the pipeline's speed the reference would have taken 10 / 1 + 30 / 2 = 25 s, not 40: its rate was
    # 40 / 25 times lower than at that speed, so the measured ratio was that much too high
    windows = [(probe.Window(100, 10.0, 0.0, 10.0), 1.0), (probe.Window(100, 30.0, 20.0, 50.0), 2.0)]
    assert probe.speed_factor(1.0, windows) == pytest.approx(25 / 40)
    assert probe.speed_factor(2.0, windows) == pytest.approx(2 * 25 / 40)


def test_a_drifting_machine_gives_back_the_ratio_at_one_speed(probe: ModuleType) -> None:
    """A machine whose every CPU-second slows by a random factor in each phase: the pipeline's and the
    reference's walls and the probe's costs all stretch by it, and the factor undoes the stretch."""
    rng = random.Random(3)
    for _ in range(50):
        pipeline_rate, reference_rate, probe_cost = (
            rng.uniform(5, 15),
            rng.uniform(5, 15),
            rng.uniform(0.01, 0.1),
        )
        slow_pipeline = rng.uniform(0.7, 1.4)
        halves = [(rng.randrange(100, 600), rng.uniform(0.7, 1.4)) for _ in range(rng.randint(1, 3))]
        windows = [
            (probe.Window(done, done / reference_rate * slow, 0.0, 1.0), probe_cost * slow)
            for done, slow in halves
        ]
        measured_pipeline = pipeline_rate / slow_pipeline
        measured_reference = sum(done for done, _ in halves) / sum(w.wall for w, _ in windows)
        measured = measured_pipeline / measured_reference
        factor = probe.speed_factor(probe_cost * slow_pipeline, windows)
        assert measured * factor == pytest.approx(pipeline_rate / reference_rate)


def test_median_cost_reads_only_the_probes_within_the_window(probe: ModuleType) -> None:
    samples = [(0.5, 9.0), (1.0, 0.02), (2.0, 0.03), (2.5, 0.05), (3.0, 0.04), (3.5, 9.0)]
    assert probe.median_cost(samples, probe.Window(1, 2.0, 1.0, 3.0)) == pytest.approx(0.035)
    assert probe.median_cost(samples, probe.Window(1, 1.0, 4.0, 5.0)) is None


@pytest.mark.parametrize(
    ("costs", "load", "doubt"),
    [
        ([0.020, 0.021], 2.5, None),  # a quiet two-core machine: the benchmark's own workers and the probe
        ([0.020, 0.021], 3.2, "load average 3.2 on 2 cores"),
        ([0.020, 0.0225], 1.0, "the probe's medians in the reference's halves differ by 12%"),
        ([0.0225, 0.020], 1.0, "the probe's medians in the reference's halves differ by 12%"),
        ([0.020], 1.0, None),
    ],
)
def test_the_figure_at_one_speed_is_marked_where_it_cannot_be_read(
    probe: ModuleType, costs: list[float], load: float, doubt: str | None
) -> None:
    assert probe.unreliable_because(costs, load, 2) == doubt


def test_the_probe_times_parses_while_its_block_runs(probe: ModuleType) -> None:
    """The probe's process is ready (its model loaded) when the block starts, parses while it runs and
    hands back each parse's CPU seconds when it ends."""
    with probe.SpeedProbe(interval=0.01) as running:
        started = time.monotonic()
        time.sleep(1.0)
        ended = time.monotonic()
    assert running.samples  # model loaded before the block: parses fell inside it
    assert all(started - 1.0 <= at and 0 < cost < 5 for at, cost in running.samples)
    assert running.median_cost(probe.Window(1, ended - started, started, ended)) is not None


def _ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie waiting for whoever adopted it to reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status or "\nState:\tX" in status


def test_the_probe_ends_when_the_benchmark_is_killed(tmp_path: Path) -> None:
    """A benchmark killed inside its block leaves no probe parsing beside later measurements."""
    script = tmp_path / "killed_benchmark.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "import speed_probe\n"
        "if __name__ == '__main__':  # the probe's process is spawned: it imports this file again\n"
        "    with speed_probe.SpeedProbe(interval=0.05) as running:\n"
        "        print(running._process.pid, flush=True)\n"
        "        time.sleep(600)\n"
    )
    benchmark = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert benchmark.stdout is not None
        probe_pid = int(benchmark.stdout.readline())
        assert not _ended(probe_pid)
    finally:
        benchmark.send_signal(signal.SIGKILL)
        benchmark.wait()
    deadline = time.monotonic() + 30
    while not _ended(probe_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ended(probe_pid)
