"""Split captions that a text rendering glued onto the first sentence of a paragraph.

When a page puts a photo caption right before a paragraph without a space, the visible text reads
"...on the flooded river bankRescue teams moved in...": a lowercase word runs straight into a capitalised
word that opens a sentence. Hand-written because no library undoes this; camel-case names
("WeWork", "iPhone", "McDonald") are kept because their left part is capitalised or one letter long.
"""

from __future__ import annotations

import re

from storyline.clean.features import ends_like_sentence

# A lowercase run of 3+ letters glued to a capitalised word that goes on in lowercase.
_GLUE = re.compile(r"(?<![^\W\d_])([^\W\d_]*?[a-zà-ÿа-я]{3})([A-ZÀ-ÞА-Я][a-zà-ÿа-я]+\b)", re.UNICODE)
_QUICK_GLUE = re.compile(r"[a-zà-ÿа-я]{3}[A-ZÀ-ÞА-Я]", re.UNICODE)
#: The caption part must be a short phrase; the remainder a real sentence.
MAX_CAPTION_WORDS = 20
MIN_REMAINDER_WORDS = 6


def split_glued_caption(line: str) -> tuple[str, str] | None:
    """``(caption, body)`` when ``line`` is a caption glued to a body sentence, else None."""
    if not _QUICK_GLUE.search(line):  # cheap test first: most lines have no glued word at all
        return None
    for match in _GLUE.finditer(line):
        left_word = match.group(1)
        if not left_word.islower():
            continue  # "WeWork", "McDonald": camel case inside a name
        cut = match.start(2)
        caption, body = line[:cut].strip(), line[cut:].strip()
        if len(caption.split()) > MAX_CAPTION_WORDS or ends_like_sentence(caption):
            return None
        if len(body.split()) >= MIN_REMAINDER_WORDS and ends_like_sentence(body):
            return caption, body
        return None
    return None
