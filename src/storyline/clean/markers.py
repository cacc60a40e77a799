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
    r"|comments zijn gesloten"
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

#: Phrases of sharing bars, subscription boxes, footers, cookie notices and "read also" teasers.
CHROME_PHRASE = re.compile(
    r"(?:"
    r"\bshare (?:this|on|via)\b|^share$|\bteilen\b|\bpartager\b|\bcompartir\b|\bcondividi\b|\bcompartilhe?\b"
    r"|\bподелиться\b|\bsubscribe\b|\bnewsletter\b|\bsign (?:up|in)\b|\blog ?in\b|\babonnieren\b"
    r"|\bs'abonner\b|\bsuscr[ií]bete\b|\biscriviti\b|\bassine\b|\bподписаться\b|\binloggen\b|\bвойти\b"
    r"|all rights reserved|alle rechte vorbehalten|tous droits r[ée]serv[ée]s|derechos reservados"
    r"|diritti riservati|direitos reservados|alle rechten voorbehouden|все права защищены|©|ⓒ|\bcopyright\b"
    r"|\bread (?:more|also|next)\b|\bweiterlesen\b|\blire (?:la suite|aussi)\b|\bleer m[áa]s\b"
    r"|\bleggi anche\b|\bleia (?:mais|tamb[ée]m)\b|\blees (?:meer|ook)\b|читать далее|читайте также"
    r"|^related\b|\bsee also\b"
    r"|\bzie ook\b|\bvoir aussi\b|\bsiehe auch\b|\bver tambi[ée]n\b|\bvedi anche\b|\bveja tamb[ée]m\b"
    r"|смотрите также|^advertisement$|^anzeige$|^publicit[ée]$|^publicidad[e]?$|^pubblicit[àa]$"
    r"|^advertentie$|^реклама$|\bcookies?\b|privacy policy|terms of (?:use|service)|\bdatenschutz\b"
    r"|\bimpressum\b|\bfollow us\b|\bfolgen sie uns\b|\bsuivez-nous\b|\bs[ií]guenos\b|\bseguici\b"
    r"|\bsiga-nos\b|\bvolg ons\b|skip to (?:main )?content|\bclick here\b|^tags?\s*:|^(?:image|photo|foto"
    r"|фото|фотографии|bild|credit|image credit|photo credit)\s*:|\bprint\b|\bnewest\b|\boldest\b"
    r"|\bmost (?:read|popular|viewed|voted)\b|\btrending\b|\bback to top\b|\bload more\b"
    r")",
    _FLAGS,
)

#: Names of social networks and feed formats: lines made of them are sharing or follow bars.
SOCIAL_NAME = re.compile(
    r"\b(?:facebook|twitter|whatsapp|telegram|instagram|linkedin|youtube|pinterest|reddit|tumblr|vk"
    r"|rss|e-?mail|flipboard|messenger|viber|google\+?|tiktok|xing|weibo|wechat)\b",
    _FLAGS,
)

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
