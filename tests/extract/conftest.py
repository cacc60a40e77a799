"""Shared fixtures: the spaCy pipeline is loaded once per test session (it takes about a second)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from storyline.extract import DocAnalysis, analyse_documents, load_nlp

Analyse = Callable[..., list[DocAnalysis]]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="session")
def analyse(nlp: Language) -> Analyse:
    """Analyse texts given as positional arguments; document ids are d0, d1, ..."""

    def run(*texts: str) -> list[DocAnalysis]:
        return list(analyse_documents(nlp, [(f"d{i}", text) for i, text in enumerate(texts)]))

    return run
