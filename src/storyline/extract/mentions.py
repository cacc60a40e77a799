"""Entity mentions in one document: spaCy's NER, corrected by the alias table and a role-title rule.

The small English model splits or misses some names ("Islamic" NORP + "State" ORG; "Minister of
Defence Sergey Shoygu" untagged), so two explainable sources add to it: the curated alias table
matched on the text, and capitalised name runs introduced by a role title.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from spacy.tokens import Doc, Span, Token

from storyline.extract.aliases import HONORIFICS, curated_aliases, lookup_curated
from storyline.extract.geo import is_demonym_or_country
from storyline.extract.text import clean_surface
from storyline.token_index import doc_text, positions, tagged, within
from storyline.token_index import entities as doc_entities

MentionSource = Literal["ner", "alias_table", "role_title"]

#: spaCy labels that are values, not things with an identity.
VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
#: Job titles and ranks that introduce a person's name ("Minister of Defence Sergey Shoygu").
ROLE_TITLES = frozenset(
    [
        "minister",
        "president",
        "premier",
        "chancellor",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "general",
        "gen.",
        "commander",
        "chief",
        "director",
        "chairman",
        "chairwoman",
        "governor",
        "mayor",
        "senator",
        "king",
        "queen",
        "prince",
        "deputy",
        "official",
        "officer",
        "colonel",
        "col.",
        "lieutenant",
        "captain",
        "admiral",
        "judge",
        "prosecutor",
        "leader",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "sheikh",
        "emir",
    ]
)
#: Words that may precede a name as a title: role titles and a few occupations seen before names.
TITLE_WORDS = ROLE_TITLES | frozenset(
    ["clerk", "professor", "lawyer", "coach", "pastor", "bishop", "detective", "sergeant"]
)
#: Words that make a capitalised run an organisation or a rank, not a person's name.
NOT_NAME_WORDS = (
    frozenset(
        [
            "staff",
            "forces",
            "force",
            "ministry",
            "council",
            "committee",
            "army",
            "navy",
            "department",
            "office",
            "agency",
            "party",
            "union",
            "court",
            "bank",
            "university",
            "service",
            "services",
            "guard",
            "police",
            "command",
            "government",
            "assembly",
            "parliament",
            "group",
            "company",
            "corporation",
            "institute",
        ]
    )
    | ROLE_TITLES
)
#: The model's labels whose mentions record a place cue (:func:`place_cue`).
PLACE_CHECKED_LABELS = frozenset({"PERSON", "ORG"})
#: Prepositions that put a name on the map ("in Marvale", "near Marvale"). Not "at", "from" or "to": one
#: works "at", hears "from" and sells "to" a firm as often as a town.
PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "around", "across", "inside"})
#: Words that name a kind of place after the name ("Marvale province"). Not "city" or "capital", which
#: end firms' names as often ("Acme Capital").
PLACE_KIND_AFTER = frozenset(
    {"province", "region", "district", "county", "oblast", "governorate", "prefecture", "municipality"}
)
#: Words that name a kind of place before "of" ("the town of Marvale", "the outskirts of Marvale").
PLACE_KIND_BEFORE_OF = PLACE_KIND_AFTER | frozenset(
    {"town", "city", "village", "capital", "suburbs", "outskirts", "streets", "residents", "people"}
)
#: How many tokens before a name a role title may stand ("Minister of Defence <name>").
ROLE_TITLE_WINDOW = 4
_PROPER_NOUN_TAGS = frozenset({"NNP", "NNPS"})
_COMPOUND = frozenset({"compound"})
_NAME_WORD = re.compile(r"^[A-Z][a-z'’-]+$")


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a named thing, with character offsets into the document's text."""

    doc_id: str
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT ...
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    source: MentionSource = "ner"
    #: the words around a PERSON/ORG mention that speak for a place ("in", "near", "the town of", ", Kenya",
    #: "... province"), else "": what lets a town the model tagged ORG be read as the town
    place_cue: str = ""


def _without_titles(name: str) -> str:
    """A person's name without leading titles ("Clerk Janette Bower" -> "Janette Bower"); a title
    followed by one word is kept whole ("Mrs Palin"), the title then marks a surname."""
    words = name.split()
    while len(words) > 2 and (words[0].lower() in TITLE_WORDS or words[0].lower().rstrip(".") in HONORIFICS):
        words = words[1:]
    return name[name.find(words[0]) :] if words else name


