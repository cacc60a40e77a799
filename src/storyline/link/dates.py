"""Publication dates at their precision as intervals of day numbers, so "2015" and "2015-12-23" compare."""

from __future__ import annotations

import calendar
from datetime import date

DAY_PRECISION_PARTS = 3


def day_interval(published: str | None) -> tuple[int, int] | None:
    """The first and last day (proleptic ordinals) a partial ISO date may mean; None when unknown/invalid."""
    if not published:
        return None
    try:
        parts = [int(p) for p in published.strip()[:10].split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1).toordinal(), date(parts[0], 12, 31).toordinal()
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1).toordinal(), date(parts[0], parts[1], last).toordinal()
        if len(parts) == DAY_PRECISION_PARTS:
            day = date(parts[0], parts[1], parts[2]).toordinal()
            return day, day
    except ValueError:
        return None
    return None
