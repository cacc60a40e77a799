"""Average-linkage clusters kept per component of the strong-edge graph: a top-up re-clusters only the
components whose inputs it changed.

Average linkage merges two clusters only when the average of the edges between them reaches the
threshold, and with a positive threshold that needs an edge at or above it (an average is at most its
largest term, and missing edges count 0). Initial groups (duplicates) start together. So no cluster ever
spans two connected components of the graph of strong edges plus groups, and each component clusters
alone exactly as it does inside the whole graph: the heap pops the pairs of one component in the order
the whole run pops them, and renumbering items in their order keeps every tie-break. Each component's
clusters are kept under a digest of what it reads: its edges in their order (similarities to the bit),
its groups, its items' constraints and the threshold; a memo, equal to clustering every component by
construction.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from storyline.link.clustering import Constraints, Edges, average_linkage

#: Bump when the clustering or what a component's digest covers changes: kept clusters are then dropped.
KEPT_CLUSTERS_VERSION = 1
_KEY_BYTES = 16


@dataclass
class KeptClusters:
    """Each component's clusters (as positions within the component) under the digest of its inputs."""

    by_key: dict[bytes, list[list[int]]] = field(default_factory=dict)
    #: How many components (of more than one item) the last clustering made afresh, and how many in all.
    made: int = 0
    components: int = 0

    def to_bytes(self) -> bytes:
        payload = {
            "version": KEPT_CLUSTERS_VERSION,
            "clusters": {key.hex(): clusters for key, clusters in self.by_key.items()},
        }
        return zlib.compress(json.dumps(payload, separators=(",", ":")).encode())

    @classmethod
    def from_bytes(cls, data: bytes) -> KeptClusters:
        """Kept clusters from :meth:`to_bytes`; empty when of another version or damaged (only a cache)."""
        try:
            payload = json.loads(zlib.decompress(data))
            if payload.get("version") != KEPT_CLUSTERS_VERSION:
                return cls()
            return cls({bytes.fromhex(key): clusters for key, clusters in payload["clusters"].items()})
        except (ValueError, KeyError, TypeError, AttributeError, zlib.error):
            return cls()


#: Edges this little below the threshold still join components: a float sum of edges each below the
#: threshold could round up to it (by far less than this), and a component too large is still exact.
_ROUNDING_MARGIN = 1e-6


def strong_components(edges: Edges, threshold: float, groups: list[list[int]], size: int) -> np.ndarray:
    """Each item's component: items joined by an edge at or above ``threshold`` (less a rounding margin)
    or by a group."""
    strong = edges.sims >= threshold * (1.0 - _ROUNDING_MARGIN)
    chained = [(members[0], other) for members in groups for other in members[1:]]
    heads = np.fromiter((a for a, _ in chained), dtype=np.int64, count=len(chained))
    tails = np.fromiter((b for _, b in chained), dtype=np.int64, count=len(chained))
    first = np.concatenate((edges.first[strong], heads))
    second = np.concatenate((edges.second[strong], tails))
    graph = sparse.coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    return np.asarray(label, dtype=np.int64)


def _digest(threshold: float, edges: Edges, groups: list[list[int]], constraints: Constraints) -> bytes:
    digest = hashlib.blake2b(digest_size=_KEY_BYTES)
    facts = [threshold, constraints.max_span_days, groups, constraints.dates, constraints.anchors]
    digest.update(json.dumps(facts, separators=(",", ":")).encode())
    for values in (edges.first, edges.second, edges.sims):
        digest.update(np.ascontiguousarray(values).tobytes())
    return digest.digest()


def clustered_by_component(
    edges: Edges, threshold: float, groups: list[list[int]], constraints: Constraints, kept: KeptClusters
) -> list[list[int]]:
    """:func:`average_linkage`'s clusters, each component's taken from ``kept`` when its inputs are
    those it was kept under; ``kept`` then holds the current components' clusters only."""
    size = len(constraints.anchors)
    if size == 0:
        return []
    if threshold <= 0:  # a merge may then need no strong edge: components do not separate clusters
        kept.by_key, kept.made, kept.components = {}, 0, 0
        return average_linkage(edges, threshold, groups, constraints)
    label = strong_components(edges, threshold, groups, size)
    items = np.argsort(label, kind="stable")  # each component's items together, in their order
    bounds = np.searchsorted(label[items], np.arange(int(label.max()) + 2))
    # Each item's place within its component, found for every item at once: a search of the component's
    # items and a dictionary of them per component was most of the cost of the components kept.
    place = np.empty(size, dtype=np.int64)
    place[items] = np.arange(size) - bounds[label[items]]
    inside = np.flatnonzero(label[edges.first] == label[edges.second])
    inside = inside[np.argsort(label[edges.first[inside]], kind="stable")]  # by component, in edge order
    edge_bounds = np.searchsorted(label[edges.first[inside]], np.arange(len(bounds)))
    local_first, local_second = place[edges.first[inside]], place[edges.second[inside]]
    local_sims = edges.sims[inside]
    groups_of: dict[int, list[list[int]]] = {}
    for members in groups:
        groups_of.setdefault(int(label[members[0]]), []).append(members)
    clusters: list[list[int]] = []
    previous, kept.by_key, kept.made, kept.components = kept.by_key, {}, 0, 0
    for component in range(len(bounds) - 1):
        members = items[bounds[component] : bounds[component + 1]]
        if len(members) == 1:
            clusters.append([int(members[0])])
            continue
        begin, end = edge_bounds[component], edge_bounds[component + 1]
        local = Edges(local_first[begin:end], local_second[begin:end], local_sims[begin:end])
        local_groups = [place[g].tolist() for g in groups_of.get(component, [])]
        listed = members.tolist()
        local_constraints = Constraints(
            constraints.max_span_days,
            [constraints.dates[m] for m in listed],
            [constraints.anchors[m] for m in listed],
        )
        key = _digest(threshold, local, local_groups, local_constraints)
        found = previous.get(key)
        if found is None:
            found = average_linkage(local, threshold, local_groups, local_constraints)
            kept.made += 1
        kept.by_key[key] = found
        kept.components += 1
        clusters.extend([listed[n] for n in cluster] for cluster in found)
    return sorted(clusters)
