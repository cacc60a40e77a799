"""One py3langid model per process, shared by cleaning (raw scores) and describing (normalised)."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from storyline.language_model import normalised_identifier, raw_identifier

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
