"""Quotations in one document: direct quotes in any quote-mark style, and reported speech.

Speakers are found from the dependency parse: the subject of a speech verb next to the quote. A
"he"/"she" subject is resolved to the last person named as a sentence subject before the quote (a
simple, documented heuristic, not coreference resolution).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span, Token

from storyline.extract.mentions import Mention
from storyline.extract.speech import PERSON_PRONOUNS, SPEECH_VERBS
from storyline.token_index import doc_text, positions, within
from storyline.token_index import sentences as doc_sentences

QuoteKind = Literal["direct", "reported"]

#: Fewest words a quotation must have; shorter quoted strings are titles or scare quotes.
MIN_QUOTE_WORDS = 3
#: Fewest words of reported content ("said that ...").
MIN_REPORTED_WORDS = 4
#: Longest attribution clause between the two halves of a split quote (", he said, ").
MAX_SPLIT_GAP_CHARS = 80
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# One pattern per quote-mark style; the body group is the quotation without its marks.
_QUOTE_PATTERNS = (
    re.compile(r"“([^“”\n]+)”"),
    re.compile(r"``\s?((?:(?!''|``)[^\n])+?)\s?''"),  # Penn Treebank style, as in tokenised corpora
    re.compile(r"„([^„“”\n]+)[“”]"),
    re.compile(r"«\s?([^«»\n]+?)\s?»"),
    re.compile(r'(?<![\w"])"([^"\n]+)"'),
    re.compile(r"(?<!\w)‘((?:[^‘’\n]|’(?=\w))+)’(?!\w)"),
)
_SPLIT_GAP = re.compile(rf"^\s*,?\s*[^.!?“”\"«»„\n]{{1,{MAX_SPLIT_GAP_CHARS}}}?,\s*$")
_EDGE = " ,.;:!?-–—"
_ACCORDING = frozenset({"according"})


@dataclass(frozen=True, slots=True)
class QuoteCandidate:
    """One quotation found in one document, before quotes are merged across documents."""

    doc_id: str
    text: str
    kind: QuoteKind
    start: int  # offsets of the quoted text (first to last part) in the document's text
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    speaker: Mention | None
    speaker_rule: str  # "subject", "pronoun", "nearest_in_clause", "according_to" or "" when none


@dataclass(frozen=True, slots=True)
class _Marked:
    body_start: int
    body_end: int
    outer_start: int
    outer_end: int


def _quote_marks(text: str) -> list[_Marked]:
    found = []
    for pattern in _QUOTE_PATTERNS:
        for match in pattern.finditer(text):
            if len(match.group(1).split()) >= MIN_QUOTE_WORDS:
                found.append(_Marked(match.start(1), match.end(1), match.start(), match.end()))
    found.sort(key=lambda q: q.outer_start)
    kept: list[_Marked] = []
    for quote in found:  # a quote nested in another ('single' inside "double") is part of it
        if not kept or quote.outer_start >= kept[-1].outer_end:
            kept.append(quote)
    return kept


def _speech_verbs(tokens: Sequence[Token]) -> list[Token]:
    return [token for token in tokens if token.lower_ in SPEECH_VERBS and token.tag_.startswith("VB")]


class _Speakers:
    """Maps tokens to the mentions covering them and finds pronoun antecedents."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention]) -> None:
        self.doc = doc
        self.by_char: dict[int, Mention] = {}
        for mention in mentions:
            if mention.label in _SPEAKER_LABELS:
                for offset in range(mention.start, mention.end):
                    self.by_char.setdefault(offset, mention)
        self.person_subjects = [m for m in mentions if m.label == "PERSON" and self._is_subject(m)]
        self.persons = [m for m in mentions if m.label == "PERSON"]

    def _is_subject(self, mention: Mention) -> bool:
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        return span is not None and span.root.dep_ in _SUBJECT_DEPS

    def mention_of(self, token: Token) -> Mention | None:
        """The mention covering ``token``, else a person or organisation inside its subtree.

        Places inside a subject's subtree are where the speaker is from ("a resident of X"), not who.
        """
        if token.idx in self.by_char:
            return self.by_char[token.idx]
        inside = [self.by_char[t.idx] for t in token.subtree if t.idx in self.by_char]
        persons = [m for m in inside if m.label == "PERSON"]
        organisations = [m for m in inside if m.label == "ORG"]
        return (persons or organisations or [None])[0]

    def antecedent(self, before: int) -> Mention | None:
        """The last PERSON named as a subject before ``before``; else the last PERSON named at all."""
        for pool in (self.person_subjects, self.persons):
            earlier = [m for m in pool if m.end <= before]
            if earlier:
                return earlier[-1]
        return None

    def speaker_of(self, verb: Token, quote_start: int) -> tuple[Mention | None, str]:
        """The speaker of a speech verb: its subject's mention, or a pronoun's antecedent."""
        for child in verb.children:
            if child.dep_ not in _SUBJECT_DEPS:
                continue
            if child.lower_ in PERSON_PRONOUNS:
                return self.antecedent(quote_start), "pronoun"
            mention = self.mention_of(child)
            if mention:
                return mention, "subject"
        return None, ""


