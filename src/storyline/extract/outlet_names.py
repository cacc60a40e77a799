"""Is this name a news outlet? The small English model tags some outlets as people ("Marvale Herald" PERSON).

Before a PERSON label is trusted, the whole name is checked:
- it is the outlet of a document in the corpus (what the describe stage read from the page's metadata,
  credit lines or address): the corpus itself says it is a publication;
- or it is built like a newspaper's name: a head noun that names a periodical and hardly ever a person
  ("Herald", "Gazette", "Tribune": ``OUTLET_HEADS``), or a head that is also a surname ("Post", "Star",
  "Mail": ``SURNAME_LIKE_HEADS``) after a place or a periodical word ("Marvale Post", "Sunday Star" are
  papers, "Emily Post" is a person), or a name opening with "Daily".
The word lists are general English vocabulary of newspaper titles, written by the project.
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.extract.aliases import name_tokens
from storyline.extract.gazetteer import gazetteer_place
from storyline.extract.geo import is_demonym_or_country
from storyline.extract.text import fold

#: The rule recorded for a PERSON mention read as an outlet's name.
RULE = "outlet_name"
#: Last words that make a name a periodical's: nouns that name publications and are rarely surnames.
OUTLET_HEADS = frozenset(
    {
        "herald",
        "times",
        "gazette",
        "tribune",
        "chronicle",
        "courier",
        "telegraph",
        "journal",
        "dispatch",
        "examiner",
        "inquirer",
        "sentinel",
        "bulletin",
        "news",
        "newspaper",
        "daily",
        "weekly",
        "argus",
        "advertiser",
        "enquirer",
    }
)
#: Heads that also end people's names ("Emily Post", "Chen Sun"): an outlet only after a place or a
#: periodical word.
SURNAME_LIKE_HEADS = frozenset(
    {
        "post",
        "star",
        "sun",
        "mail",
        "globe",
        "mirror",
        "express",
        "standard",
        "record",
        "observer",
        "monitor",
        "review",
        "press",
        "register",
        "reporter",
        "leader",
        "voice",
        "independent",
        "guardian",
    }
)
#: Words that make the name before a surname-like head a periodical's ("Sunday Mail", "Evening Standard").
PERIODICAL_WORDS = frozenset(
    {"daily", "morning", "evening", "sunday", "saturday", "weekly", "national", "financial", "business"}
)


def outlet_keys(outlets: Iterable[str | None]) -> frozenset[str]:
    """Folded outlet names of the corpus's documents (case, accents and a leading "the" ignored)."""
    return frozenset(key for key in (fold(outlet or "") for outlet in outlets) if key)


def _is_place_word(words: list[str]) -> bool:
    name = " ".join(words)
    return is_demonym_or_country(name) or gazetteer_place(name) is not None


def outlet_reason(name: str, outlets: frozenset[str]) -> str | None:
    """Why ``name`` (tagged PERSON) is an outlet's name, or None when nothing says so.

    ``outlets``: :func:`outlet_keys` of the corpus.
    """
    if fold(name) in outlets:
        return f"{name!r} is the outlet of a document in the corpus"
    words = name_tokens(name)
    if len(words) < 2:  # a single word ("Herald") may be anyone's name or nickname
        return None
    head, before = words[-1].lower(), words[:-1]
    if head in OUTLET_HEADS or words[0].lower() == "daily":
        return f"{name!r} is named like a periodical (head {words[-1]!r})"
    if head in SURNAME_LIKE_HEADS and (
        any(word.lower() in PERIODICAL_WORDS for word in before) or _is_place_word(before)
    ):
        return f"{name!r} is named like a periodical ({' '.join(before)!r} + {words[-1]!r})"
    return None
