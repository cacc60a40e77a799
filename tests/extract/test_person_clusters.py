"""Full names are compared only within a surname block and a given-name skeleton: the clusters and the
reasons equal comparing every pair of the block, as the clustering did before (the reference below).

The names are invented: given names and surnames in several romanisations, gendered endings, honorifics
and one-word names, shuffled, so that blocks hold many names and some match across spellings.
"""

from __future__ import annotations

import random

from storyline.extract.aliases import (
    full_names_match,
    name_parts_match,
    name_tokens,
    part_skeleton,
    romanised,
    surname_key,
)
from storyline.extract.persons import _UnionFind, _variant_rule, cluster_full_names, full_name_key

GIVEN = [
    "Sergey",
    "Sergei",
    "Mohammed",
    "Muhammad",
    "Mohamed",
    "Alexander",
    "Alexandra",
    "Olena",
    "Elena",
    "Yuri",
    "Iouri",
    "Tamsin",
    "Petra",
    "Pyotr",
    "Aleksandr",
    "Ines",
    "Inés",
]
FAMILY = [
    "Nazarov",
    "Nazarova",
    "Nasarov",
    "Kovalenko",
    "Kowalenko",
    "Haddad",
    "Hadad",
    "Brenvik",
    "Brennvik",
    "Osterlund",
    "Österlund",
]
PREFIX = ["", "", "", "Gen. ", "Minister ", "Dr. "]


def _all_pairs(names: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The reference: every pair of names with one surname skeleton compared, in the clustering's order
    (blocks by first name key, each name against the block's earlier ones); the first match a name is in
    gives its reason."""
    surface_of = dict(reversed([(full_name_key(name), name) for name in names]))  # the first surface
    blocks: dict[str, list[str]] = {}
    for key in sorted(surface_of):
        blocks.setdefault(surname_key(surface_of[key]), []).append(key)
    matches = [
        (surface_of[key], surface_of[other], key, other)
        for block in blocks.values()
        for i, key in enumerate(block)
        for other in block[:i]
        if full_names_match(surface_of[key], surface_of[other])
    ]
    forest = _UnionFind()
    reasons: dict[str, tuple[str, str]] = {}
    for first, second, key, other in matches:
        forest.union(key, other)
        surname = romanised(name_tokens(first)[-1])
        reason = (
            _variant_rule(first, second),
            f"{first!r} ~ {second!r}: given names and surnames agree after romanisation ({surname})",
        )
        for name_key in (key, other):
            reasons.setdefault(name_key, reason)
    return {key: forest.find(key) for key in surface_of}, reasons


def test_matching_parts_share_a_skeleton() -> None:
    parts = GIVEN + FAMILY
    for first in parts:
        for second in parts:
            if name_parts_match(first, second):
                assert part_skeleton(first) == part_skeleton(second), (first, second)


def test_clusters_equal_comparing_every_pair() -> None:
    rng = random.Random(11)
    merged = 0
    for _ in range(30):
        names = [
            f"{rng.choice(PREFIX)}{rng.choice(GIVEN)} {rng.choice(['', 'J. ', 'Maria '])}{rng.choice(FAMILY)}"
            for _ in range(rng.randint(5, 80))
        ] + rng.sample(FAMILY, 2)  # one-word names: never a full-name match
        rng.shuffle(names)
        clusters, why = cluster_full_names(names)
        assert (clusters, why) == _all_pairs(names)
        merged += len(clusters) - len(set(clusters.values()))
    assert merged > 30  # names did merge (across spellings too): the comparison tests something
