"""Find where a page's reader-comment section starts.

A comment section is opened by a heading or widget line ("1 Comment", "Leave a Reply", "Notify of",
"Kommentare", "Комментарии" ... see ``markers.COMMENT_OPENER``). The same words also appear in share
bars above an article, so an opener only counts once enough body-like text has come before it.
"""

from __future__ import annotations

from collections.abc import Sequence

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
