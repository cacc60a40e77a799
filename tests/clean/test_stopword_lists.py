"""spaCy's stopword lists read without importing its language packages (whose tokenizer tables are costly)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from storyline.clean.stopwords import known_languages, stopwords_for


@pytest.mark.parametrize("language", ["en", "de", "nl", "ru"])
def test_lists_equal_spacys_own_modules(language: str) -> None:
    module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    assert stopwords_for(language) == frozenset(w.casefold() for w in module.STOP_WORDS)
    assert language in known_languages()


@pytest.mark.parametrize("code", ["zz", "../en", "en/../de", "", "und"])
def test_codes_without_a_list_get_none(code: str) -> None:
    assert stopwords_for(code) == frozenset()


def test_reading_the_french_list_does_not_import_the_french_language_package() -> None:
    check = (
        "import sys; from storyline.clean.stopwords import stopwords_for, fallback_stopwords;"
        " assert 'le' in stopwords_for('fr') and 'le' in fallback_stopwords();"
        " print(sorted(m for m in sys.modules if m.startswith('spacy')))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
