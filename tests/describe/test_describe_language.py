"""Language of the clean body."""

from __future__ import annotations

from storyline.describe import detect_language


def test_common_languages() -> None:
    assert detect_language("The city council approved the new budget on Tuesday after a long debate.") == "en"
    german = "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen."
    assert detect_language(german) == "de"
    assert detect_language("Городской совет во вторник после долгих дебатов утвердил новый бюджет.") == "ru"


def test_short_or_empty_text_gives_none() -> None:
    assert detect_language("") is None
    assert detect_language("OK 123") is None
