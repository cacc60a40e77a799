"""Exceptions that front ends catch and report, kept free of heavy imports."""

from __future__ import annotations


class StorylineError(Exception):
    """An error a front end reports as one clear line (no traceback): the message names what and why."""


class ModelNotInstalledError(RuntimeError):
    """A model package the pipeline needs is missing from the environment (the message names it)."""


class StoreBusyError(StorylineError):
    """Another process holds the database's write lock longer than we were willing to wait."""


class StoreWriteError(StorylineError):
    """A write to the database failed (disk full, I/O error, read-only file); the failed batch was rolled
    back and everything committed before it is kept."""


class StoreChangedError(StorylineError):
    """Another writer deleted a document a running stage was still working on. The stage stops before it
    stores what it was making; what it had stored is kept, and running it again finishes the work."""


class ReadOnlyStoreError(StorylineError):
    """A write was attempted through a store opened read-only."""


class SearchQueryError(StorylineError, ValueError):
    """A search query that is not valid FTS5 syntax, is too large, or ran past its time budget."""
