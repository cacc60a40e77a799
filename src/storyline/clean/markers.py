"""Generic web-CMS phrases that mark page furniture, in several languages.

These are phrases that content-management systems and comment widgets print on every site that uses
them (WordPress, Disqus, wpDiscuz, Blogger ...), not phrases of any particular site. Each pattern is
anchored to the whole line (openers) or searched in short lines only (chrome), so that a body sentence
that merely mentions "comments" or "Facebook" is not affected.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.UNICODE

# A count such as "12", "1.204" or "(3)" in front of or behind a comment-section heading.
_COUNT = r"(?:\(?\d[\d.,\s]*\)?\s*)"

#: Lines that open a reader-comment section: headings, counters, reply forms, closed notices.
COMMENT_OPENER = re.compile(
    r"^\s*" + _COUNT + r"?(?:"
    # English
    r"comments?|responses?|replies|reader comments|comments are closed|leave a (?:reply|comment)"
    r"|post a comment|add (?:a|your) comment|write a comment|join the (?:discussion|conversation)"
    r"|notify of|view (?:all )?comments|show comments|load comments|discussion|what do you think\??"
    r"|you must be logged in to post a comment\.?|be the first to comment"
    # French
    r"|commentaires?|laisser un commentaire|ajouter un commentaire|r[ée]agir|[ée]crire un commentaire"
    r"|les commentaires sont ferm[ée]s"
    # German
    r"|kommentare?|kommentar schreiben|schreibe(?:n sie)? einen kommentar|hinterlasse einen kommentar"
    r"|kommentare sind geschlossen|leserkommentare|diskussion"
    # Spanish
    r"|comentarios?|deja (?:un comentario|una respuesta)|dejar un comentario|escribe un comentario"
    r"|los comentarios est[áa]n cerrados"
    # Dutch
    r"|reacties?|geef een reactie|laat een reactie achter|plaats een reactie|reacties zijn gesloten"
    # Russian
    r"|комментари[йяеви]{0,2}|оставить комментарий|оставьте комментарий|добавить комментарий"
    r"|написать комментарий|комментарии закрыты|обсуждение"
    # Italian
    r"|comment[oi]|lascia un commento|aggiungi un commento|scrivi un commento|i commenti sono chiusi"
    # Portuguese
    r"|coment[áa]rios?|deixe (?:um coment[áa]rio|uma resposta)|os coment[áa]rios est[ãa]o fechados"
    r")\s*" + _COUNT + r"?[:.!]?\s*$",
    _FLAGS,
)


def _word_set(spaced: str) -> frozenset[str]:
    """The words of a space-separated list (long word lists read better as one string)."""
    return frozenset(spaced.split())


#: Single words of sharing bars, subscription boxes, footers and cookie notices (casefolded).
CHROME_WORDS = _word_set(
    "subscribe newsletter newsletters login teilen partager compartir condividi compartilhe compartilhar"
    " поделиться abonnieren suscríbete suscribete iscriviti assine подписаться inloggen войти cookie"
    " cookies copyright datenschutz impressum weiterlesen síguenos siguenos seguici print newest oldest"
    " trending advertisement anzeige publicité publicite publicidad publicidade pubblicità advertentie"
    " реклама"
)
#: Word sequences of the same furniture, matched on whole words (casefolded, punctuation dropped).
_CHROME_PHRASE_LIST = (
    "share this",
    "share on",
    "share via",
    "sign up",
    "sign in",
    "log in",
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "derechos reservados",
    "diritti riservati",
    "direitos reservados",
    "alle rechten voorbehouden",
    "все права защищены",
    "read more",
    "read also",
    "read next",
    "lire la suite",
    "lire aussi",
    "leer más",
    "leggi anche",
    "leia mais",
    "leia também",
    "lees meer",
    "lees ook",
    "читать далее",
    "читайте также",
    "see also",
    "zie ook",
    "voir aussi",
    "siehe auch",
    "ver también",
    "vedi anche",
    "veja também",
    "смотрите также",
    "privacy policy",
    "terms of use",
    "terms of service",
    "follow us",
    "folgen sie uns",
    "suivez nous",
    "siga nos",
    "volg ons",
    "skip to content",
    "skip to main content",
    "click here",
    "most read",
    "most popular",
    "most viewed",
    "most voted",
    "back to top",
    "load more",
    "s abonner",
    # Teaser-box headings
    "don t miss",
    "see more",
    "more from",
    "more stories",
    "you may also like",
    "you might also like",
    "also read",
    "recommended for you",
    "lesen sie auch",
    "à lire aussi",
    "te puede interesar",
    "potrebbe interessarti",
    "você também pode gostar",
    "meer nieuws",
)
#: The same phrases as word tuples, looked up by n-gram.
CHROME_PHRASES = frozenset(tuple(phrase.split()) for phrase in _CHROME_PHRASE_LIST)
_PHRASE_LENGTHS = sorted({len(phrase) for phrase in CHROME_PHRASES})
_PHRASE_STARTS = frozenset(phrase[0] for phrase in CHROME_PHRASES)
#: Words that, followed by a colon, open a caption or a label line ("Photo: ...", "Tags: ...").
LABEL_WORDS = _word_set(
    "image photo foto фото фотографии bild credit credits tags tag source related illustration"
)
#: Symbols that only footers carry.
CHROME_SYMBOLS = ("©", "ⓒ")
_LABEL = re.compile(r"^\s*(\w+)(?:\s+\w+)?\s*:", re.UNICODE)
_WORDS = re.compile(r"\w+", re.UNICODE)


def has_chrome_phrase(line: str, words: list[str] | None = None) -> bool:
    """True when a (short) line carries a word or phrase of page furniture, or is a caption label.

    ``words`` are the line's casefolded words when the caller has them already.
    """
    if words is None:
        words = _WORDS.findall(line.casefold())
    if not words:
        return False
    if any(symbol in line for symbol in CHROME_SYMBOLS) or not CHROME_WORDS.isdisjoint(words):
        return True
    for i, word in enumerate(words):
        if word in _PHRASE_STARTS and any(tuple(words[i : i + n]) in CHROME_PHRASES for n in _PHRASE_LENGTHS):
            return True
    label = _LABEL.match(line)
    return (label is not None and label.group(1).casefold() in LABEL_WORDS) or words[0] == "related"


#: Names of social networks and feed formats: lines made of them are sharing or follow bars.
SOCIAL_NAMES = _word_set(
    "facebook twitter whatsapp telegram instagram linkedin youtube pinterest reddit tumblr vk rss email"
    " flipboard messenger viber google tiktok xing weibo wechat"
)


def count_social_names(folded_words: list[str]) -> int:
    """How many of a line's casefolded words name a social network or feed format."""
    return sum(map(SOCIAL_NAMES.__contains__, folded_words))


