"""Check the model's PERSON and ORG labels against what the project knows about places.

The small English model tags demonyms as people ("Tajik" PERSON), towns as people or organisations
("Bokhtar" PERSON) and regions as organisations ("Khatlon" ORG). Before such a label is trusted, the
whole name is looked up:
- a demonym is a nationality (NORP), which the demonym rule then folds into its country;
- a country name or capital (PERSON only; ORG ones already resolve as places) is a place (GPE);
- a city or region the gazetteers know (:mod:`storyline.extract.gazetteer`) is a place (GPE).
Guards:
- a name that is part of a person's full name somewhere in the corpus ("Jordan" beside "Michael Jordan",
  "Lincoln" beside "Abraham Lincoln") keeps the model's label: there it may well be the person;
- an ORG named like a town is often a firm named after it (Toyota, Nokia, Mercedes are towns too), so an
  ORG becomes a city only when the corpus also names that city as a place (the model tags it GPE or LOC
  somewhere, or a PERSON mention of it was corrected). Regions tagged ORG become places.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.extract.aliases import name_tokens
from storyline.extract.gazetteer import gazetteer_place
from storyline.extract.geo import is_demonym_or_country, resolve_place
from storyline.extract.mentions import Mention
from storyline.extract.text import fold

#: Labels the model gives places by mistake; other labels are left as they are.
CHECKED_LABELS = frozenset({"PERSON", "ORG"})
#: Labels the model gives places.
PLACE_LABELS = frozenset({"GPE", "LOC"})
#: The rule recorded for a mention whose label the gazetteer corrected.
RULE = "gazetteer_place"


@dataclass(frozen=True, slots=True)
class PlaceLabel:
    """The label a mention gets instead of the model's, and why."""

    label: str
    detail: str


def person_name_parts(mentions: Iterable[Mention]) -> frozenset[str]:
    """Folded words of every full person name in the corpus (two words or more, honorifics dropped).

    A PERSON span that opens with a nationality or country is the model's mistake, not a name ("Kazakh
    Defence", "Tajik Emergency Service"), and vouches for none of its words.
    """
    parts: set[str] = set()
    for mention in mentions:
        if mention.label != "PERSON":
            continue
        words = name_tokens(mention.text)
        if len(words) >= 2 and not is_demonym_or_country(words[0]):
            parts.update(fold(word) for word in words)
    return frozenset(parts)


def place_names(mentions: Iterable[Mention], name_parts: frozenset[str]) -> frozenset[str]:
    """Folded names the corpus uses as places: tagged GPE or LOC, or a PERSON mention corrected to one."""
    places: set[str] = set()
    for mention in mentions:
        if mention.label in PLACE_LABELS or (
            mention.label == "PERSON" and place_label(mention, name_parts, frozenset()) is not None
        ):
            places.add(fold(mention.text))
    return frozenset(places)


def place_label(mention: Mention, name_parts: frozenset[str], places: frozenset[str]) -> PlaceLabel | None:
    """The place label a PERSON or ORG mention should have, or None to keep the model's.

    ``name_parts``: :func:`person_name_parts` of the corpus; ``places``: :func:`place_names` of it.
    """
    key = fold(mention.text)
    if mention.label not in CHECKED_LABELS or key in name_parts:
        return None
    tagged = f"{mention.text!r} tagged {mention.label}"
    if mention.label == "PERSON":
        place = resolve_place(mention.text, "GPE")  # country names, demonyms, capitals
        if place is not None:
            label = "NORP" if place.rule == "demonym" else "GPE"
            return PlaceLabel(label, f"{tagged} is a {place.rule.replace('_', ' ')} of {place.iso3}")
    found = gazetteer_place(mention.text)
    if found is None or (mention.label == "ORG" and found.kind == "city" and key not in places):
        return None
    return PlaceLabel("GPE", f"{tagged} is a {found.kind} in {found.iso3} ({found.source})")
