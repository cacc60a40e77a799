"""An independent check of citations: a sentence is found in a document when at least 80% of its words
(with repeats, case and punctuation ignored) occur in one sentence of that document.

Written apart from storyline.narrate on purpose, so the tests do not grade the code with its own ruler.
Sentences are cut the plainest way, at every . ! ? before whitespace (so "Mr." and "U.S." end one) and at
line breaks: the strictest reader. Any smarter splitter gives longer sentences, which can only hold more.
"""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+|\n+")


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in WORD.findall(text))


def best_overlap(sentence: str, document: str) -> float:
    """The largest share of ``sentence``'s words any one sentence of ``document`` holds."""
    wanted = words(sentence)
    total = sum(wanted.values())
    best = 0.0
    for piece in SENTENCE_END.split(document):
        have = words(piece)
        best = max(best, sum(min(n, have[w]) for w, n in wanted.items()) / total if total else 0.0)
    return best


def assert_found_in_each(text: str, documents: list[str], bodies: dict[str, str]) -> None:
    assert documents, f"no document cited for {text!r}"
    for doc in documents:
        share = best_overlap(text, bodies[doc])
        assert share >= 0.8, f"{text!r} is not found in {doc} (best overlap {share:.2f})"


def states(sentence: str, document: str) -> bool:
    """Whether one sentence of ``document`` holds 80% of ``sentence``'s words and every number it gives."""
    numbers = {w for w in words(sentence) if any(c.isdigit() for c in w)}
    for piece in SENTENCE_END.split(document):
        have = words(piece)
        if numbers <= set(have) and best_overlap(sentence, piece) >= 0.8:
            return True
    return False
