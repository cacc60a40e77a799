"""Storyline: turn raw scraped news into a clean, deduplicated, source-attributed record of what happened.

The public API::

    import storyline
    with storyline.open("news.db") as sl:
        report = sl.run(["pages/"])
        sl.export("out/", "jsonl")
"""

from storyline.api import DEFAULT_DB, RunReport, Storyline, open
from storyline.model import Article, Description, IngestReport, RawPage, ReadError, RemovedBlock

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_DB",
    "Article",
    "Description",
    "IngestReport",
    "RawPage",
    "ReadError",
    "RemovedBlock",
    "RunReport",
    "Storyline",
    "__version__",
    "open",
]
