"""One py3langid model per process, shared by cleaning (raw scores) and describing (normalised)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from storyline import language_model
from storyline.language_model import (
    AUTOMATON_DEPTH,
    VERIFIED_STATES,
    ArrayIdentifier,
    normalised_identifier,
    on_arrays_of,
    raw_identifier,
)

# Sentences written for this test (invented places and people), in a few languages and mixtures.
SAMPLES = [
    "The harbour council of Brenfield voted on Tuesday to delay the new ferry terminal.",
    "Der Stadtrat von Kaldera hat am Dienstag beschlossen, den neuen Fährhafen zu verschieben.",
    "Le conseil municipal de Lumen a voté mardi le report du nouveau terminal de ferry.",
    "El consejo de Varnhold aprobó el martes aplazar la nueva terminal de transbordadores.",
    "Городской совет Ostrava во вторник отложил строительство нового терминала.",
    "Brenfield Kaldera 2025 — OK",
    "",
]


def test_both_identifiers_share_one_copy_of_the_model() -> None:
    raw, normalised = raw_identifier(), normalised_identifier()
    assert raw is not normalised
    assert normalised.nb_ptc is raw.nb_ptc
    assert normalised.tk_nextmove is raw.tk_nextmove


def test_answers_equal_those_of_separately_loaded_identifiers() -> None:
    own_raw = LanguageIdentifier.from_model_file(MODEL_FILE)
    own_normalised = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in SAMPLES:
        assert raw_identifier().classify(text) == own_raw.classify(text)
        assert normalised_identifier().classify(text) == own_normalised.classify(text)


@functools.cache
def _stock(norm_probs: bool) -> LanguageIdentifier:
    """py3langid's own identifier, loaded apart once per test session (the normalised one on its arrays)."""
    if not norm_probs:
        return LanguageIdentifier.from_model_file(MODEL_FILE)
    return on_arrays_of(_stock(False), LanguageIdentifier, norm_probs=True)


# Longer texts written for this test: a report's opening, a menu, a mixture of scripts, digits and symbols.
LONG_SAMPLES = [
    "Brenfield, 4 March — The harbour council voted 7-2 on Tuesday to delay the ferry terminal by a year.\n\n"
    "“We cannot build on a budget nobody has seen,” said councillor Mira Dorow, who chairs its finance "
    "committee. The Varnhold Shipping Agency, which runs the crossing, said it would wait.",
    "Home | News | Sport | Weather | Contact us | © 2025 Kaldera Gazette | Cookies | Sign in",
    "Der Stadtrat von Kaldera hat am Dienstag beschlossen, den neuen Fährhafen um ein Jahr zu verschieben. "
    "Городской совет отложил строительство. 市议会推迟了新码头的建设。 ¿Qué pasará ahora?",
    "$$$ !!! 12345 ... ---- ===== #### @@@ 2025-03-04T10:00:00Z",
]


def test_scores_are_those_of_py3langid_to_the_bit() -> None:
    """The array walk gives py3langid's own scores (raw and normalised), for texts of every length: each
    prefix of the samples, so the first bytes (walked one by one) and the windows after them both count."""
    for text in [*SAMPLES, *LONG_SAMPLES]:
        for end in sorted({*range(0, 12), len(text) // 2, len(text)}):
            prefix = text[:end]
            for ours in (raw_identifier(), normalised_identifier()):
                theirs = _stock(ours._norm_probs)
                assert np.array_equal(ours._decide(prefix), theirs._decide(prefix))
                assert ours.classify(prefix) == theirs.classify(prefix)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.text(st.characters(codec=None, categories=None), min_size=700, max_size=3_000),  # pages' size
        st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=20),  # lone surrogates
        st.binary(max_size=400),  # bytes are scored as they are
    ),
    st.booleans(),
)
def test_scores_equal_py3langid_on_any_text(text: str | bytes, normalised: bool) -> None:
    ours = normalised_identifier() if normalised else raw_identifier()
    assert np.array_equal(ours._decide(text), _stock(normalised)._decide(text))


def test_another_model_is_scored_by_py3langid_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model of another size than the verified one gets py3langid's own loop (the window might be too
    short for it): the same scores, no arrays made."""
    monkeypatch.setattr(language_model, "VERIFIED_STATES", VERIFIED_STATES + 1)
    stock = _stock(False)
    other = on_arrays_of(stock, ArrayIdentifier, norm_probs=False)
    assert not other._verified and not hasattr(other, "_moves")
    for text in [*SAMPLES, *LONG_SAMPLES]:
        assert np.array_equal(other._decide(text), stock._decide(text))


def test_the_automaton_is_no_deeper_than_the_window() -> None:
    """Every state of py3langid's automaton is at most ``AUTOMATON_DEPTH`` bytes from the start (breadth
    first over its transitions): the window the array walk reads is long enough to reach any state."""
    model = raw_identifier()
    assert model._verified and len(model.tk_output) == VERIFIED_STATES  # the fast path is what is tested
    moves = np.asarray(model.tk_nextmove)
    rows = np.asarray(model._rowbase, dtype=np.int64)
    depth = np.full(len(rows), -1)
    depth[0] = 0
    frontier, level = np.array([0]), 0
    while len(frontier):
        level += 1
        reached = np.unique(moves[rows[frontier][:, None] + np.arange(256)[None, :]])
        frontier = reached[depth[reached] < 0]
        depth[frontier] = level
    assert depth.min() >= 0
    assert depth.max() <= AUTOMATON_DEPTH


def _unique_in_order(found: np.ndarray) -> tuple[list[int], list[int]]:
    """The distinct values in order of first occurrence and their counts, by ``np.unique`` (as before)."""
    values, firsts, counts = np.unique(found, return_index=True, return_counts=True)
    order = np.argsort(firsts, kind="stable")
    return values[order].tolist(), counts[order].tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 120_000), max_size=5_000), st.integers(1, 60))
def test_features_in_order_are_uniques_in_order_of_first_occurrence(values: list[int], spread: int) -> None:
    # a few distinct values repeated often (``spread``), as a text's features are, and any values
    found = np.array([v % spread if v % 2 else v for v in values], dtype=np.int64)
    features, counts = language_model.features_in_order(found)
    assert (features.tolist(), counts.tolist()) == _unique_in_order(found)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=3_000), st.binary(max_size=1_000)))
def test_features_are_py3langids_visits_in_order(text: str | bytes) -> None:
    model = raw_identifier()
    encoded = model._encode(text)
    visits = visit_counts(model.tk_nextmove, model._rowbase, model.tk_output, encoded) or {}
    features, counts = model.features(encoded)
    assert list(zip(features.tolist(), counts.tolist(), strict=True)) == list(visits.items())