#: Words that introduce an author at the start of a byline, in several languages.
BYLINE_START = re.compile(
    r"^\s*(?:by|written by|posted by|von|par|por|door|di|da|av|af|автор[:\s]|publi[ée] par|escrito por)\s",
    _FLAGS,
)

#: A date or time somewhere in a line: a year 1900-2099, d/m/y numbers, or hh:mm.
DATE_LIKE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b",
    _FLAGS,
)

#: A news dateline opening the first paragraph: "CITY (Agency) - ", "OUTLET.COM - ", "(Reuters) — ".
DATELINE_PREFIX = re.compile(
    r"^\s*((?:[A-ZÀ-ÞА-Я0-9][\w.&'’/]*[ ,]*){1,5}(?:\([^)]{2,40}\))?|\([^)]{2,40}\))\s*[-–—:]\s+(?=\w)",
    re.UNICODE,
)

#: Bullet and list-item marks that a text rendering puts in front of menu entries.
BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙*»›>+-]|\d{1,2}[.)])\s")

#: Characters that separate menu entries and breadcrumbs.
SEPARATORS = re.compile(r"\s[|/»›>·•–-]\s|\s[|»›·•]|[|»›·•]\s")

#: A web address or e-mail address.
URL_LIKE = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|org|net|ru|kg|de|fr|uk|info|io)\b|@\w", _FLAGS)


#: A photo credit closing a line ("... (© Agency)", "... [Photo: Agency]") or a caption label opening it.
_CAPTION_CREDIT = re.compile(
    r"[(\[]\s*(?:©|ⓒ|(?:photo|image|foto|фото|bild|credit)\b)[^)\]]*[)\]]\s*$", _FLAGS
)
_CAPTION_LABEL = re.compile(
    r"^\s*(?:image|photo|foto|фото|фотографии|bild|illustration|credit)s?\s*:", _FLAGS
)
#: Unfilled template placeholders ("%s", "%d", "{{name}}") that widgets print before their script runs.
_PLACEHOLDER = re.compile(r"%[sd]\b|\{\{|\}\}")


def is_caption(line: str) -> bool:
    """True for a photo caption or credit line."""
    return bool(_CAPTION_CREDIT.search(line) or _CAPTION_LABEL.match(line))


def has_placeholder(line: str) -> bool:
    """True when a line holds an unfilled template placeholder."""
    return bool(_PLACEHOLDER.search(line))


#: An advertising or affiliate disclosure ("This article contains affiliate links ...", "*Anzeige",
#: "We may earn a commission ..."): a notice about the page, printed at the body's start or end, not part
#: of the article. English, German, French, Spanish, Italian, Dutch and Portuguese wordings.
_AD_DISCLOSURE = re.compile(
    r"\baffiliate[- ]?(?:links?|partner|programs?|commissions?)\b|\bpartner[- ]?links?\b"
    r"|\b(?:we|i)\s+(?:may\s+|might\s+|will\s+)?(?:earn|receive|get)\s+(?:an?\s+)?(?:small\s+)?"
    r"(?:commission|compensation|share\s+of\s+(?:the\s+)?(?:sales?|revenue))"
    r"|\b(?:advertis(?:ing|er)\s+disclos\w*|sponsored\s+(?:content|post)|paid\s+partnership)\b"
    r"|\b(?:advertising|werbe|anzeigen)[- ]?(?:disclaimer|hinweis)\b"
    r"|^\W*(?:anzeige|werbung|publicité|publicidad|pubblicità|advertentie|publicidade|advertisement)\b\W*:?"
    r"|\berhalten\s+wir\s+(?:ggf\.\s+|gegebenenfalls\s+|eine?\s+)*(?:kleine\s+)?provision"
    r"|\bliens?\s+(?:d'affiliation|affiliés?|sponsorisés?)|\benlaces?\s+(?:de\s+)?afiliad[oa]s?"
    r"|\blink\s+(?:di\s+)?affiliazione|\blinks?\s+(?:de\s+)?afiliad[oa]s?",
    _FLAGS,
)
#: A disclosure is a notice, not an article paragraph: at most this many words.
AD_DISCLOSURE_MAX_WORDS = 80


def is_ad_disclosure(text: str) -> bool:
    """True for a short advertising or affiliate disclosure paragraph."""
    return len(text.split()) <= AD_DISCLOSURE_MAX_WORDS and bool(_AD_DISCLOSURE.search(text))
