"""Read-only queries over a Storyline database: what the REST API, the web UI and ``storyline search`` show.

>>> with Reader("news.db") as reader:                       # doctest: +SKIP
...     page = reader.documents(DocumentFilter(q="bridge", outlet="Valley Herald"), Page(0, 20))
"""

from storyline.query.filters import DOCUMENT_SORTS, DocumentFilter, Page, QueryError
from storyline.query.reader import DatabaseMissingError, QueryTimeoutError, Reader

__all__ = [
    "DOCUMENT_SORTS",
    "DatabaseMissingError",
    "DocumentFilter",
    "Page",
    "QueryError",
    "QueryTimeoutError",
    "Reader",
]
