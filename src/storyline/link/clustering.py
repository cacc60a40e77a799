"""Average-linkage agglomerative clustering over a sparse similarity graph, with merge constraints.

Hand-written because no installed library clusters a sparse graph with cannot-link rules: scipy's
``linkage`` needs the dense n^2 distance matrix (impossible at 100k reports) and knows no constraints.
Missing edges count as similarity 0, so the average between two clusters is the sum of their edges
divided by the product of their sizes.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

_Heap = list[tuple[float, int, int, int, int]]  # (-average, cluster a, cluster b, version a, version b)

#: A span no dates exceed: merges are never refused for their dates.
NO_DATE_LIMIT_DAYS = 10**9

#: An item's date as an interval of day numbers (a year or month is a span), or None when undated.
DayInterval = tuple[int, int] | None
#: Pairs handed to Python a slice at a time: a list of every pair's numbers took more than the arrays.
_PAIR_SLICE = 1 << 16
#: A merged cluster with at least this many links has its pairs' averages computed in numpy
#: (:func:`_push_many`); below it, converting the links costs more than the Python steps it saves.
_ARRAY_LINKS = 64
#: Edges up to which a clustering's first pairs are made a Python step per edge
#: (:func:`_initial_pairs_of_few`): below it, numpy's fixed cost per call is more than the steps it saves.
_FEW_EDGES = 128
#: Steps per unit of log scale the typical neighbourhood level is rounded to (:func:`typical_level`).
TYPICAL_LEVEL_STEPS = 32


@dataclass(frozen=True)
class Edges:
    """Weighted pairs of items (``first[k]``, ``second[k]``) with similarity ``sims[k]``, in one order.

    Three arrays, 24 bytes a pair, from candidate generation through to the clustering: a dictionary of
    tuple keys held about 200 bytes a pair (up to 30 candidate pairs per report, 3M at 100k reports), and
    the similarity, its neighbourhood-scaled copy and the clustering's input were three such dictionaries.
    """

    first: np.ndarray  # int64
    second: np.ndarray  # int64
    sims: np.ndarray  # float64

    @classmethod
    def of(cls, pairs: Mapping[tuple[int, int], float]) -> Edges:
        """Edges from a mapping (i, j) -> similarity, in its order."""
        ends = np.fromiter((n for pair in pairs for n in pair), dtype=np.int64, count=2 * len(pairs))
        return cls(ends[0::2], ends[1::2], np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs)))

    def __len__(self) -> int:
        return len(self.sims)

    def items(self) -> Iterator[tuple[int, int, float]]:
        """(i, j, similarity) as Python numbers, in order, converted a slice at a time."""
        for start in range(0, len(self), _PAIR_SLICE):
            end = start + _PAIR_SLICE
            yield from zip(
                self.first[start:end].tolist(),
                self.second[start:end].tolist(),
                self.sims[start:end].tolist(),
                strict=True,
            )

    def as_dict(self) -> dict[tuple[int, int], float]:
        """(i, j) -> similarity (for small graphs: tests, inspection)."""
        return {(i, j): sim for i, j, sim in self.items()}


@dataclass
class _Cluster:
    members: list[int]
    anchor: int | None  # clusters with different anchors never merge (e.g. two existing stories)
    latest_start: int | None  # the latest first-possible day of any member
    earliest_end: int | None  # the earliest last-possible day of any member
    version: int = 0
    #: Other cluster's handle -> sum of edge similarities. A handle names a cluster in its neighbours' links
    #: (its key, the least member, names it in the heap and the result); they differ once a merge keeps the
    #: links of its higher cluster (:func:`_merge`).
    links: dict[int, float] = field(default_factory=dict)
    handle: int = -1


@dataclass(frozen=True)
class _Handles:
    """Clusters by handle, and each live handle's key."""

    cluster: list[_Cluster | None]
    key: list[int]


@dataclass(frozen=True)
class Constraints:
    """What may not merge: anchored groups with each other, dates further apart than ``max_span_days``."""

    max_span_days: int
    dates: list[DayInterval]
    anchors: list[int | None]


