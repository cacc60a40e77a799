"""Only English bodies go to the English model; the others say why they were left out."""

from __future__ import annotations

from storyline.extract.scope import not_parsed_reason


def test_other_languages_are_not_parsed_and_say_why() -> None:
    reason = not_parsed_reason({"language": "de", "text": "Der Stadtrat tagte am Montag."})
    assert reason is not None and "'de'" in reason


def test_english_and_unknown_languages_are_parsed() -> None:
    assert not_parsed_reason({"language": "en"}) is None
    assert not_parsed_reason({"language": None}) is None
    assert not_parsed_reason({}) is None
