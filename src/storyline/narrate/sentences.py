"""Reports split into sentences with character offsets.

Hand-written rather than spaCy's: the rule-based ``sentencizer`` attaches a sentence's opening quotation mark
to the sentence before it ('... on Monday. “' / 'We will go,” he said.') and took 6 s for the 500 ECB+
reports on this machine, and a parser pass would repeat the extract stage's cost. A line (paragraph) is
always a boundary; inside a line, a sentence ends at . ! ? … (with any closing quotes or brackets) before
whitespace and a capital, a digit or an opening quote — unless the period closes an abbreviation or an
initial ("Gen.", "U.S.", "J.").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storyline.narrate.records import Sentence

#: Words that end in a period without ending a sentence (titles, months, "No. 5", "etc." inside a list).
ABBREVIATIONS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cpt",
        "sgt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "st",
        "jr",
        "sr",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "cpl",
        "pvt",
        "brig",
        "fr",
        "mt",
        "ft",
        "vs",
        "etc",
        "inc",
        "corp",
        "co",
        "ltd",
        "llc",
        "plc",
        "dept",
        "univ",
        "est",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thurs",
        "fri",
        "sat",
        "sun",
        "al",
        "op",
        "cf",
        "ca",
    ]
)

#: Abbreviations only when a number follows ("No. 5").
NUMBER_SIGNS: frozenset[str] = frozenset({"no", "nos", "nr"})

_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"“‘«(\[]?[\w])")
_LINE = re.compile(r"[^\n]+")
#: Fewer letters and digits than this and a piece is no sentence (a stray bullet, a page number).
MIN_SENTENCE_CHARS = 3


def _word_before(line: str, end: int) -> str:
    """The run of word characters and periods ending at ``end`` (what ``[\\w.]+$`` matches up to there).

    Scanned back from ``end``: searching for the pattern from the line's start tried every position of a
    long paragraph once per sentence end in it (quadratic; most of narration's regex time, measured).
    ``\\w`` is exactly ``str.isalnum()`` or ``_`` (checked over every code point).
    """
    start = end
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "._"):
        start -= 1
    return line[start:end]


def _has_chars(text: str, needed: int) -> bool:
    """Whether ``text`` holds at least ``needed`` letters or digits (stops counting once it does)."""
    for ch in text:
        if ch.isalnum():
            needed -= 1
            if needed <= 0:
                return True
    return needed <= 0


def _closes_abbreviation(line: str, end: int) -> bool:
    """Whether the period before ``end`` ends an abbreviation or an initial rather than a sentence."""
    if line[end - 1] != ".":
        return False
    word = _word_before(line, end - 1)
    if not word:
        return False
    if "." in word:  # "U.S." "p.m." "e.g." — dotted abbreviations
        return True
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return True
    if word.casefold() in NUMBER_SIGNS:  # "No. 5", but "they said no. Then"
        return line[end:].lstrip()[:1].isdigit()
    return word.casefold() in ABBREVIATIONS


def _line_sentences(line: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _END.finditer(line):
        end = match.end()
        if _closes_abbreviation(line, match.start() + 1):
            continue
        yield start, end
        start = end
    yield start, len(line)


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """The sentences of a report's body, in order, each with its offsets into ``text``."""
    found: list[Sentence] = []
    for line in _LINE.finditer(text):
        for start, end in _line_sentences(line.group()):
            piece = line.group()[start:end]
            stripped = piece.strip()
            if not _has_chars(stripped, MIN_SENTENCE_CHARS):
                continue
            lead = len(piece) - len(piece.lstrip())
            begin = line.start() + start + lead
            found.append(Sentence(doc_id, begin, begin + len(stripped), stripped, len(found)))
    return found


#: Where the plainest splitter cuts: any . ! ? … (with closing quotes or brackets) before whitespace.
_ANY_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=\S)")


def split_pieces(doc_id: str, text: str) -> list[Sentence]:
    """``text`` cut wherever any sentence splitter might cut it ("U.S. Army" and "Mr. Olin" included).

    Citations are checked against these pieces, so a sentence said to be found in a report is found there
    however a reader splits the report's sentences: a coarser split only makes the pieces longer.
    """
    found: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = 0
        ends = [m.end() for m in _ANY_END.finditer(line.group())]
        for end in [*ends, len(line.group())]:
            piece = line.group()[start:end]
            stripped = piece.strip()
            if stripped:
                begin = line.start() + start + len(piece) - len(piece.lstrip())
                found.append(Sentence(doc_id, begin, begin + len(stripped), stripped, len(found)))
            start = end
    return found


def has_inner_break(sentence: str) -> bool:
    """Whether a plain splitter would cut ``sentence`` in two ("Mr. Olin said."): such a sentence may not
    be found whole in a sentence of its own report by a reader who splits that way."""
    return _ANY_END.search(sentence) is not None