def _trimmed(
    doc_id: str, text: str, start: int, label: str, bounds: tuple[int, int], source: MentionSource
) -> Mention | None:
    surface = clean_surface(text)
    if label == "PERSON":
        surface = _without_titles(surface)
    if not surface:
        return None
    offset = start + text.find(surface)
    return Mention(doc_id, surface, label, offset, offset + len(surface), bounds[0], bounds[1], source)


def _common_word(ent: Span) -> bool:
    """A one-word entity that is an ordinary word ("State" in "State-run") or part of a title, not a name.

    Demonyms (NORP) are adjectives by nature and are kept.
    """
    words = [token for token in ent if token.tag_ != "DT"]
    if len(words) != 1 or ent.label_ == "NORP":
        return False
    # "Defense" in "Defense Minister": a fragment of a title, not an organisation.
    title_fragment = words[0].dep_ == "compound" and words[0].head.lower_ in ROLE_TITLES
    return title_fragment or words[0].tag_ not in _PROPER_NOUN_TAGS


def ner_mentions(doc: Doc, doc_id: str, sentences: Sequence[tuple[int, int]]) -> list[Mention]:
    """spaCy's entities that name things (values such as dates and amounts left out), articles trimmed."""
    found = []
    text = doc_text(doc)
    ents = doc_entities(doc)  # spaCy builds doc.ents from every token on each access; this reads it once
    for ent in ents:
        if ent.label_ in VALUE_LABELS or _common_word(ent):
            continue
        bounds = sentence_of(sentences, ent.start_char)
        mention = _trimmed(doc_id, ent.text, ent.start_char, ent.label_, bounds, "ner")
        if mention and not _shouted_ambiguous_alias(text, mention):
            if mention.label in PLACE_CHECKED_LABELS:
                mention = replace(mention, place_cue=place_cue(ent, ents))
            found.append(mention)
    return found


def place_cue(ent: Span, ents: Sequence[Span] | None = None) -> str:
    """The words next to ``ent`` that speak for a place, or "".

    A place preposition before it ("in Marvale", "near the Marvale"), a kind of place before "of" ("the
    town of Marvale") or after it ("Marvale province"), or a country after a comma ("Marvale, Kenya").
    Looked at only for names the model tagged PERSON or ORG: with a gazetteer match they are what makes
    "in Marvale" a town rather than a firm named after it.
    """
    doc = ent.doc
    at = ent.start - 1
    if at > 0 and doc[at].lower_ == "the":
        at -= 1
    if at >= 0 and doc[at].lower_ in PLACE_PREPOSITIONS:
        return doc[at].lower_
    if at > 0 and doc[at].lower_ == "of" and doc[at - 1].lower_ in PLACE_KIND_BEFORE_OF:
        return f"{doc[at - 1].lower_} of"
    if ent.end < len(doc) and doc[ent.end].lower_ in PLACE_KIND_AFTER:
        return doc[ent.end].lower_
    if ent.end + 1 < len(doc) and doc[ent.end].text == ",":
        ents = doc_entities(doc) if ents is None else ents
        country = next((e for e in ents if e.start == ent.end + 1), None)
        name = country.text if country is not None else doc[ent.end + 1].text
        if is_demonym_or_country(name):
            return f", {name}"
    return ""


def _shouted_ambiguous_alias(text: str, mention: Mention) -> bool:
    """An alias that is also a word ("IS") tagged by NER inside words in capitals ("THIS IS IT")."""
    row = lookup_curated(mention.text)
    return bool(row and row.ambiguous and _shouting(text, mention.start, mention.end))


@functools.cache
def _alias_pattern() -> re.Pattern[str]:
    aliases = sorted({row.alias for row in curated_aliases()}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(alias) for alias in aliases) + r")(?![\w-])")


def _shouting(text: str, start: int, end: int) -> bool:
    """Whether the words around a span are all capitals (a headline in capitals, not an acronym)."""
    before = text[max(0, start - 20) : start].split()
    after = text[end : end + 20].split()
    neighbours = [word for word in before[-1:] + after[:1] if any(char.isalpha() for char in word)]
    return any(word.isupper() and len(word) > 1 for word in neighbours)


