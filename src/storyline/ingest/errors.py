"""The one exception readers raise for a whole unreadable file; per-record problems are yielded instead."""

from __future__ import annotations


class UnreadableInput(Exception):
    """A file (or record) that cannot be read as a page, with a reason meant for the user."""
