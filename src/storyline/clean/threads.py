"""Reader-comment threads that the markup does not name as comments.

trafilatura sets comments apart when their containers say so (``class="comment"``, Disqus, ...). A thread
built from neutral boxes (``<div class="response">``) reads to it as more article, and where the thread is
longer than the article it can outweigh it. What every thread has, whatever its classes, is a reply
action in each entry: several sibling boxes of one shape, each holding a short "Reply" link or button,
are a thread. Hand-written: no library we use offers this check.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from storyline.clean.headings import squeeze

#: A thread has at least this many entries of one shape, each with its reply action.
MIN_THREAD_ENTRIES = 3
#: A reply action is a short element whose whole text is one of these words (many languages).
_REPLY_ACTION = re.compile(
    r"^\W*(?:reply|respond|antworten|répondre|repondre|responder|rispondi|beantwoorden|reageer|ответить"
    r"|відповісти|odpowiedz|svara|svar|vastaa|yanıtla|cevapla|odpovědět|válasz|răspunde|balas)\W*$",
    re.IGNORECASE,
)
_ACTION_TAGS = ("a", "button", "span")
MAX_ACTION_CHARS = 24


def comment_thread_entries(root: etree._Element) -> list[str]:
    """The text of each entry of every reply-action thread on the page (whitespace squeezed)."""
    entries: list[str] = []
    for parent in _parents_of_reply_actions(root):
        shapes: dict[tuple[str, str], list[etree._Element]] = defaultdict(list)
        for child in parent:
            if isinstance(child.tag, str) and _has_reply_action(child):
                shapes[(child.tag, child.get("class") or "")].append(child)
        for children in shapes.values():
            if len(children) >= MIN_THREAD_ENTRIES:
                entries += [squeeze(child.text_content()) for child in children]
    return entries


def _parents_of_reply_actions(root: etree._Element) -> list[etree._Element]:
    """Every element that is the parent of an entry holding a reply action (nearest ancestors first)."""
    parents: dict[int, etree._Element] = {}
    for element in root.iter(*_ACTION_TAGS):
        text = element.text_content()
        if len(text) > MAX_ACTION_CHARS or not _REPLY_ACTION.match(text):
            continue
        for ancestor in element.iterancestors():
            parents.setdefault(id(ancestor), ancestor)
    return list(parents.values())


def _has_reply_action(element: etree._Element) -> bool:
    return any(
        len(text := found.text_content()) <= MAX_ACTION_CHARS and _REPLY_ACTION.match(text)
        for found in element.iter(*_ACTION_TAGS)
    )


def split_thread_paragraphs(paragraphs: list[str], entries: list[str]) -> tuple[list[str], list[str]]:
    """``paragraphs`` parted into those outside the thread entries and those inside one."""
    if not entries:
        return paragraphs, []
    joined = "\n".join(entries)
    outside, inside = [], []
    for paragraph in paragraphs:
        (inside if squeeze(paragraph) in joined else outside).append(paragraph)
    return outside, inside
