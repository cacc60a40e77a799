"""Average linkage with its pushes written out merges exactly as the call-per-pair form it replaced."""

from __future__ import annotations

import heapq
import math
import random

import pytest

from storyline.link import clustering
from storyline.link.clustering import Constraints, Edges, average_linkage


def _reference(
    edges: Edges,
    threshold: float,
    groups: list[list[int]],
    constraints: Constraints,
    merges: list | None = None,
) -> list:
    """The clustering as it was before the pushes were written out in ``_merge`` (a call per pair) and the
    initial links and heap were made in numpy (edge by edge, pair by pair); each merge's pair is added to
    ``merges``."""
    merges = [] if merges is None else merges
    clusters, owner = clustering._initial_clusters(groups, constraints)
    for i, j, sim in edges.items():
        a, b = owner[i], owner[j]
        if a != b:
            clusters[a].links[b] = clusters[a].links.get(b, 0.0) + sim
            clusters[b].links[a] = clusters[b].links.get(a, 0.0) + sim
    heap: list = []
    for a, cluster in clusters.items():
        for b in cluster.links:
            if a < b:
                clustering._push(heap, clusters, a, b, threshold)
    while heap:
        neg_avg, a, b, version_a, version_b = heapq.heappop(heap)
        if -neg_avg < threshold:
            break
        if a not in clusters or b not in clusters:
            continue
        if clusters[a].version != version_a or clusters[b].version != version_b:
            continue
        if not clustering._may_merge(clusters[a], clusters[b], constraints.max_span_days):
            continue
        keep, gone = min(a, b), max(a, b)
        merges.append((keep, gone))
        target, source = clusters[keep], clusters.pop(gone)
        target.members = sorted(target.members + source.members)
        target.anchor = target.anchor if target.anchor is not None else source.anchor
        target.latest_start = clustering._combine(target.latest_start, source.latest_start, max)
        target.earliest_end = clustering._combine(target.earliest_end, source.earliest_end, min)
        target.version += 1
        target.links.pop(gone, None)
        source.links.pop(keep, None)
        for other, sim in source.links.items():
            neighbour = clusters[other]
            neighbour.links.pop(gone, None)
            target.links[other] = target.links.get(other, 0.0) + sim
            neighbour.links[keep] = target.links[other]
        for other in target.links:
            clustering._push(heap, clusters, min(keep, other), max(keep, other), threshold)
    return [c.members for _, c in sorted(clusters.items())]


def _graph(rng: random.Random, size: int) -> tuple[Edges, list[list[int]], Constraints]:
    """Dense random similarities from a few values (ties everywhere, sums that round), groups, some
    dated and some anchored items."""
    values = [0.1, 0.2, 0.3, 0.3, 0.45, 0.7, 1 / 3, -0.05]
    pairs = {tuple(sorted(rng.sample(range(size), 2))) for _ in range(size * 4)}
    edges = Edges.of({pair: rng.choice(values) for pair in sorted(pairs, key=lambda _: rng.random())})
    items = list(range(size))
    rng.shuffle(items)
    groups: list[list[int]] = []
    while items:
        take = rng.choice([1, 1, 1, 2, 3])
        groups.append(sorted(items[:take]))
        items = items[take:]
    dates = [None if rng.random() < 0.6 else (day := rng.randint(0, 90), day) for _ in range(size)]
    anchors = [None if rng.random() < 0.8 else rng.randint(0, 3) for _ in range(size)]
    return edges, groups, Constraints(30, dates, anchors)


@pytest.mark.parametrize("few_edges", [clustering._FEW_EDGES, -1, 10**9])
@pytest.mark.parametrize("array_links", [clustering._ARRAY_LINKS, 1])
@pytest.mark.parametrize("threshold", [0.15, 0.25, 0.3])
def test_clusters_as_pushing_a_pair_at_a_time(
    threshold: float, array_links: int, few_edges: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Also with every merged cluster's pairs pushed through numpy (``_push_many``), not only large ones,
    # and with every graph's first pairs made in numpy, or a Python step per edge (``_FEW_EDGES``).
    monkeypatch.setattr(clustering, "_ARRAY_LINKS", array_links)
    monkeypatch.setattr(clustering, "_FEW_EDGES", few_edges)
    # The merges themselves, in order, not only the clusters they end in: an order of equal averages
    # changed (which end of a pair breaks the tie) can end in the same clusters on these graphs.
    merging = clustering._merge
    merges: list = []

    def recorded(clusters: dict, heap: list, a: int, b: int, *rest: object) -> None:
        merges.append((min(a, b), max(a, b)))
        merging(clusters, heap, a, b, *rest)

    monkeypatch.setattr(clustering, "_merge", recorded)
    rng = random.Random(int(threshold * 100))
    merged = 0
    for _ in range(40):
        edges, groups, constraints = _graph(rng, rng.randint(2, 60))
        merges.clear()
        got = average_linkage(edges, threshold, groups, constraints)
        expected_merges: list = []
        assert got == _reference(edges, threshold, groups, constraints, expected_merges)
        assert merges == expected_merges
        merged += sum(len(cluster) > 1 for cluster in got)
    assert merged > 40  # merges happened, in clusters of more than one group


def test_first_pairs_of_few_edges_are_the_numpy_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    # The entries (in order), the sizes and each cluster's links in their order, on graphs with ties,
    # sums that round, groups and edges inside a group; a NaN similarity leaves them to the numpy form.
    rng = random.Random(7)
    reaching = 0
    for case in range(60):
        edges, groups, constraints = _graph(rng, rng.randint(2, 30))
        if case % 10 == 9:  # a NaN on an edge between two groups
            _, owner = clustering._initial_clusters(groups, constraints)
            edges.sims[next(k for k, (i, j, _) in enumerate(edges.items()) if owner[i] != owner[j])] = (
                math.nan
            )
        made = []
        for few in (True, False):
            clusters, owner = clustering._initial_clusters(groups, constraints)
            if few:
                pairs = clustering._initial_pairs_of_few(clusters, owner, edges, 0.25)
                if case % 10 == 9:
                    assert pairs is None
                    break
            else:
                monkeypatch.setattr(clustering, "_FEW_EDGES", -1)  # numpy, however few the edges
                pairs = clustering._initial_pairs(clusters, owner, edges, 0.25)
                monkeypatch.undo()
            assert pairs is not None
            links = {key: list(cluster.links.items()) for key, cluster in clusters.items()}
            made.append((pairs[0], pairs[1].tolist(), links))
        if case % 10 != 9:
            assert made[0] == made[1]
            reaching += len(made[0][0])
    assert reaching > 100  # pairs reach the threshold
