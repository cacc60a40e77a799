"""Clustering per component of strong edges, kept between runs, equals clustering the whole graph."""

from __future__ import annotations

import random

from storyline.link.clustering import Constraints, Edges, average_linkage
from storyline.link.kept_clusters import KeptClusters, clustered_by_component

THRESHOLD = 0.3


def _graph(rng: random.Random, size: int) -> tuple[Edges, list[list[int]], Constraints]:
    """Random similarities (some below 0), duplicate groups of two or three, some dated items."""
    pairs = {tuple(sorted(rng.sample(range(size), 2))) for _ in range(size)}
    edges = Edges.of({pair: rng.uniform(-0.1, 0.6) for pair in sorted(pairs, key=lambda _: rng.random())})
    items = list(range(size))
    rng.shuffle(items)
    groups: list[list[int]] = []
    while items:
        take = rng.choice([1, 1, 1, 1, 2, 3])
        groups.append(sorted(items[:take]))
        items = items[take:]
    dates = [None if rng.random() < 0.5 else (day := rng.randint(0, 60), day) for _ in range(size)]
    return edges, groups, Constraints(20, dates, [None] * size)


def test_components_cluster_as_the_whole_graph_does() -> None:
    rng = random.Random(5)
    for _ in range(20):
        edges, groups, constraints = _graph(rng, rng.randint(2, 80))
        whole = average_linkage(edges, THRESHOLD, groups, constraints)
        kept = KeptClusters()
        assert clustered_by_component(edges, THRESHOLD, groups, constraints, kept) == whole
        assert any(len(cluster) > 1 for cluster in whole)
        # Everything kept: the same clusters again, none made afresh.
        assert clustered_by_component(edges, THRESHOLD, groups, constraints, kept) == whole
        assert kept.made == 0 and kept.components > 0


def test_a_changed_edge_reclusters_only_its_component() -> None:
    rng = random.Random(8)
    edges, groups, constraints = _graph(rng, 120)
    kept = KeptClusters()
    clustered_by_component(edges, THRESHOLD, groups, constraints, kept)
    assert kept.made == kept.components > 2
    strong = [k for k in range(len(edges)) if edges.sims[k] >= THRESHOLD]
    sims = edges.sims.copy()
    sims[strong[0]] += 0.01
    changed = Edges(edges.first, edges.second, sims)
    stored = KeptClusters.from_bytes(kept.to_bytes())
    clusters = clustered_by_component(changed, THRESHOLD, groups, constraints, stored)
    assert clusters == average_linkage(changed, THRESHOLD, groups, constraints)
    assert stored.made == 1


def test_a_damaged_or_foreign_blob_keeps_nothing() -> None:
    assert KeptClusters.from_bytes(b"not zlib").by_key == {}
    assert KeptClusters.from_bytes(KeptClusters({b"k" * 16: [[0, 1]]}).to_bytes()).by_key == {
        b"k" * 16: [[0, 1]]
    }
