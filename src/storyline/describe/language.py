"""The language of a clean body, by py3langid (its model ships inside the package)."""

from __future__ import annotations

from storyline.language_model import normalised_identifier

#: Fewer letters than this is too little text to name a language reliably.
MIN_LETTERS = 20
#: The first this many characters decide: more text costs time without changing the answer.
SAMPLE_CHARS = 3000
#: Below this normalised probability the answer is a guess; report None instead.
MIN_CONFIDENCE = 0.5


def _has_letters(text: str, needed: int) -> bool:
    """Whether ``text`` holds at least ``needed`` letters (stops counting once it does)."""
    for ch in text:
        if ch.isalpha():
            needed -= 1
            if needed <= 0:
                return True
    return False


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when the text is too short or the model unsure."""
    sample = (text or "")[:SAMPLE_CHARS]
    if not _has_letters(sample, MIN_LETTERS):
        return None
    code, confidence = normalised_identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None
