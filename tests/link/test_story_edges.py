"""Story edges' terms as arrays over every pair equal the per-pair formula they replaced."""

from __future__ import annotations

import math
import random

import numpy as np

from storyline.link import LinkDoc, LinkSettings
from storyline.link.clustering import Edges
from storyline.link.dates import date_agreement, day_interval
from storyline.link.kept_cosines import KeptCosines
from storyline.link.records import Passage
from storyline.link.stories import (
    PASSAGE_UNIT_WORDS,
    _passage_bonus,
    _specificity,
    _weighed,
    report_vectors,
    story_edges,
)
from storyline.link.tokens import words_of
from storyline.link.vectors import candidate_pair_arrays, key_term_matrix

ENTITIES = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
TITLE_WORDS = ["ferry", "sinks", "off", "Tarvik", "crew", "rescued", "storm", "harbour"]
DATES = [None, "2021-06-04", "2021-06-11", "2021-06", "2021", "2023-01-02", "not a date"]


def _reports(count: int, rng: random.Random) -> list[LinkDoc]:
    return [
        LinkDoc(
            f"r{n}",
            n,
            "",
            title=" ".join(rng.sample(TITLE_WORDS, rng.randint(0, 4))) or None,
            published=rng.choice(DATES),
            published_confidence=rng.choice([1.0, 0.25, 0.5]),
            entities=frozenset(rng.sample(ENTITIES, rng.randint(0, 4))),
        )
        for n in range(count)
    ]


def _one_pair(docs: list[LinkDoc], i: int, j: int, sim: float, settings: LinkSettings) -> float:
    """The formula as it was written for one pair at a time."""
    weight = _specificity([d.entities for d in docs])
    a, b = docs[i].entities, docs[j].entities
    either = sum(weight[e] for e in a | b)
    sim += settings.story_entity_weight * (sum(weight[e] for e in a & b) / either if either else 0.0)
    titles = [set(words_of(d.title)) if d.title else set() for d in (docs[i], docs[j])]
    union = len(titles[0] | titles[1])
    sim += settings.story_title_weight * (len(titles[0] & titles[1]) / union if union else 0.0)
    first, second = day_interval(docs[i].published), day_interval(docs[j].published)
    certainty = docs[i].published_confidence * docs[j].published_confidence
    sim *= date_agreement(first, second, certainty, settings.story_date_scale_days)
    if (first is None) != (second is None):
        sim -= settings.story_one_dated_penalty
    return sim


def test_edge_terms_over_all_pairs_equal_the_formula_for_one_pair() -> None:
    rng = random.Random(3)
    docs = _reports(40, rng)
    pairs = sorted({tuple(sorted(rng.sample(range(len(docs)), 2))) for _ in range(300)})
    edges = Edges.of({pair: rng.random() for pair in pairs})
    for settings in (LinkSettings(), LinkSettings(story_date_scale_days=0.0)):
        sims = _weighed(docs, edges, settings)
        expected = [_one_pair(docs, i, j, sim, settings) for i, j, sim in edges.items()]
        assert np.allclose(sims, expected, rtol=0, atol=1e-12)
        assert not np.array_equal(sims, edges.sims)  # the terms did change something


def test_no_pairs_and_reports_without_entities_or_titles() -> None:
    docs = [LinkDoc("a", 1, ""), LinkDoc("b", 2, "")]
    assert len(_weighed(docs, Edges.of({}), LinkSettings())) == 0
    (sim,) = _weighed(docs, Edges.of({(0, 1): 0.5}), LinkSettings())
    assert math.isclose(sim, 0.5)


def _bonus_pair_by_pair(passages: list[Passage], position: dict[str, int], weight: float) -> dict:
    """The passage bonus as it was written, a pair at a time."""
    bonus: dict[tuple[int, int], float] = {}
    for passage in passages:
        members = sorted(position[d] for d in passage.documents if d in position)
        share = weight * min(1.0, len(passage.text.split()) / PASSAGE_UNIT_WORDS)
        for n, first in enumerate(members):
            for second in members[n + 1 :]:
                bonus[(first, second)] = max(bonus.get((first, second), 0.0), share)
    return bonus


def test_passage_bonus_as_arrays_equals_it_pair_by_pair() -> None:
    rng = random.Random(3)
    for _ in range(20):
        reports = [f"r{n}" for n in range(rng.randint(1, 40))]
        position = {doc: n for n, doc in enumerate(rng.sample(reports, len(reports)))}
        passages = [
            Passage(
                f"ps{n}",
                " ".join(["word"] * rng.randint(1, 80)),
                "passage",
                sorted(rng.sample([*reports, "gone1", "gone2"], rng.randint(0, min(12, len(reports))))),
            )
            for n in range(rng.randint(0, 30))
        ]
        for weight in (0.3, 0.0, -0.2):
            expected = _bonus_pair_by_pair(passages, position, weight)
            # The pairs in the order they first come, not only the same pairs.
            assert list(_passage_bonus(passages, position, weight).items()) == [
                (*pair, bonus) for pair, bonus in expected.items()
            ]


def test_kept_cosines_cover_the_pairs_a_passage_brings_in() -> None:
    # One candidate a report, and a passage shared by most reports: most of its pairs are no candidate.
    # Their cosines are kept with the candidates', so a run over the same reports computes none again,
    # and the edges are those made without kept cosines, to the bit.
    rng = random.Random(7)
    words = [f"w{n}" for n in range(60)]
    docs = [
        LinkDoc(f"r{n}", n, " ".join(rng.choices(words, k=40)), title=f"Title {n % 4}") for n in range(30)
    ]
    passages = [Passage("ps1", " ".join(["shared"] * 60), "passage", [d.id for d in docs[::2]])]
    settings = LinkSettings(story_candidates=1)
    fresh = story_edges(docs, passages, settings)
    kept = KeptCosines()
    first = story_edges(docs, passages, settings, cosines=kept)
    candidates = candidate_pair_arrays(
        key_term_matrix(*report_vectors(docs, settings.name_weight), settings.story_key_terms, 1000), 1
    )
    assert len(kept.cosines) == len(first) > len(candidates[0])
    second = story_edges(docs, passages, settings, cosines=kept)
    assert kept.fresh == 0
    for edges in (first, second):
        assert np.array_equal(edges.first, fresh.first) and np.array_equal(edges.second, fresh.second)
        assert np.array_equal(edges.sims, fresh.sims)
