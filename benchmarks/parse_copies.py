"""How many of a store's documents are word-for-word copies of another's parse input (the extract stage
parses each distinct text once: ``storyline/extract/copies.py``), and the parse that saves.

Usage::

    PYTHONPATH=src python benchmarks/parse_copies.py STORE.db [STORE.db ...]

Reads each store (one ``storyline run`` or ``ingest`` + document stage made) and prints its documents with a
body, their distinct parse inputs (title + body, bounded as the extract stage bounds them), and the copies the
stage does not parse. Nothing is parsed or written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from storyline.extract.copies import ParseCopies
from storyline.ids import text_digest
from storyline.stages.extract import PARSE_COLUMNS, analysed_text
from storyline.stages.extract_guard import bound_for_parsing
from storyline.store.sqlite import SQLiteStore


def count_copies(db: Path) -> tuple[int, int]:
    """(documents with a body, copies among them the extract stage would not parse) of the store at ``db``."""
    store = SQLiteStore(db)
    try:
        copies = ParseCopies()  # the stage's own rule
        documents = 0
        for doc in store.documents(columns=PARSE_COLUMNS):
            if (doc.get("text") or "").strip():
                documents += 1
                copies.is_copy(doc["id"], text_digest(bound_for_parsing(analysed_text(doc)[0]).text))
        return documents, copies.count
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stores", nargs="+", type=Path)
    for db in parser.parse_args().stores:
        documents, copies = count_copies(db)
        share = copies / documents if documents else 0.0
        print(f"{db}: {documents} documents with a body, {copies} copies not parsed ({share:.1%})")


if __name__ == "__main__":
    main()
