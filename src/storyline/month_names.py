"""English month names, lowercase, January first: one table for every module that reads dates in text.

Written out rather than taken from ``calendar.month_name``, which follows the process's locale.
"""

from __future__ import annotations

MONTH_NAMES: tuple[str, ...] = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
