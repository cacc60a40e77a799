"""Attribution words: which verbs report speech, which pronouns stand for a speaker.

The lemmatizer is disabled for speed, so verbs are matched by their inflected forms.
"""

from __future__ import annotations

_REGULAR_VERBS = [
    "state",
    "add",
    "note",
    "declare",
    "announce",
    "explain",
    "stress",
    "warn",
    "insist",
    "claim",
    "ask",
    "comment",
    "emphasise",
    "emphasize",
    "argue",
    "acknowledge",
    "confirm",
    "urge",
    "remark",
    "reiterate",
    "assert",
    "admit",
    "predict",
    "deny",
    "suggest",
    "quote",
    "tweet",
    "respond",
]
_IRREGULAR_FORMS = (
    "say says said saying tell tells told telling write writes wrote written reply replies replied"
)


def _inflections(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") else verb
    plural = verb + "es" if verb.endswith(("s", "sh", "ch")) else verb + "s"
    return {verb, plural, stem + "ed", stem + "ing"}


#: Inflected forms of verbs that attribute speech ("said", "told", "stated", "added" ...).
SPEECH_VERBS: frozenset[str] = frozenset(
    form for verb in _REGULAR_VERBS for form in _inflections(verb)
) | frozenset(_IRREGULAR_FORMS.split())

#: Pronouns resolved to the last person named as a subject before them.
PERSON_PRONOUNS = frozenset({"he", "she"})
