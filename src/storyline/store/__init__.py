"""Storage behind a small interface; SQLite by default."""

from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store"]
