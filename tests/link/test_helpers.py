"""Settings help texts, date intervals and the clustering constraints."""

from __future__ import annotations

from datetime import date

from storyline.link import LinkSettings, settings_help
from storyline.link.clustering import Constraints, average_linkage
from storyline.link.dates import day_interval


def test_every_setting_has_a_help_text() -> None:
    helps = settings_help()
    assert set(helps) >= {"near_dup_threshold", "num_perm", "shingle_words", "min_passage_words"}
    assert all(text.strip() for text in helps.values())
    assert LinkSettings().near_dup_threshold == 0.8


def test_partial_dates_become_day_intervals() -> None:
    assert day_interval("2015-12-23") == (date(2015, 12, 23).toordinal(),) * 2
    assert day_interval("2016-02") == (date(2016, 2, 1).toordinal(), date(2016, 2, 29).toordinal())
    assert day_interval("2015") == (date(2015, 1, 1).toordinal(), date(2015, 12, 31).toordinal())
    assert day_interval(None) is None
    assert day_interval("2015-13-01") is None


def test_average_linkage_respects_dates_and_anchors() -> None:
    edges = {(0, 1): 0.9, (1, 2): 0.9, (0, 2): 0.9}
    free = Constraints(7, [None, None, None], [None, None, None])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], free) == [[0, 1, 2]]
    day = date(2020, 1, 1).toordinal()
    dated = Constraints(7, [(day, day), None, (day + 30, day + 30)], [None, None, None])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], dated) == [[0, 1], [2]]
    anchored = Constraints(7, [None, None, None], [0, None, 1])
    assert average_linkage(edges, 0.5, [[0], [1], [2]], anchored) == [[0, 1], [2]]
    assert average_linkage(edges, 0.95, [[0], [1], [2]], free) == [[0], [1], [2]]