def _combine(a: int | None, b: int | None, pick: type[max] | type[min]) -> int | None:
    if a is None:
        return b
    return a if b is None else pick(a, b)


def _may_merge(a: _Cluster, b: _Cluster, max_span_days: int) -> bool:
    if a.anchor is not None and b.anchor is not None and a.anchor != b.anchor:
        return False
    start = _combine(a.latest_start, b.latest_start, max)
    end = _combine(a.earliest_end, b.earliest_end, min)
    return start is None or end is None or start - end <= max_span_days


def _initial_clusters(
    groups: list[list[int]], constraints: Constraints
) -> tuple[dict[int, _Cluster], list[int]]:
    clusters: dict[int, _Cluster] = {}
    owner = [-1] * len(constraints.dates)
    for members in groups:
        root = min(members)
        dates = [constraints.dates[m] for m in members if constraints.dates[m] is not None]
        anchors = [constraints.anchors[m] for m in members if constraints.anchors[m] is not None]
        clusters[root] = _Cluster(
            members=sorted(members),
            anchor=min(anchors) if anchors else None,
            latest_start=max(d[0] for d in dates) if dates else None,
            earliest_end=min(d[1] for d in dates) if dates else None,
            handle=root,
        )
        for member in members:
            owner[member] = root
    return clusters, owner


def typical_level(levels: np.ndarray) -> float:
    """The median of positive ``levels``, rounded to a step of 1/``TYPICAL_LEVEL_STEPS`` in log scale.

    Every scaled similarity is multiplied by it, and the exact median moves a little with every report a
    top-up adds: no edge, and so no component's clusters, could be kept between runs. Rounded, it moves
    only when the median crosses a step (about 3%). On ECB+ (``benchmarks/story_quality.py``) both halves
    and the cross-validated figures score as with the exact median (docs/incremental.md).
    """
    median = float(np.median(levels))
    return math.exp(round(math.log(median) * TYPICAL_LEVEL_STEPS) / TYPICAL_LEVEL_STEPS)


