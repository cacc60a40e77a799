"""Fast lookups over a parsed ``Doc`` that do not make a Python ``Token`` per word.

Every ``for token in doc`` (or ``doc.text``, which joins every token) builds one ``Token`` object per word:
the per-document analysis of 200 ECB+ reports made 1.0 million of them (~9,700 per generated 670-word
report). The rules only look at a handful of words (trigger words, speech verbs, role titles, proper
nouns), so they ask for those words' positions here, found over spaCy's own attribute arrays (string
hashes), and touch only those tokens. The arrays are read once per document and kept in ``doc.user_data``.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

from spacy.attrs import DEP, LOWER, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

_TEXT_KEY = "storyline.text"
_COLUMNS_KEY = "storyline.columns"
_SENTENCES_KEY = "storyline.sentences"
_ENTITIES_KEY = "storyline.entities"
_ATTRS = (LOWER, TAG, DEP)


def remember_text(doc: Doc, text: str) -> None:
    """Record ``doc``'s text as read before parsing (spaCy keeps every character, so it is ``doc.text``)."""
    doc.user_data[_TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document: spaCy joins every token's text again on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def sentences(doc: Doc) -> tuple[Span, ...]:
    """``doc.sents``, made once per document: spaCy scans every token's sentence flag on each pass. (A tuple:
    every reader shares it.)"""
    found = doc.user_data.get(_SENTENCES_KEY)
    if found is None:
        found = doc.user_data[_SENTENCES_KEY] = tuple(doc.sents)
    return found  # type: ignore[no-any-return]


def entities(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, made once per document: spaCy builds the spans from every token on each access."""
    found = doc.user_data.get(_ENTITIES_KEY)
    if found is None:
        found = doc.user_data[_ENTITIES_KEY] = doc.ents
    return found  # type: ignore[no-any-return]


def forget_spans(doc: Doc) -> None:
    """Drop the sentences and entities kept for ``doc``. A ``Span`` holds its ``Doc``, so spans kept in the
    Doc's own ``user_data`` make a reference cycle: without this the parsed Doc (its token arrays and
    tensor) outlives its analysis until Python's cycle collector runs, dozens of Docs at a time."""
    doc.user_data.pop(_SENTENCES_KEY, None)
    doc.user_data.pop(_ENTITIES_KEY, None)


def _columns(doc: Doc) -> tuple[list[int], list[int], list[int]]:
    columns = doc.user_data.get(_COLUMNS_KEY)
    if columns is None:
        array = doc.to_array(list(_ATTRS)).reshape(len(doc), len(_ATTRS))
        columns = doc.user_data[_COLUMNS_KEY] = tuple(array.T.tolist())
    return columns  # type: ignore[no-any-return]


@functools.cache
def _ids(strings: frozenset[str]) -> frozenset[int]:
    # A set of string hashes: membership of plain ints beat ``numpy.isin`` (which sorts) by ~10x per document.
    return frozenset(get_string_id(s) for s in strings)


def positions(doc: Doc, lowercase_words: frozenset[str]) -> list[int]:
    """Indices, in order, of the tokens whose lowercase form is one of ``lowercase_words``."""
    wanted = _ids(lowercase_words)
    return [i for i, lower in enumerate(_columns(doc)[0]) if lower in wanted]


def tagged(doc: Doc, tags: frozenset[str], unless_dep: frozenset[str] = frozenset()) -> list[int]:
    """Indices, in order, of the tokens with one of ``tags`` and a dependency label not in ``unless_dep``."""
    _, tag_ids, dep_ids = _columns(doc)
    wanted, unwanted = _ids(tags), _ids(unless_dep)
    return [
        i
        for i, (tag, dep) in enumerate(zip(tag_ids, dep_ids, strict=True))
        if tag in wanted and dep not in unwanted
    ]


def within(indices: Sequence[int], start: int, end: int) -> Sequence[int]:
    """The indices in ``[start, end)`` (``indices`` sorted)."""
    return indices[bisect.bisect_left(indices, start) : bisect.bisect_left(indices, end)]
