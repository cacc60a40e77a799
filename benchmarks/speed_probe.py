"""The machine's speed through a benchmark, sampled by a small slice of the spaCy reference run every second.

The whole pipeline's goal is a ratio of two wall-clock rates measured minutes apart (``pipeline_scale.py``),
and on the shared development machine (a KVM guest) the speed of a CPU-second drifted more than the code
moved: the reference's two halves differed by up to 18% within one run, and the same code's CPU seconds by
a quarter between runs. A ratio of CPU seconds does not cancel that (a slower host makes each CPU-second do
less, for the reference and the pipeline alike, but at different moments).

The probe parses one fixed text with the reference's own model (tok2vec, ner, parser) once a
``interval`` seconds in a process of its own, and records the CPU seconds that took (``time.thread_time``:
the probe's own, so waiting for a core is not counted). The median over a phase says how fast the machine
ran then, in the reference's own kind of work; :func:`speed_factor` turns the medians during the reference
and during the pipeline into the factor by which the machine's drift moved the wall ratio. Its cost: ~20 ms
of CPU a second on one of two cores, beside both the pipeline and the reference.

What it cannot see: cores taken by other processes (that lengthens the wall clock, not the probe's CPU
seconds). The figures are meant for a quiet machine, where the drift is the host's.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

#: Seconds between two probes.
PROBE_INTERVAL_S = 1.0
#: Seconds the probe may take to load its model before the benchmark gives up on it.
READY_WAIT_S = 300
#: Parses made and thrown away before the first one timed (the model's first calls allocate).
WARM_UP_PARSES = 5
#: The fixed text each probe parses: generated news prose, as the reference parses (~0.02 CPU s).
PROBE_TEXT = (
    "Anna Brandt said on Monday that the Kaldera Water Authority would review water levels at Brenlo "
    "after the flood near Brenlo in Ostrava. Officials in Ostrava said rescue teams at Brenlo had worked "
    "through the night as the flood spread. Local newspapers warned that the kestrel board needed more "
    "funding, and critics of the plan argued that the costs had risen faster than expected."
)


@dataclass(frozen=True)
class Window:
    """A stretch of a benchmark: what it did (``done`` items in ``wall`` seconds) and when, on
    ``time.monotonic``'s clock (the same clock in every process of the machine)."""

    done: int
    wall: float
    started: float
    ended: float


def _probe(conn: Connection, stop: Any, interval: float) -> None:
    """The probe's process: load the model, then time one parse of ``PROBE_TEXT`` every ``interval``
    seconds until ``stop`` is set, and send back ``[(monotonic time, CPU seconds), ...]``.

    It also ends when the benchmark that started it has gone (killed, or stopped by a signal before its
    ``with`` block closed): ``daemon`` ends a child only at its parent's normal exit, and an orphaned probe
    once parsed beside every later measurement of a session for nearly two hours."""
    parent = os.getppid()
    import spacy

    from storyline.extract.nlp import MODEL_PACKAGE

    nlp = spacy.load(MODEL_PACKAGE)
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in {"tok2vec", "ner", "parser"}])
    for _ in range(WARM_UP_PARSES):
        nlp(PROBE_TEXT)
    conn.send("ready")
    samples: list[tuple[float, float]] = []
    while not stop.is_set():
        if os.getppid() != parent:  # orphaned: adopted by another process
            return
        at, cpu = time.monotonic(), time.thread_time()
        nlp(PROBE_TEXT)
        samples.append((at, time.thread_time() - cpu))
        stop.wait(interval)
    conn.send(samples)
    conn.close()


class SpeedProbe:
    """The probe's process while the ``with`` block runs; its samples afterwards (``samples``)."""

    def __init__(self, interval: float = PROBE_INTERVAL_S) -> None:
        context = multiprocessing.get_context("spawn")  # not a copy of the benchmark's process
        self._stop = context.Event()
        self._receive, self._send = context.Pipe(duplex=False)
        self._process = context.Process(target=_probe, args=(self._send, self._stop, interval), daemon=True)
        self.samples: list[tuple[float, float]] = []

    def __enter__(self) -> SpeedProbe:
        """Start the probe and wait until its model is loaded: loading takes a core for seconds, which
        must not fall in the first phase timed."""
        self._process.start()
        self._send.close()  # the probe's end only: its exit reads as the end of the pipe here
        try:
            ready = self._receive.poll(READY_WAIT_S) and self._receive.recv() == "ready"
        except EOFError:  # the probe ended without a word (its model failed to load)
            ready = False
        if not ready:
            self._stop.set()
            self._process.terminate()
            raise RuntimeError(
                f"the speed probe ended or was not ready within {READY_WAIT_S} s (its model did not load);"
                " --probe-interval 0 runs the benchmark without it"
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        try:
            if self._receive.poll(60):
                self.samples = self._receive.recv()
        except EOFError:  # the probe ended without its samples: no figure at one machine speed
            self.samples = []
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()

    def median_cost(self, window: Window) -> float | None:
        """The median CPU seconds of the probes made within ``window``; None when there were none."""
        return median_cost(self.samples, window)


def median_cost(samples: Sequence[tuple[float, float]], window: Window) -> float | None:
    """The median CPU seconds of the ``samples`` taken within ``window``; None when none were."""
    costs = [cost for at, cost in samples if window.started <= at <= window.ended]
    return statistics.median(costs) if costs else None


#: The most the probe's medians in the reference's two halves may differ (as a share of the smaller) for
#: the figure at one machine speed to be read: the reference does the same work in both, so a larger gap
#: is the probe measuring something other than the host's speed (other work beside it, on a loaded machine).
HALVES_AGREE_WITHIN = 0.10


def unreliable_because(reference_costs: Sequence[float], load: float, cores: int) -> str | None:
    """Why the figure at one machine speed is not to be read, or None: the probe's cost moves with the work
    beside it as well as with the host's speed (a parse beside a memory-bound process measured up to 45%
    slower), which a quiet machine keeps small. So: a load average over ``cores`` + 1 (the benchmark's own
    two workers and the probe come to about 2-3 on a quiet two-core machine), or halves whose medians
    differ by more than :data:`HALVES_AGREE_WITHIN`."""
    if load > cores + 1:
        return f"load average {load:.1f} on {cores} cores"
    if len(reference_costs) >= 2:
        low, high = min(reference_costs), max(reference_costs)
        if high > low * (1 + HALVES_AGREE_WITHIN):
            return f"the probe's medians in the reference's halves differ by {high / low - 1:.0%}"
    return None


def speed_factor(pipeline_cost: float, reference: Sequence[tuple[Window, float]]) -> float:
    """The factor that puts a wall ratio (pipeline rate over reference rate) at one machine speed.

    Each phase's wall seconds are put at a common speed by dividing by the probe's median cost in it (a
    slower machine, a longer probe): the pipeline's ``wall / pipeline_cost``, the reference's the sum of
    its windows' ``wall / cost``. The ratio of rates at that speed is the measured ratio times
    ``pipeline_cost`` over the reference's wall-weighted harmonic mean cost: 1.0 when the probe ran as
    fast in both, above 1.0 when the machine ran slower during the pipeline.
    """
    walls = sum(window.wall for window, _ in reference)
    at_common_speed = sum(window.wall / cost for window, cost in reference)
    return pipeline_cost * at_common_speed / walls
