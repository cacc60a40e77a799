"""The line scorer: a small logistic model over named features, with weights set by hand.

The weights are readable on purpose: each says how much one feature moves a line towards "body"
(positive) or "page furniture" (negative). ``feature_vector`` is also what a fitting script would use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from storyline.clean.features import SHORT_LINE_WORDS, LineFeatures

#: Fewer words than this make a line a stub (menu entry, label, counter).
STUB_WORDS = 5
#: Caps on counted features, so one very noisy line does not dominate.
MAX_SEPARATORS = 3
MAX_SOCIAL = 3
MAX_COMMA_RATIO = 0.5
#: Capital-letter ratios mean little on lines this short.
MIN_WORDS_FOR_CAPITALS = 3


@dataclass(frozen=True, slots=True)
class LineContext:
    """What the page and the corpus say about a line, beyond the line itself."""

    script_mismatch: bool = False  # written in another script than the body
    repeated: bool = False  # occurs more than once on the page
    template: bool = False  # recurs across many pages of the same site


#: Weight per feature (bias first). Positive: body; negative: chrome.
WEIGHTS: dict[str, float] = {
    "bias": -2.2,
    "log_words": 0.9,
    "stub": -1.0,
    "sentence": 1.6,
    "stopwords": 4.0,
    "capitals": -1.6,
    "punctuation": -3.0,
    "digits": -2.0,
    "bullet": -1.3,
    "separators": -0.9,
    "url": -1.0,
    "comment_opener": -4.0,
    "chrome_phrase": -2.5,
    "social": -1.0,
    "byline": -2.0,
    "date": -1.2,
    "colon": -1.2,
    "glued": 0.0,
    "commas": 0.0,
    "script_mismatch": -3.0,
    "repeated": -2.0,
    "template": -4.0,
}


def feature_vector(f: LineFeatures, ctx: LineContext) -> dict[str, float]:
    """The numeric inputs of the scorer for one line, keyed like ``WEIGHTS``."""
    return {
        "bias": 1.0,
        "log_words": math.log1p(f.words),
        "stub": float(f.words < STUB_WORDS),
        "sentence": float(f.ends_sentence),
        "stopwords": f.stopword_ratio,
        "capitals": f.capital_ratio if f.words >= MIN_WORDS_FOR_CAPITALS else 0.0,
        "punctuation": f.punct_ratio,
        "digits": f.digit_ratio,
        "bullet": float(f.bullet),
        "separators": float(min(f.separators, MAX_SEPARATORS)),
        "url": float(f.url_like and f.words <= SHORT_LINE_WORDS),
        "comment_opener": float(f.comment_opener),
        "chrome_phrase": float(f.chrome_phrase),
        "social": float(min(f.social_names, MAX_SOCIAL)),
        "byline": float(f.byline_start),
        "date": float(f.date_like),
        "colon": float(f.ends_colon),
        "glued": float(f.glued),
        "commas": min(f.comma_ratio, MAX_COMMA_RATIO),
        "script_mismatch": float(ctx.script_mismatch),
        "repeated": float(ctx.repeated),
        "template": float(ctx.template),
    }


def body_logit(f: LineFeatures, ctx: LineContext, weights: dict[str, float] | None = None) -> float:
    """The weighted sum of a line's features: above 0 leans body, below 0 leans chrome."""
    w = WEIGHTS if weights is None else weights
    return sum(w[name] * value for name, value in feature_vector(f, ctx).items())


def body_probability(f: LineFeatures, ctx: LineContext, weights: dict[str, float] | None = None) -> float:
    """The scorer's probability that a line belongs to the article body."""
    return 1.0 / (1.0 + math.exp(-body_logit(f, ctx, weights)))
