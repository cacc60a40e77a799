"""The scorer's direction on typical lines, and the body-region search."""

from __future__ import annotations

from storyline.clean.features import line_features
from storyline.clean.region import (
    BARRIER_VALUE,
    MAX_RUN_GAP,
    body_region,
    densest_region,
    line_value,
    trim_edges,
)
from storyline.clean.scorer import WEIGHTS, LineContext, body_probability, feature_vector
from storyline.clean.stopwords import stopwords_for

EN = stopwords_for("en")
PROSE = (
    "The government said on Tuesday that it would not raise taxes this year, "
    "because the economy was still recovering from the floods."
)


def p(line: str, ctx: LineContext | None = None) -> float:
    return body_probability(line_features(line, EN), ctx or LineContext())


def test_prose_scores_as_body_and_menus_as_chrome() -> None:
    assert p(PROSE) > 0.9
    assert p("• Home") < 0.1
    assert p("News | Sport | Weather | Travel") < 0.1
    assert p("Share this article on Facebook") < 0.1


def test_context_lowers_the_score() -> None:
    assert p(PROSE, LineContext(template=True)) < p(PROSE)
    assert p(PROSE, LineContext(script_mismatch=True)) < p(PROSE)
    assert p(PROSE, LineContext(repeated=True)) < p(PROSE)


def test_feature_vector_matches_weights() -> None:
    vector = feature_vector(line_features(PROSE, EN), LineContext())
    assert set(vector) == set(WEIGHTS)


def test_densest_region_spans_short_gaps() -> None:
    values = [-5.0, 10.0, -1.0, 8.0, -20.0, 3.0]
    assert densest_region(values) == (1, 4)
    assert densest_region([-1.0, -2.0]) is None


def test_line_value_weighs_long_lines_more() -> None:
    assert line_value(0.9, 40) > line_value(0.9, 5) > 0
    assert line_value(0.1, 40) < line_value(0.1, 5) < 0
    assert line_value(0.99, 40, barrier=True) == BARRIER_VALUE


def test_trim_edges_drops_headline_and_teaser_ends() -> None:
    is_sentence = [False, True, True, False, False]
    is_short = [True, False, False, True, True]
    assert trim_edges(0, 5, is_sentence, is_short) == (1, 3)
    assert trim_edges(0, 1, [False], [True]) == (1, 1)


def test_body_region_takes_in_a_strong_run_after_a_break() -> None:
    values = [-5.0, 20.0, 10.0, -15.0, 12.0, -30.0, 1.0]
    assert densest_region(values) == (1, 3)
    assert body_region(values) == (1, 5)
    far = [20.0, *([-5.0] * (MAX_RUN_GAP + 2)), 30.0]
    assert body_region(far) == (len(far) - 1, len(far))
    assert body_region([-1.0]) is None