def _stable_by_node(nodes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``order`` (places in ``nodes``, none negative) sorted stably by node: a least-significant-digit radix
    sort, 16 bits a pass, each pass numpy's stable sort of 16-bit keys (a radix sort itself, linear; of
    wider integers numpy's stable sort is a merge sort). As many passes as the largest node needs, so no
    node is cut to its low digits whatever the caller says the graph's size is."""
    largest = int(nodes.max()) if len(nodes) else 0
    for shift in range(0, max(largest, 1).bit_length(), 16):
        digits = (nodes[order] >> shift).astype(np.uint16)  # the low 16 bits of what is left
        order = order[np.argsort(digits, kind="stable")]
    return order


def neighbourhood_scaled(edges: Edges, size: int, neighbours: int, bounds: tuple[float, float]) -> Edges:
    """Each similarity measured against the two items' own neighbourhoods ("local scaling").

    An item's *level* is the mean similarity of its ``neighbours`` nearest items. A pair's similarity is
    multiplied by the corpus's typical level (the median over items) over the geometric mean of the two
    items' levels, bounded to ``bounds``; the typical level is rounded so that it holds still while a
    corpus grows (:func:`typical_level`). Where many similar reports crowd together (two events of one
    kind, told in the same words) every similarity is high, and a pair must stand out from its crowd to
    join; a report in a sparse neighbourhood needs less. So one global threshold means "as alike as
    neighbours usually are" everywhere, not one absolute cosine. The bounds keep a report with no real
    neighbour from having its best weak match blown up.

    An item with fewer than ``neighbours`` edges has no measurable neighbourhood (a corpus of a few
    reports, where every report is near every other): its level counts as typical, so a corpus that small
    keeps its similarities as they are. Deterministic: a level sums values, whatever order the edges come
    in. ``neighbours`` 0: unchanged.
    """
    if neighbours <= 0 or not len(edges):
        return edges
    first, second, sims = edges.first, edges.second, edges.sims
    nodes = np.concatenate([first, second])
    values = np.maximum(np.concatenate([sims, sims]), 0.0)
    # Each node's similarities together, largest first: by value, then stably by node. Equal values of
    # one node may come in another order than ``np.lexsort((-values, nodes))`` put them, which changes
    # no sum. The values are sorted once for both ends (each similarity's two copies side by side are in
    # order too), and stably by node a 16-bit digit at a time (:func:`_stable_by_node`): a stable sort
    # of int64 nodes was half of this step (6.2M ends at 106,000 reports).
    half = np.argsort(-values[: len(sims)])
    order = np.empty(len(values), dtype=np.int64)
    order[0::2], order[1::2] = half, half + len(sims)
    order = _stable_by_node(nodes, order)
    nodes, values = nodes[order], values[order]
    counts = np.bincount(nodes, minlength=size)
    # Each end's place among its node's: its place less its node's first place (the counts before it).
    rank = np.arange(len(nodes)) - (np.cumsum(counts) - counts)[nodes]
    nearest = rank < neighbours
    level = np.bincount(nodes[nearest], weights=values[nearest], minlength=size) / neighbours
    measured = (counts >= neighbours) & (level > 0)
    if not measured.any():
        return edges
    typical = typical_level(level[measured])
    level[~measured] = typical
    factor = typical / np.sqrt(level[first] * level[second])
    return Edges(first, second, sims * np.clip(factor, bounds[0], bounds[1]))


def average_linkage(
    edges: Edges, threshold: float, groups: list[list[int]], constraints: Constraints
) -> list[list[int]]:
    """Merge ``groups`` (a partition of the items) while the best average similarity reaches ``threshold``.

    Deterministic: ties break on the smallest member index, so the result depends on item order only
    through the indices the caller assigns (callers sort items first).
    """
    clusters, owner = _initial_clusters(groups, constraints)
    first, sizes = _initial_pairs(clusters, owner, edges, threshold)
    handles = _Handles([None] * len(owner), list(range(len(owner))))
    for key, cluster in clusters.items():
        handles.cluster[key] = cluster
    # The first pairs come from a sorted list, the pairs pushed by merges from a heap: each step takes the
    # least of the two heads, so entries come out in the order one heap of them all gives (equal entries
    # are alike). Popping the first pairs through the heap, most of them stale by then (708,340 of 735,523
    # pops in a thread clustering at 102,000 reports), cost a heap step each.
    heap: _Heap = []
    taken, count = 0, len(first)
    while heap or taken < count:
        if taken < count and (not heap or first[taken] <= heap[0]):
            neg_avg, a, b, version_a, version_b = first[taken]
            taken += 1
        else:
            neg_avg, a, b, version_a, version_b = heapq.heappop(heap)
        if -neg_avg < threshold:
            break
        if a not in clusters or b not in clusters:
            continue
        if clusters[a].version != version_a or clusters[b].version != version_b:
            continue
        if not _may_merge(clusters[a], clusters[b], constraints.max_span_days):
            continue
        _merge(clusters, heap, a, b, threshold, sizes, handles)
    return [c.members for _, c in sorted(clusters.items())]


def _initial_pairs(
    clusters: dict[int, _Cluster], owner: list[int], edges: Edges, threshold: float
) -> tuple[_Heap, np.ndarray]:
    """Each cluster's links (other cluster -> the sum of the edges between them) set from ``edges``, the
    pairs whose average reaches ``threshold`` as :func:`_push` makes their entries, sorted (least first),
    and each cluster's size by its key (its handle, until merges part them: :func:`_merge`).

    In numpy: a Python step per edge and per pair was a sixth of a thread clustering (183,748 edges at
    30,600 reports). The same numbers: each pair's edges are summed in their order from 0.0, as adding
    them one by one into the links did (``np.bincount`` adds its weights in order), and each average is
    the same IEEE division by the same exact integer; the entries are sorted by average, then the pair,
    as tuples compare.
    """
    if len(edges) <= _FEW_EDGES:
        few = _initial_pairs_of_few(clusters, owner, edges, threshold)
        if few is not None:
            return few
    ends = np.asarray(owner, dtype=np.int64)
    first, second = ends[edges.first], ends[edges.second]
    apart = first != second
    low = np.minimum(first, second)[apart]
    high = np.maximum(first, second)[apart]
    codes, inverse = np.unique(low * max(len(owner), 1) + high, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=edges.sims[apart], minlength=len(codes))
    low, high = codes // max(len(owner), 1), codes % max(len(owner), 1)
    # Both ends' links, grouped by cluster.
    near = np.concatenate((low, high))
    far = np.concatenate((high, low))
    sums = np.concatenate((totals, totals))
    order = np.argsort(near, kind="stable")
    near, far, sums = near[order], far[order], sums[order]
    starts = np.flatnonzero(np.diff(near, prepend=-1)).tolist()
    bounds = [*starts[1:], len(near)] if starts else []
    far_list, sum_list = far.tolist(), sums.tolist()
    for key, start, end in zip(near[starts].tolist(), starts, bounds, strict=True):
        clusters[key].links = dict(zip(far_list[start:end], sum_list[start:end], strict=True))
    sizes = np.zeros(len(owner), dtype=np.int64)
    for key, cluster in clusters.items():
        sizes[key] = len(cluster.members)
    averages = totals / (sizes[low] * sizes[high])
    pushed = ~(averages < threshold)
    averages, low, high = averages[pushed], low[pushed], high[pushed]
    order = np.lexsort((high, low, -averages))
    first: _Heap = [
        (-average, a, b, 0, 0)
        for average, a, b in zip(
            averages[order].tolist(), low[order].tolist(), high[order].tolist(), strict=True
        )
    ]
    return first, sizes


def _initial_pairs_of_few(
    clusters: dict[int, _Cluster], owner: list[int], edges: Edges, threshold: float
) -> tuple[_Heap, np.ndarray] | None:
    """:func:`_initial_pairs` of a few edges, a Python step each: a top-up clusters thousands of small
    components of the story graph afresh (6,417 at 106,000 + 1,000 reports), and the numpy form's two
    dozen calls cost more than their few edges. The same numbers: each pair's edges summed in their
    order from 0.0 (as ``np.bincount`` sums them), the same division, the entries sorted as tuples (as
    the numpy form's ``lexsort`` orders them), each cluster's links in the numpy form's order (first the
    pairs it is the lower end of, then those it is the higher end of, each by the other end). None when
    an average is not a number (tuples of NaN do not sort): the numpy form then."""
    totals: dict[tuple[int, int], float] = {}
    for one, other, sim in zip(edges.first.tolist(), edges.second.tolist(), edges.sims.tolist(), strict=True):
        a, b = owner[one], owner[other]
        if a != b:
            pair = (a, b) if a < b else (b, a)
            totals[pair] = totals.get(pair, 0.0) + sim
    pairs = sorted(totals)
    for a, b in pairs:
        clusters[a].links[b] = totals[(a, b)]
    for a, b in pairs:
        clusters[b].links[a] = totals[(a, b)]
    sizes = np.zeros(len(owner), dtype=np.int64)
    for key, cluster in clusters.items():
        sizes[key] = len(cluster.members)
    first: _Heap = []
    for a, b in pairs:
        average = totals[(a, b)] / (len(clusters[a].members) * len(clusters[b].members))
        if average != average:
            return None
        if not average < threshold:
            first.append((-average, a, b, 0, 0))
    first.sort()
    return first, sizes


def _push(heap: _Heap, clusters: dict[int, _Cluster], a: int, b: int, threshold: float) -> None:
    first, second = clusters[a], clusters[b]
    average = first.links[b] / (len(first.members) * len(second.members))
    # A pair below the threshold would only ever be popped to end the merging: left out, the heap holds
    # the few pairs that may merge instead of one entry per candidate pair (3M at 100k reports).
    if not average < threshold:
        heapq.heappush(heap, (-average, a, b, first.version, second.version))


def _merge(
    clusters: dict[int, _Cluster],
    heap: _Heap,
    a: int,
    b: int,
    threshold: float,
    sizes: np.ndarray,
    handles: _Handles,
) -> None:
    """Merge clusters ``a`` and ``b`` under the lower key and push its pairs again; ``sizes`` (each
    cluster's size by its handle) and ``handles`` follow.

    The merged cluster keeps the larger of the two links (and its handle), and only the smaller one's
    neighbours move their entry: keeping the lower cluster's links, as before, updated every neighbour of
    the higher one (1.7M neighbour updates in a thread clustering at 102,000 reports, 1.1M this way, each
    a random reach into another cluster's links). The sums are the same numbers (a pair's two sums added,
    and IEEE addition does not depend on the order of two terms), the new version is above any the key
    had, so the same heap entries go stale."""
    keep, gone = min(a, b), max(a, b)
    lower, higher = clusters[keep], clusters.pop(gone)
    target, source = (higher, lower) if len(higher.links) > len(lower.links) else (lower, higher)
    target.members = sorted(lower.members + higher.members)
    target.anchor = lower.anchor if lower.anchor is not None else higher.anchor
    target.latest_start = _combine(lower.latest_start, higher.latest_start, max)
    target.earliest_end = _combine(lower.earliest_end, higher.earliest_end, min)
    target.version = max(lower.version, higher.version) + 1
    clusters[keep] = target
    mine, theirs = target.handle, source.handle
    handles.key[mine] = keep
    handles.cluster[theirs] = None
    sizes[mine] = len(target.members)
    links = target.links
    links.pop(theirs, None)
    source.links.pop(mine, None)
    by_handle = handles.cluster
    for other, sim in source.links.items():
        neighbour = by_handle[other].links  # type: ignore[union-attr]  # a neighbour is alive
        neighbour.pop(theirs, None)
        links[other] = neighbour[mine] = links.get(other, 0.0) + sim
    if len(links) >= _ARRAY_LINKS:
        _push_many(heap, target, keep, threshold, sizes, handles)
        return
    # Every pair of the merged cluster pushed again, as :func:`_push` does, written out here: a call per
    # pair was most of a thread clustering's cost (979k pairs, 6k merges at 30k reports). A pair's sum
    # is the same on both sides (kept so above), and the product of two sizes is an exact integer, so
    # each average is the one ``_push`` computes; the pair goes in lower cluster first, as there.
    size, version, push, key_of = len(target.members), target.version, heapq.heappush, handles.key
    for other, total in links.items():
        neighbour = by_handle[other]
        average = total / (size * len(neighbour.members))  # type: ignore[union-attr]
        if not average < threshold:
            other_key = key_of[other]
            if keep < other_key:
                push(heap, (-average, keep, other_key, version, neighbour.version))  # type: ignore[union-attr]
            else:
                push(heap, (-average, other_key, keep, neighbour.version, version))  # type: ignore[union-attr]


def _push_many(
    heap: _Heap, target: _Cluster, keep: int, threshold: float, sizes: np.ndarray, handles: _Handles
) -> None:
    """The pushes of :func:`_merge` for a cluster of many links, their averages in numpy: the same IEEE
    division of the same sum by the same exact integer (an int64 made a double, as Python makes an int
    one), and ``not average < threshold`` as there; the order of the pushes changes no pop (a pop takes
    the least entry, and equal entries are alike). A thread clustering's clusters gather hundreds of
    links (up to 1,138 at 102,000 reports), and a Python step per link and merge was half of it."""
    links, size, version = target.links, len(target.members), target.version
    others = np.fromiter(links.keys(), dtype=np.int64, count=len(links))
    totals = np.fromiter(links.values(), dtype=np.float64, count=len(links))
    averages = totals / (size * sizes[others])
    pushed = ~(averages < threshold)
    by_handle, key_of = handles.cluster, handles.key
    for other, average in zip(others[pushed].tolist(), averages[pushed].tolist(), strict=True):
        neighbour_version = by_handle[other].version  # type: ignore[union-attr]  # a neighbour is alive
        other_key = key_of[other]
        if keep < other_key:
            heapq.heappush(heap, (-average, keep, other_key, version, neighbour_version))
        else:
            heapq.heappush(heap, (-average, other_key, keep, neighbour_version, version))
