"""Where a story's reports disagree: a figure ("25 killed" / "40 killed"), a date or who did it.

Figures compare only when they count the same thing: the same unit (the noun after the number, or the
currency), so "$1.2 billion" and "70 billion roubles" never compare (a restatement in another currency is
agreement); a count of people takes the outcome that follows ("25 people were killed" and "40 killed" both
count "killed"). Two figures disagree when sentences of different outlets that otherwise say the same thing
(tf-idf cosine at least ``SAME_STATEMENT_COSINE``) give different values for one unit. Dates and actors
disagree when the events stage coded one kind of event against one target from different reports with
different days or different actors.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.month_names import MONTH_NAMES
from storyline.narrate.candidates import StorySentences
from storyline.narrate.records import Disagreement, DisagreementSide, NarrateEvent

SAME_STATEMENT_COSINE = 0.3
_MAGNITUDES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_FIGURE = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£¥₽])?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.,]\d)"
    r"(?:\s*(?P<mag>thousand|million|mln|billion|bn|trillion)\b)?"
    r"(?:\s*(?P<unit>%|[^\W\d_]+))?"
    r"(?:\s+(?P<after>(?:[^\W\d_]+\s+){0,2}[^\W\d_]+))?"
)
#: Nouns that count people without saying what happened to them: the outcome word after them is the unit.
PEOPLE_NOUNS = frozenset(
    [
        "people",
        "persons",
        "others",
        "civilians",
        "residents",
        "soldiers",
        "troops",
        "police",
        "officers",
        "children",
        "adults",
        "men",
        "women",
        "workers",
        "migrants",
        "passengers",
        "victims",
        "protesters",
    ]
)
#: Words between a count and its outcome ("were", "have been") and qualifiers.
_AUXILIARIES = frozenset(
    ["were", "was", "have", "has", "had", "been", "are", "is", "reportedly", "reported", "confirmed"]
)
#: Outcome words of one meaning, folded together.
_OUTCOMES = {
    "dead": "killed",
    "died": "killed",
    "deaths": "killed",
    "death": "killed",
    "fatalities": "killed",
    "killed": "killed",
    "killing": "killed",
    "injuring": "injured",
    "wounding": "injured",
    "wounded": "injured",
    "injured": "injured",
    "hurt": "injured",
}
_MONTHS_AND_TIME = frozenset(
    [
        *MONTH_NAMES,
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
        "am",
        "pm",
        "a",
        "p",
        "percent",
    ]
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a sentence and what it counts."""

    unit: str
    value: float
    shown: str


#: Words between an outcome verb and its count ("killing at least 25").
_QUALIFIERS = frozenset(
    ["at", "least", "more", "than", "some", "about", "nearly", "over", "around", "up", "to"]
)


def _outcome_before(sentence: str, start: int) -> str | None:
    """The outcome verb just before a count ("killed 40 people", "killing at least 25"), if any."""
    for word in reversed(sentence[:start].casefold().split()[-5:]):
        word = word.strip(",;:")
        if word in _OUTCOMES:
            return _OUTCOMES[word]
        if word not in _QUALIFIERS:
            return None
    return None


def _unit(match: re.Match[str], sentence: str) -> str | None:
    if match.group("cur"):
        return match.group("cur")
    unit = (match.group("unit") or "").casefold()
    if not unit or unit in _MONTHS_AND_TIME:
        return None
    if unit == "%":
        return "%"
    if unit in PEOPLE_NOUNS:
        after = (w for w in (match.group("after") or "").casefold().split() if w not in _AUXILIARIES)
        outcome = _OUTCOMES.get(next(after, ""))
        return outcome or _outcome_before(sentence, match.start()) or unit
    unit = _OUTCOMES.get(unit, unit)
    return unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit


