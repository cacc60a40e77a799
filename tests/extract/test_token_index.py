"""The token lookups that spare the per-document analysis a Python ``Token`` per word give what a plain loop
over the tokens gives (invented text)."""

from __future__ import annotations

import gc

from spacy.language import Language
from spacy.tokens import Doc

from storyline.extract import analyse_doc, analyse_documents
from storyline.extract.nlp import components_to_disable
from storyline.token_index import doc_text, positions, remember_text, tagged, within

TEXT = (
    "Mayor Ilse Brandvik said on Monday that the Corvale Harbour Board would close the east pier.\n\n"
    "\u201cWe will not reopen it before spring,\u201d she told reporters in Tallmere.\r\n"
    "According to the board, Minister of Transport Oren Vastik approved the plan. Said   workers protested."
)


def _parsed(nlp: Language, text: str = TEXT):  # type: ignore[no-untyped-def]
    return nlp(text, disable=components_to_disable(nlp))


def test_positions_are_the_tokens_a_loop_finds(nlp: Language) -> None:
    doc = _parsed(nlp)
    words = frozenset({"said", "told", "according", "minister", "nowhere"})
    assert positions(doc, words) == [token.i for token in doc if token.lower_ in words]
    assert len(positions(doc, words)) == 5  # "Said" at a sentence start counts: the match is on lowercase


def test_tagged_filters_by_tag_and_dependency_like_a_loop(nlp: Language) -> None:
    doc = _parsed(nlp)
    proper = frozenset({"NNP", "NNPS"})
    expected = [t.i for t in doc if t.tag_ in proper and t.dep_ != "compound"]
    assert tagged(doc, proper, unless_dep=frozenset({"compound"})) == expected
    assert tagged(doc, proper) == [t.i for t in doc if t.tag_ in proper]
    assert expected and len(expected) < len(tagged(doc, proper))


def test_within_keeps_the_indices_of_a_range() -> None:
    indices = [2, 5, 9, 14]
    assert list(within(indices, 5, 14)) == [5, 9]
    assert list(within(indices, -3, 3)) == [2]
    assert list(within(indices, 15, 20)) == []


def test_doc_text_is_the_text_and_a_remembered_text_is_used(nlp: Language) -> None:
    doc = _parsed(nlp)
    assert doc_text(doc) == doc.text == TEXT
    other = _parsed(nlp, "Short text.")
    remember_text(other, "Short text.")
    assert doc_text(other) == "Short text."


def test_analysis_is_the_same_with_or_without_the_remembered_text(nlp: Language) -> None:
    through_pipe = next(iter(analyse_documents(nlp, [("d0", TEXT)])))
    alone = analyse_doc(_parsed(nlp), "d0")  # no text remembered: doc_text builds it
    assert alone == through_pipe
    assert through_pipe.mentions and through_pipe.quotes


def test_every_line_break_starts_a_sentence(nlp: Language) -> None:
    doc = _parsed(nlp, "Harbour closes\nBoard says repairs will take weeks\r\n\nWorkers wait.\n")
    starts = [t.text for t in doc if t.is_sent_start and not t.is_space]
    assert starts[:3] == ["Harbour", "Board", "Workers"]
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            assert doc[token.i + 1].is_sent_start


def test_an_analysed_doc_is_freed_without_the_cycle_collector(nlp: Language) -> None:
    # Spans kept in a Doc's own user_data hold the Doc: unless the analysis drops them, each parsed Doc (its
    # arrays and tensor) stays alive until Python's cycle collector runs.
    def live_docs() -> int:
        return sum(1 for o in gc.get_objects() if type(o) is Doc)

    gc.collect()
    gc.disable()
    try:
        before = live_docs()
        for number in range(5):
            analysis = next(analyse_documents(nlp, [(f"doc-{number}", TEXT)]))
            assert analysis.mentions  # the spans were made and read
        assert live_docs() == before
    finally:
        gc.enable()
