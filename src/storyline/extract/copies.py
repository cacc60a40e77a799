"""Word-for-word copies in one parse: a text already given to the parser is not parsed again.

A news pile carries the same report under several pages (a wire story on many sites, the same article found
in a feed and in a WARC): their bodies differ as pages but their parse input (title + body, bounded) is the
same string. A document's analysis is a function of that string and of its id, which only labels the records
(``doc_id`` of the analysis, its mentions, quotes and event candidates), so a copy's analysis is the first
one's with the id swapped: the same records parsing it gives (a test parses both and compares), at no parse.
"""

from __future__ import annotations

from dataclasses import replace

from storyline.events.candidates import EventCandidate
from storyline.extract.analysis import DocAnalysis
from storyline.extract.mentions import Mention
from storyline.extract.quotes import QuoteCandidate


def with_doc_id(analysis: DocAnalysis, doc_id: str) -> DocAnalysis:
    """``analysis`` as the analysis of the same text under ``doc_id``."""

    def mention(m: Mention) -> Mention:
        return replace(m, doc_id=doc_id)

    def quote(q: QuoteCandidate) -> QuoteCandidate:
        return replace(q, doc_id=doc_id, speaker=mention(q.speaker) if q.speaker else None)

    def event(e: EventCandidate) -> EventCandidate:
        return replace(e, doc_id=doc_id)

    return replace(
        analysis,
        doc_id=doc_id,
        mentions=tuple(map(mention, analysis.mentions)),
        quotes=tuple(map(quote, analysis.quotes)),
        events=tuple(map(event, analysis.events)),
    )


class ParseCopies:
    """The documents of one parse whose text an earlier document of it already has.

    Only a digest of each text is held (:func:`storyline.ids.text_digest`, which the stage records anyway
    as the text an analysis was parsed from), never the texts.
    """

    def __init__(self) -> None:
        self._first: dict[str, str] = {}
        self._copies: dict[str, list[str]] = {}  # first document -> its copies, until its analysis is back
        self.count = 0

    def is_copy(self, doc_id: str, digest: str) -> bool:
        """Whether the text of ``digest`` (its :func:`storyline.ids.text_digest`) was seen before in this
        parse (then ``doc_id`` takes that document's analysis)."""
        first = self._first.setdefault(digest, doc_id)
        if first == doc_id:
            return False
        self._copies.setdefault(first, []).append(doc_id)
        self.count += 1
        return True

    def with_copies(self, parsed: list[DocAnalysis]) -> list[DocAnalysis]:
        """``parsed`` followed by the analyses of the copies of its documents seen so far."""
        copies = [
            with_doc_id(analysis, copy)
            for analysis in parsed
            for copy in self._copies.pop(analysis.doc_id, ())
        ]
        return parsed + copies if copies else parsed

    def late(self) -> dict[str, list[str]]:
        """Once every parsed batch is back: the copies seen after their first document's analysis had
        gone by (parse batches run ahead of the texts read), by first document; they are forgotten here."""
        late, self._copies = self._copies, {}
        return late
