"""Indexes the read-side queries need on a large store: filters, sorts and facets by outlet, language, date,
story, thread and duplicate without reading every row (a document row holds its text and raw page, so a
full scan of 10,000 documents reads ~40 MB).

Created by ``storyline serve`` when it starts (``CREATE INDEX IF NOT EXISTS``: once per store, then a
no-op); a store without them still answers every query, only slower.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

READ_INDEXES: dict[str, str] = {
    "documents_published": "documents(published, seq)",
    "documents_outlet": "documents(outlet, published)",
    "documents_language": "documents(language)",
    "documents_story": "documents(story_id)",
    "documents_thread": "documents(thread_id)",
    "documents_duplicate_of": "documents(duplicate_of)",
}


def ensure_read_indexes(db: str | Path, wait_seconds: float = 2.0) -> list[str]:
    """Create the missing :data:`READ_INDEXES` on ``db``; returns the names created.

    Raises ``sqlite3.OperationalError`` when another writer holds the database longer than ``wait_seconds``
    (the caller goes on without them).
    """
    connection = sqlite3.connect(db, timeout=wait_seconds, isolation_level=None)
    try:
        present = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        missing = {name: spec for name, spec in READ_INDEXES.items() if name not in present}
        if missing:
            connection.execute("BEGIN IMMEDIATE")
            for name, spec in missing.items():
                connection.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {spec}")
            connection.execute("COMMIT")
        return sorted(missing)
    finally:
        connection.close()
