"""Second pass of the line model: rescore each line knowing its neighbours and the first-pass body region.

The first pass scores lines one by one with hand-set weights. This pass adds what a line's place on the
page says (are its neighbours body-like? is it inside the first body region, or how far from it? is it
in the comment section?) and rescores with weights fitted on silver labels (``fitted_weights.py``,
made by ``benchmarks/clean_quality.py --fit`` from pages that are not in the quality benchmark).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from storyline.clean.features import LineFeatures
from storyline.clean.fitted_weights import FITTED_WEIGHTS
from storyline.clean.scorer import LineContext, feature_vector

#: Probabilities are clipped to this distance from 0 and 1 before taking log-odds.
_EPSILON = 1e-6
#: Names of the second-pass inputs that are not line features.
CONTEXT_NAMES = ("hand_logit", "prev_p", "next_p", "in_region", "log_distance", "comment_zone")


class ScoredLineLike(Protocol):
    """What this pass reads from a scored line."""

    features: LineFeatures
    context: LineContext
    probability: float
    label: str


def log_odds(probability: float) -> float:
    """The logit of a probability, clipped away from infinity."""
    p = min(max(probability, _EPSILON), 1.0 - _EPSILON)
    return math.log(p / (1.0 - p))


def context_vectors(lines: Sequence[ScoredLineLike], start: int, end: int) -> list[dict[str, float]]:
    """For every line: its own features plus where it stands relative to its neighbours and the region."""
    n = len(lines)
    vectors = []
    for i, line in enumerate(lines):
        inside = start <= i < end
        distance = 0 if inside else (start - i if i < start else i - end + 1)
        vector = feature_vector(line.features, line.context)
        vector.update(
            hand_logit=log_odds(line.probability),
            prev_p=lines[i - 1].probability if i > 0 else 0.0,
            next_p=lines[i + 1].probability if i + 1 < n else 0.0,
            in_region=float(inside),
            log_distance=math.log1p(distance),
            comment_zone=float(line.label == "comment"),
        )
        vectors.append(vector)
    return vectors


def refined_probabilities(
    lines: Sequence[ScoredLineLike], start: int, end: int, weights: dict[str, float] | None = None
) -> list[float]:
    """Second-pass body probabilities for every line."""
    w = FITTED_WEIGHTS if weights is None else weights
    out = []
    for vector in context_vectors(lines, start, end):
        z = sum(w.get(name, 0.0) * value for name, value in vector.items())
        out.append(1.0 / (1.0 + math.exp(-z)))
    return out
