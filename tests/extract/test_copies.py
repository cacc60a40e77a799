"""A copy's analysis is the first document's with the id swapped: exactly what parsing the copy gives."""

from __future__ import annotations

from tests.extract.conftest import Analyse

from storyline.extract.copies import ParseCopies, with_doc_id
from storyline.ids import text_digest

# Invented report: a quote with a speaker, an acronym, an event trigger, places and a date.
REPORT = (
    "Harbour pact signed in Veltmark\n\n"
    "The Northern Ferry Authority (NFA) signed an agreement with the port of Veltmark on Monday. "
    '"We will run six crossings a day from June," said Ilse Marrow, the authority\'s director.\n'
    "Protesters in Oskarvik accused the NFA of ignoring fishermen, and the mayor said talks would go on."
)


def test_a_copy_takes_the_first_analysis_with_its_own_id(analyse: Analyse) -> None:
    first, copy = analyse(REPORT, REPORT)
    # The report exercises every record that carries the id.
    assert first.mentions and first.quotes and first.quotes[0].speaker and first.events and first.acronyms
    assert first.doc_id == "d0" and copy.doc_id == "d1"
    assert with_doc_id(first, "d1") == copy
    assert with_doc_id(first, "d1") != first


def test_only_the_same_text_is_a_copy() -> None:
    copies = ParseCopies()
    assert not copies.is_copy("a", text_digest("Tide tables for Veltmark"))
    assert not copies.is_copy("b", text_digest("tide tables for Veltmark"))  # another text: parsed
    assert copies.is_copy("c", text_digest("Tide tables for Veltmark"))
    assert copies.is_copy("d", text_digest("Tide tables for Veltmark"))
    assert copies.count == 2
