"""Whether a process forked beside a stage fits the run's memory budget, from the peak it took last time.

A forked process shares the pages its parent held when it forked; what it adds to the machine is what it
takes beyond them. Each such process measures that (its peak resident size less the pages it still shares
as it ends, :func:`own_peak_mib`) and its parent keeps the figure in the store's state; the next run forks
only when the parent's size now plus that figure fits under the budget and under what the system has available
(:func:`fits`). Otherwise the stage does the work itself, one step after another in one process: the
stored results are the same either way, only the two never overlap.

The parent's size to add the process's peak to is the larger of its size now and the peak the parent had
reached when it last took the process's result (kept beside the process's peak): the parent goes on working
while the process runs (the extract stage's resolution beside the link steps, the link stage's own steps
beside the events coding), and its size when it forks says nothing of that. With no usable record, the
process is forked only when the parent alone is within the budget.

That decision is a forecast from the last run; the forked process also watches the budget while it runs
(:func:`storyline.run.forked.fork` with a budget): when its own pages and its parent's size pass it before
its work is done (the first run of a large store, with no record; a run that grows past its record), it
ends without a result, its peak so far is kept, and the stage does the work itself after its own. The two
then pass the budget by at most what they take between two looks
(:data:`storyline.run.forked.WATCH_INTERVAL_S`), and the kept peak keeps later runs from forking.

A kept peak is not a refusal for good: the store may shrink, or the peak may have come from a parent swollen
by other work. The record counts the runs it kept from forking (:func:`with_refusal`); after
:data:`REFUSALS_BEFORE_RETRY` of them the next run forks as though none were kept (when this process alone is
within the budget), to measure again. The watch bounds that try as it bounds a first run: at worst the
process ends at the budget, and the core it worked on would have been idle.

The budget is :data:`BUDGET_MIB` unless the environment sets :data:`BUDGET_VARIABLE` (MiB; 0 turns the
bound off, the check against what the system has available too). Sizes are read from ``/proc`` (psutil is
not a dependency; forking is Linux's default start method, and elsewhere nothing is forked): where it cannot
be read, nothing bounds the fork, as before.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

from storyline.errors import StorylineError

#: The whole run's memory, its own process and a forked one together (MiB): the goal of issue 14.
BUDGET_MIB = 2048
#: The environment variable that sets another budget in MiB (0: no bound).
BUDGET_VARIABLE = "STORYLINE_MEMORY_BUDGET_MIB"
#: Runs in a row a kept peak keeps the process from forking before one forks again to measure it afresh:
#: one run in five tries (a try that does not fit costs only the idle core's work, the watch bounds it).
REFUSALS_BEFORE_RETRY = 4

_MIB = 2**20


class BudgetError(StorylineError, ValueError):
    """The memory budget in the environment is not a whole number of MiB."""


def budget_mib() -> int:
    """The run's memory budget: :data:`BUDGET_VARIABLE` when set, else :data:`BUDGET_MIB`."""
    value = os.environ.get(BUDGET_VARIABLE, "").strip()
    if not value:
        return BUDGET_MIB
    try:
        budget = int(value)
    except ValueError:
        budget = -1
    if budget < 0:
        raise BudgetError(f"{BUDGET_VARIABLE} needs a whole number of MiB (0: no bound), got {value!r}")
    return budget


def resident_mib(pid: int | None = None) -> int | None:
    """The resident size now (MiB) of this process, or of process ``pid``; None where ``/proc`` does not
    say (or the process is gone)."""
    try:
        pages = int(Path(f"/proc/{pid or 'self'}/statm").read_text().split()[1])
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


def peak_mib() -> int:
    """This process's peak resident size so far (MiB; a forked process's since it was forked)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux


def private_mib() -> int | None:
    """This process's private pages now (MiB): its own, and those it copied from its parent on writing to
    them, which its resident size does not show (a shared page it copies was resident already)."""
    try:
        fields = Path("/proc/self/smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    kib = 0
    for line in fields:
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            try:
                kib += int(line.split()[1])
            except (IndexError, ValueError):
                return None
    return kib // 1024


def own_peak_mib(started_mib: int | None) -> int | None:
    """What this (forked) process took at its peak beyond the pages it shares with its parent (MiB).

    The pages still shared now are its resident size less its private pages (``smaps_rollup``); those it
    shared at its peak were at least these (a shared page only stops being shared: copied on a write, or
    let go by one side), so its peak less them is at least what it held alone then: the pages it copied
    from its parent (touching an object writes its reference count) count as its own, though they do not
    raise its resident size. Where ``smaps_rollup`` does not say: its peak less ``started_mib``, its size
    as it started."""
    private, resident = private_mib(), resident_mib()
    if private is not None and resident is not None:
        shared = resident - private
    elif started_mib is not None:
        shared = started_mib
    else:
        return None
    return max(peak_mib() - shared, private or 0, 0)


def passes_budget(parent: int, own: int, budget: int) -> bool:
    """Whether a forked process holding ``own`` MiB of its own beside its parent's ``parent`` resident MiB
    (which count the pages the two share once) takes the two past ``budget`` (0: no bound)."""
    return budget > 0 and parent + own > budget


def record(peak: int, parent_peak: int) -> dict[str, int]:
    """What is kept of a forked process's run: its ``peak`` beyond what it shared, and its parent's peak
    when the result was taken (MiB)."""
    return {"peak_mib": peak, "parent_mib": parent_peak}


def _size(record: dict[str, Any], name: str) -> int | None:
    size = record.get(name)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return None
    return size


def recorded_peak(record: Any) -> int | None:
    """The process's peak in a kept record (:func:`record`), or None when there is none or it is damaged."""
    return _size(record, "peak_mib") if isinstance(record, dict) else None


def refusals(record: Any) -> int:
    """How many runs in a row a kept record kept the process from forking (0 where it does not say)."""
    return (_size(record, "refused") or 0) if isinstance(record, dict) else 0


def with_refusal(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` having kept one more run from forking."""
    return {**record, "refused": refusals(record) + 1}


def fits(record: Any, budget: int, resident: int | None, available: int | None) -> bool:
    """Whether a process forked now, taking the peak ``record`` kept beyond what it shares, fits: this
    process's size (``resident`` now, or the peak it reached beside the process last time if more) plus
    that peak under ``budget``, and the peak under ``available``. With no usable record (the first run, or
    a damaged one), or one that kept :data:`REFUSALS_BEFORE_RETRY` runs in a row from forking, it is forked
    when this process alone is within the budget, and the peak it takes kept."""
    if budget == 0:
        return True
    peak = recorded_peak(record)
    alone_within = resident is None or resident <= budget
    if peak is None:
        return alone_within
    if refusals(record) >= REFUSALS_BEFORE_RETRY:  # measure again, but not past what the system has
        return alone_within and (available is None or peak <= available)
    parent = max(resident or 0, _size(record, "parent_mib") or 0)
    if parent + peak > budget:
        return False
    return available is None or peak <= available
