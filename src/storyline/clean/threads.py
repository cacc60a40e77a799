"""Reader-comment threads that the markup does not name as comments.

trafilatura sets comments apart when their containers say so (``class="comment"``, Disqus, ...). A thread
built from neutral boxes (``<div class="response">``) reads to it as more article, and where the thread is
longer than the article it can outweigh it. What every thread has, whatever its classes, is a signature
in each entry (``entries``): a reply action, or an author line beside a time stamp. Several sibling boxes
of one shape, each so signed, are a thread. Hand-written: no library we use offers this check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lxml import etree

from storyline.clean import comments, entries
from storyline.clean.headings import squeeze
from storyline.clean.html import tree_text

#: A thread has at least this many entries of one shape, each signed.
MIN_THREAD_ENTRIES = 3
_ACTION_TAGS = ("a", "button", "span")
#: Teaser cards (a related story: headline, date, summary) look like signed entries; their headline is a
#: heading or a link of this many words or more, which a comment's signature never is.
HEADLINE_LINK_WORDS = 5
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: One comment is not a whole page: boxes with more text than this are not looked into.
MAX_ENTRY_CHARS = 5000
#: Elements whose text may be a comment's time stamp (besides ``<time>`` and the action tags) ...
_STAMP_TAGS = (
    "div",
    "p",
    "li",
    "td",
    "dd",
    "small",
    "b",
    "strong",
    "em",
    "i",
    "abbr",
    "cite",
    "font",
    "header",
)
#: ... looked at up to this length.
MAX_STAMP_CHARS = 80
#: ``<time>`` on a line of its own, as a comment widget shows it.
_STAMP_BLOCKS = frozenset({"time"})


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One entry of a thread: its whole text (whitespace squeezed) and the comment in it, without the
    author line, the time stamp and the actions."""

    text: str
    comment: str


def comment_thread_entries(root: etree._Element) -> list[ThreadEntry]:
    """Each entry of every signed thread on the page."""
    found: list[ThreadEntry] = []
    marked = _marked_elements(root)
    for parent in list(marked.values()):
        shapes: dict[tuple[str, str], list[etree._Element]] = defaultdict(list)
        for child in parent:
            if id(child) in marked:  # a signed box holds a mark
                shapes[(child.tag, child.get("class") or "")].append(child)
        for children in shapes.values():
            if len(children) >= MIN_THREAD_ENTRIES:
                signed = _signed_entries(children)
                found += [ThreadEntry(squeeze(child.text_content()), _comment_of(child)) for child in signed]
    return found


def _marked_elements(root: etree._Element) -> dict[int, etree._Element]:
    """Every reply action or time stamp and all their ancestors, by ``id`` (the dict keeps the lxml
    proxies alive, so the ids stay theirs)."""
    marked: dict[int, etree._Element] = {}
    for element in root.iter("time", *_ACTION_TAGS, *_STAMP_TAGS):
        if _is_signature_mark(element):
            marked.setdefault(id(element), element)
            for ancestor in element.iterancestors():
                marked.setdefault(id(ancestor), ancestor)
    return marked


def _is_signature_mark(element: etree._Element) -> bool:
    """A ``<time>``, a leaf element holding a time stamp, or a reply action."""
    if element.tag == "time":
        return True
    text = element.text
    if len(element) == 0 and text and len(text) <= MAX_STAMP_CHARS and entries.is_stamp(text):
        return True
    return element.tag in _ACTION_TAGS and entries.is_reply_action(element.text_content())


def _has_reply_action(element: etree._Element) -> bool:
    return any(entries.is_reply_action(found.text_content()) for found in element.iter(*_ACTION_TAGS))


def _signature(element: etree._Element) -> str | None:
    """How a box is signed as a comment: "" for a reply action, else the author of an author line beside
    a time stamp followed by the comment; None when it is no comment (too long, or a teaser card with a
    headline)."""
    if len(element.text_content()) > MAX_ENTRY_CHARS:
        return None
    if _has_reply_action(element):
        return ""
    if any(True for _ in element.iter(*_HEADINGS)):
        return None
    if any(len(link.text_content().split()) >= HEADLINE_LINK_WORDS for link in element.iter("a")):
        return None
    found = comments.signatures(tree_text(element, _STAMP_BLOCKS).split("\n"))
    return found[0].author if found else None


def _signed_entries(children: list[etree._Element]) -> list[etree._Element]:
    """The boxes of one shape that make a thread: each signed, and (where authors sign them) by enough
    different people (a live blog's dated updates, a table of times, repeat one "author")."""
    signed = [(child, author) for child in children if (author := _signature(child)) is not None]
    if len(signed) < MIN_THREAD_ENTRIES:
        return []
    authors = [author for _, author in signed if author]
    if authors and len(set(authors)) < max(2, comments.MIN_AUTHOR_SHARE * len(authors)):
        return []
    return [child for child, _ in signed]


def _comment_of(element: etree._Element) -> str:
    """The comment's own lines in an entry (what is left without its signature and actions)."""
    lines = tree_text(element, _STAMP_BLOCKS).split("\n")
    return "\n".join(line for line in lines if entries.is_prose(line, comments.MIN_COMMENT_WORDS))


def split_thread_paragraphs(paragraphs: list[str], thread: list[ThreadEntry]) -> tuple[list[str], list[str]]:
    """``paragraphs`` parted into those outside the thread entries and those inside one."""
    if not thread:
        return paragraphs, []
    joined = "\n".join(entry.text for entry in thread)
    outside, inside = [], []
    for paragraph in paragraphs:
        (inside if squeeze(paragraph) in joined else outside).append(paragraph)
    return outside, inside
