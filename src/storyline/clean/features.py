"""Named, language-independent features of one line of page text.

Every feature is a plain number so that the scorer is a weighted sum that can be read and explained;
``LineFeatures.explain`` lists the ones that fired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter

from storyline.clean import markers
from storyline.clean.script import UNSPACED_SCRIPTS, dominant_script

#: Closing marks that may follow the full stop of a sentence: quotes, brackets.
_CLOSERS = "\"'”’»)]›」』）"
#: Marks that end a sentence in the scripts we meet.
_SENTENCE_END = ".!?…。！？؟।"
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DROP_DIGITS = str.maketrans("", "", "0123456789")
#: Characters per word assumed for scripts written without spaces.
UNSPACED_CHARS_PER_WORD = 2.0
#: Lines at most this many words long are "short": menu entries, headings, labels.
SHORT_LINE_WORDS = 25
#: Web addresses only matter on lines up to this long (menus, labels, headlines).
MAX_URL_LINE_WORDS = 30
#: Comment-section openers are headings or counters: never longer than this.
MAX_OPENER_WORDS = 8
#: A word running into a capitalised one ("...Steakhouse" + "A party of six..."): teaser lists glue a
#: headline to its summary this way.
_GLUED = re.compile(r"[a-zà-ÿа-я]{3}[A-ZÀ-ÞА-Я][a-zà-ÿа-я]", re.UNICODE)
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """What the line model knows about one line. Ratios are in [0, 1]; counts are raw."""

    words: float
    chars: int
    ends_sentence: bool
    stopword_ratio: float
    punct_ratio: float
    capital_ratio: float
    digit_ratio: float
    bullet: bool
    separators: int
    url_like: bool
    comment_opener: bool
    chrome_phrase: bool
    social_names: int
    byline_start: bool
    date_like: bool
    ends_colon: bool
    glued: bool
    comma_ratio: float
    script: str | None

    def explain(self) -> str:
        """The features that fired, as a short human-readable string (for RemovedBlock.reason)."""
        parts = [f"words={self.words:.0f}", f"stop={self.stopword_ratio:.2f}"]
        flags = (
            ("sentence", self.ends_sentence),
            ("bullet", self.bullet),
            ("url", self.url_like),
            ("comment-opener", self.comment_opener),
            ("chrome-phrase", self.chrome_phrase),
            ("byline", self.byline_start),
            ("date", self.date_like),
            ("colon", self.ends_colon),
        )
        parts += [name for name, on in flags if on]
        if self.capital_ratio > 0.5:
            parts.append(f"caps={self.capital_ratio:.2f}")
        if self.separators:
            parts.append(f"separators={self.separators}")
        if self.social_names:
            parts.append(f"social={self.social_names}")
        return " ".join(parts)


def ends_like_sentence(text: str) -> bool:
    """True when the line ends with sentence punctuation, possibly followed by quotes or brackets."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def word_count(tokens: list[str], script: str | None) -> float:
    """Words in the line; for scripts without spaces, estimated from the number of letters."""
    if script in UNSPACED_SCRIPTS:
        return sum(len(t) for t in tokens) / UNSPACED_CHARS_PER_WORD
    return float(len(tokens))


def stopword_ratio(folded: list[str], script: str | None, stopwords: frozenset[str]) -> float:
    """Share of (casefolded) words that are stopwords; for unspaced scripts, share of letters that are one."""
    if not folded:
        return 0.0
    if script in UNSPACED_SCRIPTS:
        letters = "".join(folded)
        return sum(1 for ch in letters if ch in stopwords) / len(letters)
    return sum(map(stopwords.__contains__, folded)) / len(folded)  # counted by C builtins


def capital_ratio(tokens: list[str]) -> float:
    """Share of cased words that start with a capital letter (headlines, menus, names)."""
    # the words' first letters in one string, counted by C builtins (a loop over words here was a sixth
    # of cleaning's time); a letter is never both upper and lower case, so the counts are the loop's
    firsts = "".join(map(itemgetter(0), tokens))
    upper = sum(map(str.isupper, firsts))
    lower = sum(map(str.islower, firsts))
    return upper / (upper + lower) if upper + lower else 0.0


def casefolded(tokens: list[str]) -> list[str]:
    """Each of ``tokens`` (runs of letters: no spaces) casefolded, as ``[t.casefold() for t in tokens]``.

    Folded joined by spaces and split again, in C: casefolding maps each character on its own (no
    context, unlike ``lower``'s final sigma) and maps no character to or from a space, so the split gives
    back each token folded. A Python call per word cost more (every line of every page is folded)."""
    if not tokens:
        return []
    return " ".join(tokens).casefold().split(" ")


def punctuation_ratio(text: str) -> float:
    """Share of non-space characters that are punctuation or symbols."""
    visible = len("".join(text.split()))
    if not visible:
        return 0.0
    return len(_PUNCTUATION.findall(text)) / visible


def line_features(text: str, stopwords: frozenset[str]) -> LineFeatures:
    """Measure one line (already stripped) against the page's stopword list."""
    tokens = _WORD.findall(text)
    script = dominant_script(text)
    words = word_count(tokens, script)
    folded = casefolded(tokens)
    digits = len(text) - len(text.translate(_DROP_DIGITS))
    short = words <= SHORT_LINE_WORDS
    return LineFeatures(
        words=words,
        chars=len(text),
        ends_sentence=ends_like_sentence(text),
        stopword_ratio=stopword_ratio(folded, script, stopwords),
        punct_ratio=punctuation_ratio(text) if short else 0.0,
        capital_ratio=capital_ratio(tokens),
        digit_ratio=digits / max(1, len(text.replace(" ", ""))),
        bullet=bool(markers.BULLET.match(text)),
        separators=len(markers.SEPARATORS.findall(text)) if short else 0,
        url_like=words <= MAX_URL_LINE_WORDS and bool(markers.URL_LIKE.search(text)),
        comment_opener=words <= MAX_OPENER_WORDS and bool(markers.COMMENT_OPENER.match(text)),
        chrome_phrase=short and markers.has_chrome_phrase(text, folded),
        social_names=markers.count_social_names(folded) if words <= 2 * SHORT_LINE_WORDS else 0,
        byline_start=short and bool(markers.BYLINE_START.match(text)),
        date_like=short and bool(markers.DATE_LIKE.search(text)),
        ends_colon=text.rstrip().endswith(":"),
        glued=bool(_GLUED.search(text)),
        comma_ratio=text.count(",") / words if words else 0.0,
        script=script,
    )
