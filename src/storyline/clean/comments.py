"""Find where a page's reader-comment section starts.

A comment section is opened by a heading or widget line ("1 Comment", "Leave a Reply", "Notify of",
"Kommentare", "Комментарии" ... see ``markers.COMMENT_OPENER``). The same words also appear in share
bars above an article, so an opener only counts once enough body-like text has come before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storyline.clean import entries

#: Body-like words that must come before an opener for it to open the comment section.
MIN_BODY_WORDS_BEFORE_COMMENTS = 40
#: Probability from which a line counts as body-like for that purpose.
BODY_LIKE_PROBABILITY = 0.5


def comment_section_start(
    openers: Sequence[bool], probabilities: Sequence[float], words: Sequence[float]
) -> int | None:
    """Index of the line that opens the comment section, or None when the page has none."""
    body_words = 0.0
    for i, is_opener in enumerate(openers):
        if is_opener and body_words >= MIN_BODY_WORDS_BEFORE_COMMENTS:
            return i
        if probabilities[i] >= BODY_LIKE_PROBABILITY:
            body_words += words[i]
    return None


#: A run of signed entries is a comment thread from this many entries on ...
MIN_THREAD_ENTRIES = 3
#: ... each spanning at most this many lines up to the next signature ...
MAX_ENTRY_LINES = 12
#: ... and opening on its comment, a sentence of at least this many words ...
MIN_COMMENT_WORDS = 5
#: ... written by many people: at least this share of the entries has an author of its own (a list of
#: teasers repeats its section labels, "Video", "Listen", "See the story").
MIN_AUTHOR_SHARE = 1 / 3


@dataclass(frozen=True, slots=True)
class Signature:
    """A comment's signature in a text rendering: its first and last line, and its author."""

    first: int
    last: int
    author: str


def signatures(texts: Sequence[str]) -> list[Signature]:
    """Every comment signature: an author line beside a time stamp, or both on one line, with the
    comment's first line right after it."""
    found: list[Signature] = []
    for i, text in enumerate(texts):
        if not entries.is_stamp(text):
            continue
        one_line = entries.signature_author(text)
        if one_line:
            found.append(Signature(i, i, one_line))
            continue
        for j in (i - 1, i + 1):
            author = entries.author_of(texts[j]) if 0 <= j < len(texts) else None
            if author and not (found and found[-1].last >= min(i, j)):
                found.append(Signature(min(i, j), max(i, j), author))
                break
    return [sig for sig in found if sig.last + 1 < len(texts) and _opens_comment(texts[sig.last + 1])]


def _opens_comment(text: str) -> bool:
    """A comment starts right under its signature; a teaser card has its headline there."""
    return entries.is_prose(text, MIN_COMMENT_WORDS)


def _is_thread(texts: Sequence[str], chain: list[Signature]) -> bool:
    """Enough entries, by enough different people, and not a list of teaser cards (whose entries each
    have a headline right above their signature, where a thread has the previous comment)."""
    if len(chain) < MIN_THREAD_ENTRIES or len({sig.author for sig in chain}) < max(
        2, MIN_AUTHOR_SHARE * len(chain)
    ):
        return False
    headlines = sum(sig.first > 0 and entries.is_headline(texts[sig.first - 1]) for sig in chain)
    return headlines * 2 <= len(chain)


def signed_threads(texts: Sequence[str]) -> list[list[Signature]]:
    """Runs of signed entries, each signature at most ``MAX_ENTRY_LINES`` lines after the one before,
    that make a thread (``_is_thread``): a live blog's updates by one reporter are not one."""
    threads: list[list[Signature]] = []
    chain: list[Signature] = []
    for sig in signatures(texts):
        if chain and sig.first - chain[-1].first > MAX_ENTRY_LINES:
            if _is_thread(texts, chain):
                threads.append(chain)
            chain = []
        chain.append(sig)
    if _is_thread(texts, chain):
        threads.append(chain)
    return threads


def entry_section_start(
    texts: Sequence[str], probabilities: Sequence[float], words: Sequence[float]
) -> int | None:
    """Where a thread of signed comments begins (its first signature), or None.

    Like an opener line, a thread only counts after ``MIN_BODY_WORDS_BEFORE_COMMENTS`` body-like words:
    the article comes first, however long the thread below it is.
    """
    for thread in signed_threads(texts):
        first = thread[0].first
        body_words = sum(
            w for w, p in zip(words[:first], probabilities[:first], strict=True) if p >= BODY_LIKE_PROBABILITY
        )
        if body_words >= MIN_BODY_WORDS_BEFORE_COMMENTS:
            return first
    return None