def figures(sentence: str) -> list[Figure]:
    """The counted figures of a sentence (years, dates and clock times left out)."""
    found = []
    for match in _FIGURE.finditer(sentence):
        number = float(match.group("num").replace(",", ""))
        magnitude = match.group("mag")
        if (
            not match.group("cur")
            and not magnitude
            and number.is_integer()
            and _MIN_YEAR <= number <= _MAX_YEAR
        ):
            continue  # a year
        before = sentence[: match.start()].rstrip().rsplit(" ", 1)[-1].casefold().rstrip(".")
        if before in _MONTHS_AND_TIME:
            continue  # "March 11"
        unit = _unit(match, sentence)
        if unit is None:
            continue
        value = number * _MAGNITUDES.get((magnitude or "").casefold(), 1.0)
        last = "unit" if match.group("unit") and not match.group("cur") else ("mag" if magnitude else "num")
        shown = sentence[match.start() : match.end(last)]
        found.append(Figure(unit, value, shown.strip()))
    return found


def figure_disagreements(sentences: StorySentences, outlet_of: dict[str, str]) -> list[Disagreement]:
    """Figures for one unit that differ between sentences of different outlets saying the same thing."""
    per_candidate = [figures(c.text) for c in sentences.candidates]
    by_unit: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(per_candidate):
        for unit in {f.unit for f in found}:
            by_unit[unit].append(index)
    result = []
    for unit, indexes in sorted(by_unit.items()):
        sides: dict[float, tuple[str, str, set[str]]] = {}
        for a_pos, a in enumerate(indexes):
            for b in indexes[a_pos + 1 :]:
                first, second = sentences.candidates[a], sentences.candidates[b]
                outlets_a = {outlet_of[d] for d in first.documents}
                if outlets_a & {outlet_of[d] for d in second.documents}:
                    continue
                values_a = {f.value: f.shown for f in per_candidate[a] if f.unit == unit}
                values_b = {f.value: f.shown for f in per_candidate[b] if f.unit == unit}
                if set(values_a) & set(values_b) or len(values_a) != 1 or len(values_b) != 1:
                    continue
                cosine = float(sentences.cosines[a, b])
                if cosine < SAME_STATEMENT_COSINE:
                    continue
                for index, values in ((a, values_a), (b, values_b)):
                    value, shown = next(iter(values.items()))
                    candidate = sentences.candidates[index]
                    side = sides.setdefault(value, (shown, candidate.text, set()))
                    side[2].update(candidate.documents)
        if len(sides) >= 2:
            result.append(
                Disagreement(
                    "figure",
                    unit,
                    [DisagreementSide(s[0], s[1], sorted(s[2])) for _, s in sorted(sides.items())],
                )
            )
    return result


def event_disagreements(events: Sequence[NarrateEvent]) -> list[Disagreement]:
    """Events of one type against one target, from disjoint reports, giving other days or other actors."""
    groups: dict[tuple[str, str], list[NarrateEvent]] = defaultdict(list)
    for event in events:
        if event.target:
            groups[(event.type, event.target.casefold())].append(event)
    result = []
    for (kind, _target), members in sorted(groups.items()):
        for field, label in (("date", "date"), ("actor", "actor")):
            values: dict[str, tuple[str, str, set[str]]] = {}
            for event in members:
                value = getattr(event, field)
                if not value or (field == "date" and event.date_precision != "day"):
                    continue
                text = event.evidence[0].text if event.evidence else ""
                values.setdefault(value.casefold(), (value, text, set()))[2].update(event.documents)
            if len(values) < 2:
                continue
            docs = [d for _, _, d in values.values()]
            if any(a & b for i, a in enumerate(docs) for b in docs[i + 1 :]):
                continue  # a report giving both sides is an update, not a disagreement
            about = f"{kind} against {members[0].target}"
            result.append(
                Disagreement(
                    label,  # type: ignore[arg-type]
                    about,
                    [DisagreementSide(v, t, sorted(d)) for _, (v, t, d) in sorted(values.items())],
                )
            )
    return result