def _clause_tokens(doc: Doc, start: int, end: int, marked: Sequence[_Marked]) -> list[Token]:
    """Tokens of the sentences around [start, end) that are outside every quotation."""
    first = doc.char_span(start, end, alignment_mode="expand")
    if first is None:
        return []
    lo, hi = first.sent.start, doc[max(first.end - 1, first.start)].sent.end
    # Include the sentence after the quote: the parser often ends a sentence at the closing mark.
    if hi < len(doc):
        hi = doc[hi].sent.end
    inside = [(q.outer_start, q.outer_end) for q in marked]
    return [t for t in doc[lo:hi] if not any(s <= t.idx < e for s, e in inside)]


def _attribute(
    doc: Doc, speakers: _Speakers, clause: Sequence[Token], quote: tuple[int, int]
) -> tuple[Mention | None, str]:
    verbs = sorted(_speech_verbs(clause), key=lambda v: min(abs(v.idx - quote[0]), abs(v.idx - quote[1])))
    for verb in verbs:
        speaker, rule = speakers.speaker_of(verb, quote[0])
        if speaker:
            return speaker, rule
    nearest = [speakers.by_char[t.idx] for t in clause if t.idx in speakers.by_char]
    persons = [m for m in nearest if m.label == "PERSON"]
    if verbs and persons:
        return min(persons, key=lambda m: abs(m.start - quote[1])), "nearest_in_clause"
    return None, ""


def _join_split_quotes(text: str, marked: list[_Marked]) -> list[list[_Marked]]:
    """Group quote parts split by an attribution ("“A,” he said, “B.”" is one quote)."""
    groups: list[list[_Marked]] = []
    for quote in marked:
        if groups:
            gap = text[groups[-1][-1].outer_end : quote.outer_start]
            previous_body = text[groups[-1][-1].body_start : groups[-1][-1].body_end].rstrip()
            words = {word.strip(",").lower() for word in gap.split()}
            if previous_body.endswith(",") and _SPLIT_GAP.match(gap) and words & SPEECH_VERBS:
                groups[-1].append(quote)
                continue
        groups.append([quote])
    return groups


def _stripped_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without the edge punctuation a quotation's text drops."""
    inner = text[start:end]
    stripped = inner.strip(_EDGE)
    offset = start + inner.find(stripped)
    return offset, offset + len(stripped)


def _sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return start, end
    return span[0].sent.start_char, span[-1].sent.end_char


