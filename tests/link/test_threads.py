"""Threads: specific shared actors join stories; shared countries and a common theme alone do not."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from storyline.link import LinkDoc, LinkSettings, Story, Thread, assign_threads
from storyline.link.actors import Profiles, entity_weights, main_actors, story_profiles
from storyline.link.threads import _union, thread_edges

TYPES = {
    "kessel": "PERSON",
    "heron_front": "ORG",
    "okafor": "PERSON",
    "relief_agency": "ORG",
    "norland": "GPE",
    "eastmark": "GPE",
}

ARMS = (
    "Norland agreed on Monday to give Eastmark armoured vehicles and drones worth 30 million crowns. "
    "Defence Minister Arvid Kessel said the vehicles would help Eastmark troops fight the Red Heron Front, "
    "an armed group that attacked a border post in the Tarvik hills in winter."
)
CLASH = (
    "Fighters of the Red Heron Front attacked an Eastmark border patrol near Tarvik, killing four soldiers. "
    "Arvid Kessel, the Norland defence minister who signed the arms agreement in spring, called the attack "
    "a test of the new vehicles and said more drones would follow."
)
RELIEF = (
    "Norland flew tents, water pumps and medicine to flooded villages in Eastmark on Tuesday. "
    "Grace Okafor of the national relief agency said three planes had landed and that the Norland aid "
    "would reach twelve thousand people whose homes were under water."
)


def _story(sid: str, docs: list[LinkDoc]) -> Story:
    return Story(
        id=sid,
        title=docs[0].title,
        documents=sorted(d.id for d in docs),
        first_published=None,
        last_published=None,
    )


def _corpus() -> tuple[list[Story], list[LinkDoc]]:
    arms = [
        LinkDoc(
            "a1",
            1,
            ARMS,
            "Norland arms for Eastmark",
            "2024-03-01",
            entities=frozenset({"kessel", "heron_front", "norland", "eastmark"}),
        ),
        LinkDoc(
            "a2",
            2,
            ARMS.replace("Monday", "Tuesday"),
            "Eastmark gets Norland drones",
            "2024-03-02",
            entities=frozenset({"kessel", "heron_front", "norland", "eastmark"}),
        ),
    ]
    clash = [
        LinkDoc(
            "c1",
            3,
            CLASH,
            "Four soldiers killed near Tarvik",
            "2024-07-10",
            entities=frozenset({"kessel", "heron_front", "norland", "eastmark"}),
        ),
        LinkDoc(
            "c2",
            4,
            CLASH.replace("four", "five"),
            "Border patrol attacked",
            "2024-07-11",
            entities=frozenset({"heron_front", "eastmark"}),
        ),
    ]
    relief = [
        LinkDoc(
            "r1",
            5,
            RELIEF,
            "Norland flies aid to flooded Eastmark",
            "2024-05-02",
            entities=frozenset({"okafor", "relief_agency", "norland", "eastmark"}),
        ),
        LinkDoc(
            "r2",
            6,
            RELIEF.replace("three", "four"),
            "Norland planes land in Eastmark",
            "2024-05-03",
            entities=frozenset({"okafor", "relief_agency", "norland", "eastmark"}),
        ),
    ]
    docs = arms + clash + relief
    return [_story("st_arms", arms), _story("st_clash", clash), _story("st_relief", relief)], docs


def _thread_of(threads: list[Thread]) -> dict[str, str]:
    return {s: t.id for t in threads for s in t.stories}


def test_shared_actors_join_stories_and_shared_countries_do_not() -> None:
    stories, docs = _corpus()
    thread = _thread_of(assign_threads(stories, docs, entity_types=TYPES))
    assert thread["st_arms"] == thread["st_clash"]
    assert thread["st_relief"] != thread["st_arms"]
    # the same stories with untyped entities: the shared countries count as actors and the relief joins
    untyped = _thread_of(assign_threads(stories, docs))
    assert untyped["st_relief"] == untyped["st_arms"]


def test_without_a_shared_main_actor_there_is_no_thread_edge() -> None:
    stories, docs = _corpus()
    by_id = {d.id: d for d in docs}
    edges = thread_edges(stories, by_id, LinkSettings(), TYPES)[0].as_dict()
    assert (0, 1) in edges  # arms and clash share Kessel and the Red Heron Front
    assert (0, 2) not in edges and (1, 2) not in edges  # relief shares only the two countries


def test_untyped_entities_all_count_as_actors() -> None:
    stories, docs = _corpus()
    by_id = {d.id: d for d in docs}
    edges = thread_edges(stories, by_id, LinkSettings(), None)[0].as_dict()
    assert (0, 2) in edges  # the countries now count as shared actors


def test_entities_in_every_story_weigh_less_than_rare_ones() -> None:
    stories, docs = _corpus()
    profiles = story_profiles(stories, {d.id: d for d in docs})
    weights = entity_weights(profiles, TYPES, context_weight=1.0)
    assert profiles.story_freq["eastmark"] == 3 and profiles.story_freq["kessel"] == 2
    assert weights[0]["kessel"] > weights[0]["eastmark"] > 0


def test_places_weigh_the_context_share_of_an_actor() -> None:
    shares = [{"kessel": 1.0, "norland": 1.0}, {"kessel": 1.0, "norland": 1.0}]
    profiles = Profiles(shares, story_freq=Counter({"kessel": 2, "norland": 2}))
    weights = entity_weights(profiles, TYPES, context_weight=0.25)
    assert abs(weights[0]["norland"] - 0.25 * weights[0]["kessel"]) < 1e-12


def test_main_actors_need_a_share_of_the_reports() -> None:
    stories, docs = _corpus()
    profiles = story_profiles(stories, {d.id: d for d in docs})
    actors = main_actors(profiles, TYPES, min_share=0.75)
    assert actors[1] == frozenset({"heron_front"})  # Kessel is named in one of the two clash reports
    assert "eastmark" not in actors[0]  # a country is never an actor


def test_thread_entities_are_those_shared_by_its_stories() -> None:
    stories, docs = _corpus()
    threads = assign_threads(stories, docs, entity_types=TYPES)
    joined = next(t for t in threads if len(t.stories) == 2)
    assert {"kessel", "heron_front"} <= set(joined.entities)
    assert "okafor" not in joined.entities
    assert joined.entities.index("heron_front") < joined.entities.index("eastmark")


def test_the_union_of_two_candidate_lists_keeps_each_pair_once_in_order() -> None:
    rng = random.Random(4)
    size = 60
    every = [(i, j) for i in range(size) for j in range(i + 1, size)]
    for _ in range(20):
        first = rng.sample(every, 40)
        second = rng.sample(every, 30) + rng.sample(first, 10)  # some pairs in both
        rng.shuffle(second)
        expected = first + [pair for pair in second if pair not in set(first)]
        left, right = _union(
            (np.array([i for i, _ in first]), np.array([j for _, j in first])),
            (np.array([i for i, _ in second]), np.array([j for _, j in second])),
            size,
        )
        assert list(zip(left.tolist(), right.tolist(), strict=True)) == expected
