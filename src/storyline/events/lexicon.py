"""The event coder's data: PLOVER trigger words, cue words, sectors, modes and contexts.

Everything the coder knows about words lives in CSV/JSON files under ``storyline/data/`` (``event_*``),
written by the project from the PLOVER 2.0 codebook's definitions; this module only loads them.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

#: The 16 event types of PLOVER 2.0.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
#: Older PLOVER / CAMEO-era names and the 2.0 type they fold into (CRIME became a context).
FOLDED_TYPES: dict[str, str] = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
FLAGS: tuple[str, ...] = ("future", "hypothetical", "historical", "negation")


def fold_type(name: str | None) -> str | None:
    """A type name in PLOVER 2.0 (old names folded); None for no event or an unknown name."""
    if not name:
        return None
    upper = name.strip().upper()
    upper = FOLDED_TYPES.get(upper, upper)
    return upper if upper in PLOVER_TYPES else None


@dataclass(frozen=True, slots=True)
class TriggerRow:
    """One trigger: a verb or noun lemma (with an optional condition on its children) and its coding."""

    trigger: str
    pos: str  # "V" verb, "N" noun, "L" noun that needs a light verb or a verb above it
    when: frozenset[str]
    type: str
    mode: str | None
    context: str | None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The loaded data files."""

    verbs: dict[str, tuple[TriggerRow, ...]]  # lemma or "verb particle" -> rows, conditional rows first
    nouns: dict[str, tuple[TriggerRow, ...]]
    cues: dict[str, Any]
    sectors: tuple[tuple[str, str], ...]  # (words, sector), longest first
    modes: tuple[tuple[str, str, frozenset[str]], ...]  # (type, mode, cue words)
    contexts: tuple[tuple[str, frozenset[str]], ...]  # (context, cue words or phrases)
    verb_forms: dict[str, str]  # inflected form -> lemma
    noun_forms: dict[str, str]
    actor_codes: tuple[tuple[str, str], ...] = ()  # (organisation name, IGO/NGO), longest first
    #: every lowercase word that can start a trigger: tokens not in it are skipped at once (speed)
    trigger_words: frozenset[str] = frozenset()
    #: each sector row's first word -> the rows' indices in ``sectors`` (a row can match a phrase only if
    #: its first word is one of the phrase's words: the coder tries those rows, not all of them)
    sector_rows: dict[str, tuple[int, ...]] = field(init=False)
    #: the cue lists as sets, made once (``cue`` is asked ~80 times a document)
    cue_sets: dict[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        # Derived from the fields above, never passed in: a lexicon made with ``dataclasses.replace`` (or
        # by hand) cannot carry an index of other rows.
        object.__setattr__(self, "sector_rows", _first_word_index(list(self.sectors)))
        cue_sets = {name: frozenset(words) for name, words in self.cues.items() if isinstance(words, list)}
        object.__setattr__(self, "cue_sets", cue_sets)

    def cue(self, name: str) -> frozenset[str]:
        """A cue list from ``event_cues.json`` as a set."""
        found = self.cue_sets.get(name)
        return found if found is not None else frozenset(self.cues.get(name, ()))


def _rows(name: str) -> Iterator[dict[str, str]]:
    table = resources.files("storyline") / "data" / name
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            first = next(iter(row.values()), "") or ""
            if first.startswith("#"):
                continue  # a comment row documenting the file
            yield {k: (v or "").strip() for k, v in row.items() if k}


def _first_word_index(sectors: list[tuple[str, str]]) -> dict[str, tuple[int, ...]]:
    rows: dict[str, list[int]] = {}
    for index, (words, _) in enumerate(sectors):
        if words.split():
            rows.setdefault(words.split()[0], []).append(index)
    return {word: tuple(indices) for word, indices in rows.items()}


def _split(cell: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in cell.split("|") if part.strip())


def verb_inflections(verb: str) -> set[str]:
    """Regular inflections of a verb lemma; extra spellings cost nothing (they are only looked up).

    Why hand-written: spaCy's lemmatizer is disabled in our pipeline for speed (see extract/nlp.py).
    """
    forms = {verb}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    else:
        plural = verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else verb + "s"
        forms |= {plural, verb + "ed", verb + "ing"}
        if len(verb) >= 3 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # ban -> banned, ship -> shipping
    return forms


def noun_inflections(noun: str) -> set[str]:
    """Singular and plural spellings of a noun lemma."""
    if noun.endswith("s"):
        return {noun, noun + "es"}
    if noun.endswith("y") and len(noun) > 2 and noun[-2] not in "aeiou":
        return {noun, noun[:-1] + "ies"}
    if noun.endswith(("sh", "ch", "x", "z")):
        return {noun, noun + "es"}
    return {noun, noun + "s"}


@functools.cache
def load_lexicon() -> Lexicon:
    """Load (once per process) every ``event_*`` data file."""
    verbs: dict[str, list[TriggerRow]] = {}
    nouns: dict[str, list[TriggerRow]] = {}
    for row in _rows("event_triggers.csv"):
        trigger = TriggerRow(
            row["trigger"].lower(),
            row["pos"],
            _split(row["when"]),
            row["type"],
            row["mode"] or None,
            row["context"] or None,
        )
        table = verbs if trigger.pos == "V" else nouns
        table.setdefault(trigger.trigger, []).append(trigger)
    ordered = {
        name: {k: tuple(sorted(v, key=lambda r: not r.when)) for k, v in table.items()}
        for name, table in (("verbs", verbs), ("nouns", nouns))
    }
    cues = json.loads((resources.files("storyline") / "data" / "event_cues.json").read_text("utf-8"))
    sectors = sorted(
        ((row["word"].lower(), row["sector"]) for row in _rows("event_sectors.csv")),
        key=lambda pair: -len(pair[0]),
    )
    modes = tuple((row["type"], row["mode"], _split(row["cues"])) for row in _rows("event_modes.csv"))
    contexts = tuple((row["context"], _split(row["cues"])) for row in _rows("event_contexts.csv"))
    verb_forms: dict[str, str] = {}
    verb_lemmas = {key.split()[0] for key in verbs}
    verb_lemmas |= {
        word.split()[0]
        for name in ("light_verbs", "speech_verbs", "future_verbs")
        for word in cues.get(name, [])
    }
    for lemma in sorted(verb_lemmas):
        for form in verb_inflections(lemma):
            verb_forms.setdefault(form, lemma)
    for row in _rows("event_irregular_verbs.csv"):
        for form in _split(row["forms"]):
            verb_forms[form] = row["lemma"]
        verb_forms[row["lemma"]] = row["lemma"]
    noun_forms: dict[str, str] = {}
    for lemma in sorted(nouns):
        for form in noun_inflections(lemma):
            noun_forms.setdefault(form, lemma)
    actor_codes = sorted(
        ((row["name"], row["code"]) for row in _rows("event_actor_codes.csv")), key=lambda pair: -len(pair[0])
    )
    verb_heads = {key.split()[0] for key in verbs}
    trigger_words = frozenset(
        {form for form, lemma in verb_forms.items() if lemma in verb_heads}
        | set(noun_forms)
        | set(cues.get("intent_adjectives", ()))
    )
    return Lexicon(
        trigger_words=trigger_words,
        actor_codes=tuple(actor_codes),
        verbs=ordered["verbs"],
        nouns=ordered["nouns"],
        cues=cues,
        sectors=tuple(sectors),
        modes=modes,
        contexts=contexts,
        verb_forms=verb_forms,
        noun_forms=noun_forms,
    )
