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

from storyline.clean.fitted_weights import FITTED_WEIGHTS
from storyline.clean.scorer import FEATURE_NAMES, dot, sigmoid

#: Probabilities are clipped to this distance from 0 and 1 before taking log-odds.
_EPSILON = 1e-6
#: Names of the second-pass inputs that are not line features.
CONTEXT_NAMES = ("hand_logit", "prev_p", "next_p", "in_region", "log_distance", "comment_zone")


class ScoredLineLike(Protocol):
    """What this pass reads from a scored line."""

    values: list[float]
    probability: float
    in_comments: bool


#: The second pass's inputs, in order: the line's own features, then its context.
REFINE_NAMES: tuple[str, ...] = (*FEATURE_NAMES, *CONTEXT_NAMES)
_FITTED_VECTOR = [FITTED_WEIGHTS.get(name, 0.0) for name in REFINE_NAMES]


def log_odds(probability: float) -> float:
    """The logit of a probability, clipped away from infinity."""
    p = min(max(probability, _EPSILON), 1.0 - _EPSILON)
    return math.log(p / (1.0 - p))


def context_rows(lines: Sequence[ScoredLineLike], start: int, end: int) -> list[list[float]]:
    """For every line: its own features plus where it stands relative to its neighbours and the region."""
    n = len(lines)
    rows = []
    for i, line in enumerate(lines):
        inside = start <= i < end
        distance = 0 if inside else (start - i if i < start else i - end + 1)
        rows.append(
            [
                *line.values,
                log_odds(line.probability),
                lines[i - 1].probability if i > 0 else 0.0,
                lines[i + 1].probability if i + 1 < n else 0.0,
                float(inside),
                math.log1p(distance),
                float(line.in_comments),
            ]
        )
    return rows


def refined_probabilities(
    lines: Sequence[ScoredLineLike], start: int, end: int, weights: dict[str, float] | None = None
) -> list[float]:
    """Second-pass body probabilities for every line."""
    w = _FITTED_VECTOR if weights is None else [weights.get(name, 0.0) for name in REFINE_NAMES]
    rows = context_rows(lines, start, end)
    return [sigmoid(dot(w, row)) for row in rows]
