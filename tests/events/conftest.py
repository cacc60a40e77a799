"""Shared fixtures: the spaCy pipeline loaded once, and a helper that codes invented sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from storyline.events.candidates import EventCandidate, find_event_candidates
from storyline.extract import analyse_doc, load_nlp
from storyline.extract.nlp import components_to_disable

Code = Callable[[str], list[EventCandidate]]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="session")
def code(nlp: Language) -> Code:
    """The event candidates of a text (one document), as the extract stage finds them."""

    def run(text: str) -> list[EventCandidate]:
        doc = nlp(text, disable=components_to_disable(nlp))
        analysis = analyse_doc(doc, "d0")
        return list(find_event_candidates(doc, "d0", analysis.mentions))

    return run
