"""Which documents the English spaCy model is run on, and why the others are not."""

from __future__ import annotations

from typing import Any

#: The language of the pipeline :func:`storyline.extract.nlp.load_nlp` loads.
MODEL_LANGUAGE = "en"


def not_parsed_reason(doc: dict[str, Any]) -> str | None:
    """Why ``doc`` is not given to the English model, or None when it is.

    A body identified as another language is skipped: the English model finds names in it by their capitals
    and tags ordinary words as people and places, and parsing it costs as much as an English article. A body
    whose language is unknown (too short, or the identifier unsure) is parsed.
    """
    language = doc.get("language")
    if language and language != MODEL_LANGUAGE:
        return f"body is in language {language!r}; the entity model reads {MODEL_LANGUAGE!r} only"
    return None
