"""The signature of one reader comment: who wrote it and when, or a reply action under it.

A comment section need not say that it is one (no "Comments" heading, no ``class="comment"``), and it may
well be longer than the article above it. What every comment carries, in any layout and any language, is
a signature: a short author line next to a time stamp ("Dora Pike" / "June 3, 2024 at 9:14 am", "Dora
Pike says:", "greenfan wrote 3 hours ago"), or a "Reply" action. A run of entries so signed, each with
some prose, is a thread of comments; the plain-text line model (``comments.entry_section_start``) and the
HTML thread finder (``threads``) both read them here. Hand-written: no library we use finds comments
by their structure.

An article's own dated lines (a live blog's "10:45" updates, a dated correction) carry a stamp but no
changing author line beside it, so they are not read as comments.
"""

from __future__ import annotations

import re

from storyline.clean import markers
from storyline.clean.features import ends_like_sentence
from storyline.month_names import MONTH_NAMES

#: A time stamp is a short line ...
MAX_STAMP_WORDS = 8
#: ... and an author line shorter still (a name or a handle, perhaps with "says:").
MAX_AUTHOR_WORDS = 4
MAX_AUTHOR_CHARS = 40
#: A reply action is a short element or line whose whole text is one of these words (many languages).
REPLY_ACTION = re.compile(
    r"^\W*(?:reply|respond|antworten|répondre|repondre|responder|rispondi|beantwoorden|reageer|ответить"
    r"|відповісти|odpowiedz|svara|svar|vastaa|yanıtla|cevapla|odpovědět|válasz|răspunde|balas)\W*$",
    re.IGNORECASE,
)
MAX_ACTION_CHARS = 24
#: A teaser card's headline has this many words.
HEADLINE_WORDS = (4, 20)
#: "3 hours ago", "vor 2 Tagen", "il y a 5 minutes", "hace 1 día": comment widgets' relative times.
_RELATIVE_TIME = re.compile(
    r"\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b|\b(?:an?|one)\s+"
    r"(?:minute|hour|day|week|month|year)\s+ago\b|\bvor\s+\d+\s+(?:minuten|stunden?|tagen?|wochen?|monaten?)\b"
    r"|\bil\s+y\s+a\s+\d+\s+(?:minutes?|heures?|jours?|semaines?|mois|ans?)\b"
    r"|\bhace\s+\d+\s+(?:minutos?|horas?|d[ií]as?|semanas?|meses?|años?)\b"
    r"|\b\d+\s+(?:minuten|uur|dagen|weken)\s+geleden\b|\b\d+\s+(?:минут\w*|час\w*|дн\w*|дней)\s+назад\b",
    re.IGNORECASE | re.UNICODE,
)
#: The verb a comment widget prints after the author's name ("Dora Pike says:", "Dora a écrit :").
_SAYS = re.compile(
    r"\s+(?:says|said|wrote|writes|schreibt|schrieb|a\s+écrit|dice|dijo|escribió|schreef|zegt|написал\w*)"
    r"\s*:?\s*$",
    re.IGNORECASE | re.UNICODE,
)
_SENTENCE_MARKS = ".!?…。！？"
#: English weekdays, which open a stamp ("Wednesday November 20, 2019") and name no one.
WEEKDAY_NAMES = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
#: Words between an author's name and the date on one signature line ("Dora Pike on June 3, 2024").
_DATE_LEAD_WORDS = WEEKDAY_NAMES | frozenset(
    {"on", "at", "am", "le", "el", "il", "op", "|", "/", "·", "-", "–", "•", *MONTH_NAMES}
)
_DIGIT = re.compile(r"\d")
#: A name has a word of two letters or more ("2" or "#" is a counter, not an author) ...
_NAME_WORD = re.compile(r"[^\W\d_]{2}", re.UNICODE)
#: ... and no number as a word ("6976 reads") or four digits in a row ("November022023", a glued date).
_NUMBER_WORD = re.compile(r"(?:^|\s)[\d.,]+(?:\s|$)|\d{4}")
#: A dash in front of a name credits a quotation (an embedded post, an epigraph), not a comment.
_QUOTE_CREDIT = re.compile(r"^\s*[—–―-]")


def is_reply_action(text: str) -> bool:
    """True for a short "Reply" action (a link, a button, or its line in a text rendering)."""
    return len(text) <= MAX_ACTION_CHARS and bool(REPLY_ACTION.match(text))


def is_stamp(text: str) -> bool:
    """True for a short line that is a date or time stamp ("June 3, 2024 at 9:14 am", "3 hours ago")."""
    stripped = text.strip()
    if not stripped or len(stripped.split()) > MAX_STAMP_WORDS or stripped[-1] in _SENTENCE_MARKS[1:]:
        return False
    if markers.URL_LIKE.search(stripped):  # a link's dated path is no stamp
        return False
    return bool(markers.DATE_LIKE.search(stripped) or _RELATIVE_TIME.search(stripped))


def author_of(text: str) -> str | None:
    """The author's name when a line reads as a comment's author line ("Dora Pike", "Dora Pike says:");
    not a quotation's credit ("— Dora Pike")."""
    if _QUOTE_CREDIT.match(text):
        return None
    stripped = _SAYS.sub("", markers.BULLET.sub("", text.strip(), count=1)).strip()  # "1. Dora", "• Dora"
    words = stripped.split()
    if not 0 < len(words) <= MAX_AUTHOR_WORDS or len(stripped) > MAX_AUTHOR_CHARS:
        return None
    if stripped[-1] in _SENTENCE_MARKS or is_stamp(stripped) or is_reply_action(stripped):
        return None
    if ":" in stripped or stripped.endswith(","):  # a label or a title ("Venue: Town hall"), not a name
        return None
    if not _NAME_WORD.search(stripped) or stripped.casefold() in WEEKDAY_NAMES:
        return None
    if (
        markers.BYLINE_START.match(stripped)
        or markers.SEPARATORS.search(stripped)
        or _NUMBER_WORD.search(stripped)
    ):
        return None  # an article's byline, a menu or breadcrumb, a counter or a date
    if markers.has_chrome_phrase(stripped) or markers.COMMENT_OPENER.match(stripped):
        return None
    return stripped


def is_prose(text: str, min_words: int) -> bool:
    """A comment's own text: a sentence of at least ``min_words`` words, not a list item (a teaser list's
    headline), a signature or an action."""
    return (
        len(text.split()) >= min_words
        and ends_like_sentence(text)
        and not markers.BULLET.match(text)
        and not is_stamp(text)
        and not is_reply_action(text)
    )


def is_headline(text: str) -> bool:
    """A title-shaped line (a few words, no sentence): the headline of a teaser card ("Harbour parking
    charges to rise"), whose author and date lines follow it as a comment's would."""
    words = len(text.split())
    return HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1] and not ends_like_sentence(text)


def signature_author(text: str) -> str | None:
    """The author of a one-line signature, a name followed by a time stamp ("Dora Pike June 3, 2024 at
    9:14 am", "greenfan · 3 hours ago"); None for a bare stamp ("10:45", "June 3, 2024") and for a
    quotation's credit, which a dash opens ("— Dora Pike (@dpike) June 3, 2024" under an embedded post
    the article quotes)."""
    if not is_stamp(text) or _QUOTE_CREDIT.match(text):
        return None
    digit = _DIGIT.search(text)
    words = text[: digit.start() if digit else len(text)].split()
    while words and words[-1].casefold().strip(",") in _DATE_LEAD_WORDS:
        words.pop()
    return author_of(" ".join(words)) if words else None
