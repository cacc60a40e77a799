"""Quotes on invented texts: quote-mark styles, attributions, pronouns, reported speech, merging."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storyline.extract import DocAnalysis, Quote, resolve, resolve_quotes

Analyse = Callable[..., list[DocAnalysis]]


def _quotes(analyses: list[DocAnalysis]) -> list[Quote]:
    resolution = resolve(analyses)
    return resolve_quotes(analyses, resolution.entities, resolution.mention_ids)


@pytest.mark.parametrize(
    "text",
    [
        "“The harvest will be late this year,” Maria Lopez said.",
        '"The harvest will be late this year," Maria Lopez said.',
        "«The harvest will be late this year», Maria Lopez said.",
        "„The harvest will be late this year“, Maria Lopez said.",
        "‘The harvest will be late this year,’ Maria Lopez said.",
        "Maria Lopez said: “The harvest will be late this year.”",
    ],
)
def test_direct_quote_in_any_mark_style_gets_its_speaker(analyse: Analyse, text: str) -> None:
    [quote] = _quotes(analyse(text))
    assert quote.kind == "direct"
    assert quote.text == "The harvest will be late this year"
    assert quote.speaker_name == "Maria Lopez" and quote.speaker_entity_id


def test_evidence_offsets_point_into_the_text(analyse: Analyse) -> None:
    text = "Farmers gathered early.\n“Prices are too low for anyone to live on,” Maria Lopez told reporters."
    [quote] = _quotes(analyse(text))
    [evidence] = quote.evidence
    assert text[evidence.start : evidence.end] == quote.text
    assert evidence.document == "d0" and "Maria Lopez told reporters" in evidence.sentence


def test_pronoun_speaker_is_the_last_person_subject(analyse: Analyse) -> None:
    text = (
        "Minister Tomas Berg visited the flooded villages on Monday with Anna Holm.\n"
        "“We will rebuild every bridge before winter,” he said."
    )
    [quote] = _quotes(analyse(text))
    assert quote.speaker_name == "Tomas Berg"


def test_quote_split_by_its_attribution_is_one_quote(analyse: Analyse) -> None:
    text = "“The river has never been this high,” Tomas Berg said, “and the dams are old.”"
    [quote] = _quotes(analyse(text))
    assert quote.text == "The river has never been this high and the dams are old"
    assert quote.speaker_name == "Tomas Berg"


def test_quoted_by_agency_form(analyse: Analyse) -> None:
    text = "“The talks were useful and will continue,” Tomas Berg quoted by the state news agency said."
    [quote] = _quotes(analyse(text))
    assert quote.speaker_name == "Tomas Berg"


def test_reported_speech_with_that_and_according_to(analyse: Analyse) -> None:
    text = (
        "Maria Lopez said that the cooperative would sell its grain abroad.\n"
        "According to Tomas Berg, the new bridge will open in the spring."
    )
    quotes = _quotes(analyse(text))
    assert [(q.kind, q.speaker_name) for q in quotes] == [
        ("reported", "Maria Lopez"),
        ("reported", "Tomas Berg"),
    ]
    assert quotes[0].text == "the cooperative would sell its grain abroad"
    assert quotes[1].text == "the new bridge will open in the spring"


def test_scare_quotes_are_not_quotations(analyse: Analyse) -> None:
    assert _quotes(analyse("The so-called “reform” was dropped by the council on Friday.")) == []


def test_same_quote_in_two_documents_is_one_record(analyse: Analyse) -> None:
    quotes = _quotes(
        analyse(
            "“We   will rebuild every bridge before the winter comes,” Tomas Berg said on Monday.",
            'Tomas Berg promised: "We will rebuild every bridge before the winter comes."',
            "“We will rebuild every bridge before the winters come,” Berg told a local radio station.",
        )
    )
    [quote] = quotes
    assert quote.documents == ["d0", "d1", "d2"] and len(quote.evidence) == 3
    assert quote.speaker_name == "Tomas Berg"
    assert quote.id.startswith("qt_")


def test_different_quotes_stay_apart(analyse: Analyse) -> None:
    quotes = _quotes(
        analyse(
            "“We will rebuild every bridge before winter,” Tomas Berg said.",
            "“We will close every bridge before winter,” Maria Lopez said.",
        )
    )
    assert len(quotes) == 2


def test_told_someone_colon_form(analyse: Analyse) -> None:
    text = "Maria Lopez told the council: “The cooperative cannot pay these prices any longer.”"
    [quote] = _quotes(analyse(text))
    assert quote.kind == "direct" and quote.speaker_name == "Maria Lopez"
