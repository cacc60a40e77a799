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
  ORG becomes a city only when the corpus also names that city as a place: the model tags it GPE or LOC
  somewhere, a PERSON mention of it was corrected, or some mention of it stands where only a place
  stands ("in Marvale", "near Marvale", "the town of Marvale", "Marvale, Kenya"). Regions tagged ORG
  become places, also with a kind of place after the name ("Khatlon Province").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storyline.extract.aliases import name_tokens
from storyline.extract.gazetteer import GazetteerPlace, gazetteer_place
from storyline.extract.geo import is_demonym_or_country, resolve_place
from storyline.extract.mentions import PLACE_KIND_AFTER, Mention
from storyline.extract.outlet_names import outlet_reason
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
    country: str | None = None  # ISO3 of the town or region the gazetteer found


def person_name_parts(mentions: Iterable[Mention], outlets: frozenset[str] = frozenset()) -> frozenset[str]:
    """Folded words of every full person name in the corpus (two words or more, honorifics dropped).

    A PERSON span that opens with a nationality or country is the model's mistake, not a name ("Kazakh
    Defence", "Tajik Emergency Service"), and vouches for none of its words; so is an outlet's name tagged
    PERSON ("Marvale Herald": ``outlets`` as :func:`storyline.extract.outlet_names.outlet_keys` gives them).
    """
    parts: set[str] = set()
    for mention in mentions:
        if mention.label != "PERSON":
            continue
        words = name_tokens(mention.text)
        if (
            len(words) >= 2
            and not is_demonym_or_country(words[0])
            and outlet_reason(mention.text, outlets) is None
        ):
            parts.update(fold(word) for word in words)
    return frozenset(parts)


def place_names(mentions: Iterable[Mention], name_parts: frozenset[str]) -> frozenset[str]:
    """Folded names the corpus uses as places: tagged GPE or LOC, a PERSON mention corrected to one, or a
    town or region the gazetteer knows named where the words around it speak for a place ("in Marvale",
    "the town of Marvale": :attr:`Mention.place_cue`)."""
    places: set[str] = set()
    for mention in mentions:
        if (
            mention.label in PLACE_LABELS
            or (mention.label == "PERSON" and place_label(mention, name_parts, frozenset()) is not None)
            or (mention.place_cue and _gazetteer_place(mention.text) is not None)
        ):
            places.add(fold(mention.text))
    return frozenset(places)


def _gazetteer_place(name: str) -> GazetteerPlace | None:
    """The town or region ``name`` names, also when it ends with a kind of place ("Khatlon Province")."""
    found = gazetteer_place(name)
    words = name.split()
    if found is None and len(words) >= 2 and words[-1].lower() in PLACE_KIND_AFTER:
        found = gazetteer_place(" ".join(words[:-1]))
    return found


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
    found = _gazetteer_place(mention.text)
    if found is None or (mention.label == "ORG" and found.kind == "city" and key not in places):
        return None
    cue = f"; named as a place ({mention.place_cue!r})" if mention.place_cue else ""
    return PlaceLabel("GPE", f"{tagged} is a {found.kind} in {found.iso3} ({found.source}){cue}", found.iso3)
