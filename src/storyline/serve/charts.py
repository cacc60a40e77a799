"""Geometry for the timelines the web UI draws as SVG on the server (pure: dates in, coordinates out).

Hand-written because the shapes are simple (bars and dots on a date axis) and drawing them on the server
keeps them working without JavaScript; the templates put the numbers into SVG elements, escaping every
label.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WIDTH = 960
LABEL_WIDTH = 300
ROW_HEIGHT = 26
AXIS_HEIGHT = 28


def period(value: str | None) -> tuple[date, date] | None:
    """The first and last day an ISO date at year, month or day precision covers; None when unreadable."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value[:10].split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], 1), date(parts[0], parts[1], last)
        day = date(parts[0], parts[1], parts[2])
        return day, day
    except ValueError:
        return None


@dataclass(slots=True)
class Timeline:
    """Rows of bars (a span) or dots (a day) on one date axis."""

    width: int = WIDTH
    height: int = AXIS_HEIGHT
    rows: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    undated: list[dict[str, Any]] = field(default_factory=list)


def _ticks(first: date, last: date, x: Any) -> list[dict[str, Any]]:
    """About six labelled ticks: months when the span is under two years, else years."""
    ticks = []
    months = (last.year - first.year) * 12 + last.month - first.month
    step = max(1, months // 6) if months < 24 else 12 * max(1, (last.year - first.year) // 6)
    current = date(first.year, first.month if months < 24 else 1, 1)
    while current <= last:
        if current >= first:
            label = current.strftime("%b %Y") if months < 24 else str(current.year)
            ticks.append({"x": x(current), "label": label})
        month = current.month - 1 + step
        current = date(current.year + month // 12, month % 12 + 1, 1)
    return ticks


def _span_label(start: str | None, end: str | None) -> str:
    return f"{start} – {end}" if end and end != start else start or ""


def timeline(items: list[dict[str, Any]], start_key: str, end_key: str | None = None) -> Timeline:
    """Lay out ``items`` (dicts with a ``label``, an ``href`` and ISO dates under ``start_key``/``end_key``),
    one row each, in date order; items without a readable date are listed apart as ``undated``."""
    dated = []
    chart = Timeline()
    for item in items:
        begins = period(item.get(start_key))
        ends = period(item.get(end_key)) if end_key else begins
        if begins is None:
            chart.undated.append(item)
            continue
        dated.append((begins[0], (ends or begins)[1], item))
    if not dated:
        return chart
    dated.sort(key=lambda d: (d[0], d[1]))
    first = min(d[0] for d in dated)
    last = max(d[1] for d in dated)
    span = max((last - first).days, 1)
    plot = chart.width - LABEL_WIDTH - 20

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - first).days / span, 1)

    for n, (begins, ends, item) in enumerate(dated):
        left, right = x(begins), x(ends)
        chart.rows.append(
            {
                **item,
                "y": AXIS_HEIGHT + n * ROW_HEIGHT,
                "x": left,
                "w": max(right - left, 6.0),
                "cx": round((left + right) / 2, 1),
                "dates": _span_label(item.get(start_key), item.get(end_key) if end_key else None),
            }
        )
    chart.height = AXIS_HEIGHT + len(dated) * ROW_HEIGHT + 8
    chart.ticks = _ticks(first, last, x)
    return chart
