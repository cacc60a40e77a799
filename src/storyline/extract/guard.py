"""Bound the text handed to spaCy: a length cap, and runs of symbols that make its tokenizer quadratic cut.

Pure text functions; the time budget around the parse lives in :mod:`storyline.stages.extract_guard`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Characters parsed per document. spaCy's parser and NER need about 1 GB of memory per 100,000 characters
#: and refuse texts over ``nlp.max_length`` (1,000,000); a longer body is cut to this prefix (at a line
#: break where there is one): the lead, where a report names its actors and quotes them, is kept, and the
#: page still gets entities and quotes instead of none.
MAX_PARSE_CHARS = 100_000
#: Longest run of symbols (neither letter, digit nor space) kept as it is. spaCy's tokenizer splits such a
#: run one prefix or suffix at a time, rescanning the rest each time: 5,000 "(" take seconds, 40,000 take
#: minutes. Real text never needs more than a few in a row ("?!", "...", "--", an emoji pair).
MAX_SYMBOL_RUN = 16
_SYMBOL_RUN = re.compile(rf"[^\w\s]{{{MAX_SYMBOL_RUN + 1},}}")


@dataclass(frozen=True, slots=True)
class BoundedText:
    """The text to parse, and what bounding it changed (None when nothing)."""

    text: str
    note: str | None


def _blank_excess(match: re.Match[str]) -> str:
    run = match[0]
    return run[:MAX_SYMBOL_RUN] + " " * (len(run) - MAX_SYMBOL_RUN)


def bound_for_parsing(text: str, max_chars: int | None = None) -> BoundedText:
    """``text`` made safe to parse: cut to ``max_chars`` (default ``MAX_PARSE_CHARS``) and long symbol runs
    blanked.

    Every character keeps its offset (the excess of a symbol run becomes spaces, a cut keeps a prefix), so
    offsets found in the parsed text are offsets in the original.
    """
    notes = []
    max_chars = max_chars or MAX_PARSE_CHARS
    if len(text) > max_chars:
        cut = text.rfind("\n", max_chars // 2, max_chars)
        cut = cut if cut > 0 else max_chars
        notes.append(
            f"body of {len(text):,} characters is over the parse limit of {max_chars:,}:"
            f" entities and quotes come from its first {cut:,} characters"
        )
        text = text[:cut]
    blanked, runs = _SYMBOL_RUN.subn(_blank_excess, text)
    if runs:
        notes.append(f"{runs} run(s) of more than {MAX_SYMBOL_RUN} symbols in a row were cut before parsing")
    return BoundedText(blanked, "; ".join(notes) or None)
