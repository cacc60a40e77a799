"""The line scorer: a small logistic model over named features, with weights set by hand.

The weights are readable on purpose: each says how much one feature moves a line towards "body"
(positive) or "page furniture" (negative). ``feature_vector`` is also what a fitting script would use.
"""

from __future__ import annotations

import math
import operator
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


#: The feature names in the order of ``feature_values``.
FEATURE_NAMES: tuple[str, ...] = tuple(WEIGHTS)
_HAND_VECTOR = [WEIGHTS[name] for name in FEATURE_NAMES]


def feature_values(f: LineFeatures, ctx: LineContext) -> list[float]:
    """The numeric inputs of the scorer for one line, in the order of ``FEATURE_NAMES``."""
    return [
        1.0,
        math.log1p(f.words),
        float(f.words < STUB_WORDS),
        float(f.ends_sentence),
        f.stopword_ratio,
        f.capital_ratio if f.words >= MIN_WORDS_FOR_CAPITALS else 0.0,
        f.punct_ratio,
        f.digit_ratio,
        float(f.bullet),
        float(min(f.separators, MAX_SEPARATORS)),
        float(f.url_like and f.words <= SHORT_LINE_WORDS),
        float(f.comment_opener),
        float(f.chrome_phrase),
        float(min(f.social_names, MAX_SOCIAL)),
        float(f.byline_start),
        float(f.date_like),
        float(f.ends_colon),
        float(f.glued),
        min(f.comma_ratio, MAX_COMMA_RATIO),
        float(ctx.script_mismatch),
        float(ctx.repeated),
        float(ctx.template),
    ]


def feature_vector(f: LineFeatures, ctx: LineContext) -> dict[str, float]:
    """The scorer's inputs for one line, keyed by feature name (for reading and explaining)."""
    return dict(zip(FEATURE_NAMES, feature_values(f, ctx), strict=True))


def logit(values: list[float], weights: dict[str, float] | None = None) -> float:
    """The weighted sum of feature values: above 0 leans body, below 0 leans chrome."""
    w = _HAND_VECTOR if weights is None else [weights[name] for name in FEATURE_NAMES]
    return dot(w, values)


def dot(weights: list[float], values: list[float]) -> float:
    """The dot product of two equally long vectors."""
    return sum(map(operator.mul, weights, values))


def sigmoid(z: float) -> float:
    """The logistic function."""
    return 1.0 / (1.0 + math.exp(-z))


def body_probability(f: LineFeatures, ctx: LineContext, weights: dict[str, float] | None = None) -> float:
    """The scorer's probability that a line belongs to the article body."""
    return sigmoid(logit(feature_values(f, ctx), weights))