def alias_mentions(
    text: str, doc_id: str, sentences: Sequence[tuple[int, int]], ner_spans: set[tuple[int, int]]
) -> list[Mention]:
    """Curated organisation aliases found in the text.

    An alias that is also an ordinary word ("IS") counts only in alias context: spaCy tagged it, or
    another alias of the same organisation occurs in the document; and never among words in capitals.
    """
    matches = [(m.group(), m.start(), m.end()) for m in _alias_pattern().finditer(text)]
    rows = {surface: lookup_curated(surface) for surface, _, _ in matches}
    confirmed = {row.canonical for row in rows.values() if row and not row.ambiguous}
    found = []
    for surface, start, end in matches:
        row = rows[surface]
        if row is None:
            continue
        if row.ambiguous and not ((start, end) in ner_spans or row.canonical in confirmed):
            continue
        if row.ambiguous and _shouting(text, start, end):
            continue
        bounds = sentence_of(sentences, start)
        found.append(Mention(doc_id, surface, row.type, start, end, *bounds, "alias_table"))
    return found


def sentence_of(sentences: Sequence[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding character ``offset`` (sentences sorted by start)."""
    index = max(0, bisect.bisect_right(sentences, offset, key=lambda sentence: sentence[0]) - 1)
    return sentences[index] if sentences else (0, 0)


def _name_tokens(head: Token) -> list[Token]:
    """The head of a proper-noun phrase and the capitalised compound words directly before it."""
    tokens = [head]
    for child in reversed(list(head.lefts)):
        if child.dep_ == "compound" and child.i == tokens[0].i - 1 and child.tag_ in _PROPER_NOUN_TAGS:
            tokens.insert(0, child)
    return tokens


def _is_name_word(word: str) -> bool:
    return bool(_NAME_WORD.match(word)) and word.lower() not in NOT_NAME_WORDS


def is_qualifier_word(word: str) -> bool:
    """A capitalised word that may qualify a name ("Wahhabi"), but not a place or people ("Pakistani")."""
    return bool(_NAME_WORD.match(word)) and not is_demonym_or_country(word)


def _after_role_title(doc: Doc, first: Token) -> bool:
    window = doc[max(0, first.i - ROLE_TITLE_WINDOW) : first.i]
    return any(token.lower_ in ROLE_TITLES for token in window)


def role_title_mentions(
    doc: Doc, doc_id: str, taken: Iterable[tuple[int, int]], sentences: Sequence[tuple[int, int]]
) -> list[Mention]:
    """PERSON mentions for untagged names of two or three capitalised words after a role title."""
    covered = {offset for start, end in taken for offset in range(start, end)}
    found = []
    titles = positions(doc, ROLE_TITLES)
    for i in tagged(doc, _PROPER_NOUN_TAGS, unless_dep=_COMPOUND):
        # A name here has two or three words, the first within the title window: no title among the
        # tokens before it that close means no mention (skips making a Token for most proper nouns).
        if not within(titles, i - 2 - ROLE_TITLE_WINDOW, i - 1):
            continue
        token = doc[i]
        if token.idx in covered:
            continue
        words = _name_tokens(token)
        if not 2 <= len(words) <= 3 or not all(_is_name_word(word.text) for word in words):
            continue
        if any(word.idx in covered for word in words) or not _after_role_title(doc, words[0]):
            continue
        span = Span(doc, words[0].i, token.i + 1)
        bounds = sentence_of(sentences, span.start_char)
        found.append(
            Mention(doc_id, span.text, "PERSON", span.start_char, span.end_char, *bounds, "role_title")
        )
    return found


def _is_adjective_prefix(outer: Mention, inner: Mention) -> bool:
    """``outer`` is capitalised word(s) + ``inner`` ("Wahhabi ISIS"), the prefix not a place or people."""
    if outer.end != inner.end or outer.start >= inner.start:
        return False
    prefix = outer.text[: inner.start - outer.start].split()
    return bool(prefix) and all(is_qualifier_word(word) for word in prefix)


def merge_mentions(ner: list[Mention], table: list[Mention], extra: list[Mention]) -> list[Mention]:
    """One list of mentions sorted by offset; alias-table matches replace the NER spans they overlap.

    An NER span that ends with an alias and adds only an adjective prefix is kept whole, so the
    prefixed form ("Wahhabi ISIS") is recorded as an alias with its own rule.
    """
    kept: list[Mention] = []
    table_kept = list(table)
    for mention in ner:
        overlapping = [t for t in table if t.start < mention.end and mention.start < t.end]
        if not overlapping:
            kept.append(mention)
        elif len(overlapping) == 1 and _is_adjective_prefix(mention, overlapping[0]):
            kept.append(replace(mention, label=overlapping[0].label))
            table_kept.remove(overlapping[0])
    return sorted(kept + table_kept + extra, key=lambda m: (m.start, -m.end))
