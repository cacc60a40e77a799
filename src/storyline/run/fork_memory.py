"""Whether a process forked beside a stage fits the run's memory budget, from the peak it took last time.

A forked process shares the pages its parent held when it forked; what it adds to the machine is what it
takes beyond them. Each such process measures that (its peak resident size less its size as it started,
:func:`own_peak_mib`) and its parent keeps the figure in the store's state; the next run forks only when
the parent's size now plus that figure fits under the budget and under what the system has available
(:func:`fits`). Otherwise the stage does the work itself, one step after another in one process: the
stored results are the same either way, only the two never overlap.

The budget is :data:`BUDGET_MIB` unless the environment sets :data:`BUDGET_VARIABLE` (MiB; 0 turns the
bound off). Sizes are read from ``/proc`` (psutil is not a dependency; forking is Linux's default start
method, and elsewhere nothing is forked): where it cannot be read, nothing bounds the fork, as before.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

#: The whole run's memory, its own process and a forked one together (MiB): the goal of issue 14.
BUDGET_MIB = 2048
#: The environment variable that sets another budget in MiB (0: no bound).
BUDGET_VARIABLE = "STORYLINE_MEMORY_BUDGET_MIB"

_MIB = 2**20


def budget_mib() -> int:
    """The run's memory budget: :data:`BUDGET_VARIABLE` when set, else :data:`BUDGET_MIB`."""
    value = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not value:
        return BUDGET_MIB
    try:
        return max(0, int(value))
    except ValueError:
        raise ValueError(f"{BUDGET_VARIABLE} needs a whole number of MiB, got {value!r}") from None


def resident_mib() -> int | None:
    """This process's resident size now (MiB), or None where ``/proc`` does not say."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") // _MIB


def available_mib() -> int | None:
    """What the system can give without swapping (``MemAvailable``, MiB), or None where it does not say."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, IndexError, ValueError):
        return None
    return None


def own_peak_mib(started_mib: int | None) -> int | None:
    """What this (forked) process took at its peak beyond ``started_mib``, its size as it started: the pages
    it shared with its parent then are counted in the parent's size."""
    if started_mib is None:
        return None
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux; since the fork
    return max(0, peak_mib - started_mib)


def recorded_peak(record: Any) -> int | None:
    """The peak in a kept record (``{"peak_mib": N}``), or None when there is none or it is damaged."""
    if not isinstance(record, dict):
        return None
    peak = record.get("peak_mib")
    if isinstance(peak, bool) or not isinstance(peak, int) or peak < 0:
        return None
    return peak


def fits(record: Any, budget: int, resident: int | None, available: int | None) -> bool:
    """Whether a process forked now, taking the peak ``record`` kept beyond what it shares, fits: this
    process's ``resident`` size plus that peak under ``budget``, and the peak under ``available``. With no
    usable record (the first run, or a damaged one) it is forked, and the peak it takes is recorded."""
    peak = recorded_peak(record)
    if peak is None or budget == 0:
        return True
    if resident is not None and resident + peak > budget:
        return False
    return available is None or peak <= available