def direct_quotes(
    doc: Doc, doc_id: str, mentions: Sequence[Mention], speakers: _Speakers | None = None
) -> list[QuoteCandidate]:
    """Direct quotations with their speakers (``None`` when no attribution is found); ``speakers``: the
    document's :class:`_Speakers` when the caller has them already."""
    text = doc_text(doc)
    marked = _quote_marks(text)
    speakers = _Speakers(doc, mentions) if speakers is None else speakers
    found = []
    for group in _join_split_quotes(text, marked):
        body = " ".join(text[q.body_start : q.body_end].strip(_EDGE) for q in group)
        start, end = _stripped_bounds(text, group[0].body_start, group[-1].body_end)
        clause = _clause_tokens(doc, group[0].outer_start, group[-1].outer_end, marked)
        speaker, rule = _attribute(doc, speakers, clause, (start, end))
        bounds = _sentence_bounds(doc, group[0].outer_start, group[-1].outer_end)
        found.append(
            QuoteCandidate(
                doc_id,
                body,
                "direct",
                start,
                end,
                text[bounds[0] : bounds[1]].strip(),
                *bounds,
                speaker,
                rule,
            )
        )
    return found


def _content_span(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ == "ccomp":
            tokens = [t for t in child.subtree if t.dep_ != "mark" or t.i != child.left_edge.i]
            return verb.doc[tokens[0].i : tokens[-1].i + 1]
    return None


def _according_to(sent: Span, speakers: _Speakers, according: Sequence[int]) -> QuoteCandidate | None:
    """The "according to X" report in ``sent``, if any (``according``: the positions of "according")."""
    for i in within(according, sent.start, sent.end):
        token = sent.doc[i]
        if token.i + 1 >= sent.end or token.nbor().lower_ != "to":
            continue
        objects = [child for child in token.nbor().children if child.dep_ == "pobj"]
        speaker = speakers.mention_of(objects[0]) if objects else None
        if speaker is None:
            return None
        phrase_end = objects[0].right_edge.i + 1
        content = sent.doc[phrase_end : sent.end] if token.i == sent.start else sent.doc[sent.start : token.i]
        return _reported(sent, content, speaker, "according_to")
    return None


def _reported(sent: Span, content: Span, speaker: Mention, rule: str) -> QuoteCandidate | None:
    body = content.text.strip(_EDGE)
    if len(body.split()) < MIN_REPORTED_WORDS:
        return None
    start = content.start_char + content.text.find(body)
    return QuoteCandidate(
        speaker.doc_id,
        body,
        "reported",
        start,
        start + len(body),
        sent.text.strip(),
        sent.start_char,
        sent.end_char,
        speaker,
        rule,
    )


def reported_speech(
    doc: Doc,
    doc_id: str,
    mentions: Sequence[Mention],
    skip: Sequence[tuple[int, int]],
    speakers: _Speakers | None = None,
) -> list[QuoteCandidate]:
    """Indirect speech: "X said (that) ...", "... , X said." and "according to X, ..."."""
    speakers = _Speakers(doc, mentions) if speakers is None else speakers
    found = []
    according = positions(doc, _ACCORDING)
    speech = positions(doc, SPEECH_VERBS)
    for sent in doc_sentences(doc):
        if any(s < sent.end_char and sent.start_char < e for s, e in skip):
            continue
        candidate = _according_to(sent, speakers, according)
        verbs = _speech_verbs([doc[i] for i in within(speech, sent.start, sent.end)])
        for verb in verbs if candidate is None else []:
            content = _content_span(verb)
            speaker, rule = speakers.speaker_of(verb, sent.start_char)
            if content is not None and speaker is not None:
                candidate = _reported(sent, content, speaker, rule)
                if candidate:
                    break
        if candidate:
            found.append(candidate)
    return found


def find_quotes(doc: Doc, doc_id: str, mentions: Sequence[Mention]) -> list[QuoteCandidate]:
    """Direct quotes, then reported speech in the sentences that hold no direct quote."""
    speakers = _Speakers(doc, mentions)  # read-only once built: both kinds share it (it parses subjects)
    direct = direct_quotes(doc, doc_id, mentions, speakers)
    skip = [(q.sentence_start, q.sentence_end) for q in direct]
    reported = reported_speech(doc, doc_id, mentions, skip, speakers)
    return sorted(direct + reported, key=lambda q: q.start)
