"""Stories: reports of one event, by average-linkage clustering of a sparse report-similarity graph.

Similarity of two reports = tf-idf cosine (names and numbers weighted up) + a bonus for text they share
(passages) + shared entities + title overlap, weighed by what their publication dates say: the further
apart, the less alike, as far as both dates can be trusted (:func:`storyline.link.dates.date_agreement`).
Dates are evidence, not a wall: reports of one event published weeks apart, or with a misread date, may
still join when their texts agree. Each similarity is then measured against the two reports'
neighbourhoods (:func:`storyline.link.clustering.neighbourhood_scaled`): among many look-alike reports a
pair must stand out from the crowd, so the one threshold holds across dense and sparse parts of a corpus.
Duplicates always share a story. Candidate pairs come from each report's rarest heavy terms, so the cost
grows with the corpus, not with its square.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from storyline.ids import stable_id
from storyline.link.blocks import concatenated_ranges, found_places
from storyline.link.clustering import (
    NO_DATE_LIMIT_DAYS,
    Constraints,
    Edges,
    average_linkage,
    neighbourhood_scaled,
)
from storyline.link.dates import date_agreements, day_interval
from storyline.link.dedup import find_exact_duplicates, find_near_duplicates
from storyline.link.idf import frozen_rows, tfidf
from storyline.link.kept_candidates import KeptCandidates
from storyline.link.kept_clusters import KeptClusters, clustered_by_component
from storyline.link.kept_cosines import KeptCosines, row_digests
from storyline.link.kept_keys import KeptKeys
from storyline.link.passages import find_shared_passages
from storyline.link.records import LinkDoc, SharedPassage, Story
from storyline.link.report_terms import ReportTerms, report_text
from storyline.link.settings import LinkSettings
from storyline.link.tokens import words_of
from storyline.link.unionfind import UnionFind
from storyline.link.vectors import candidate_pair_arrays, key_term_matrix, pair_cosine_array

PASSAGE_UNIT_WORDS = 50  # a shared passage this long earns the full passage bonus
#: How far a pair's similarity may be scaled against its reports' neighbourhoods (``story_neighbourhood``):
#: at most halved in a crowd of look-alikes, at most 1.5x for reports with few close neighbours, so a
#: report with no real partner cannot have its best weak match blown up into a story. On ECB+ the bounds
#: barely move the figures (0.5..1.25 to 0.5..2 score alike); unbounded scaling is the risk.
NEIGHBOURHOOD_SCALE_BOUNDS = (0.5, 1.5)


def _specificity(sets: list[frozenset[str]]) -> dict[str, float]:
    """Member -> log((frozen + 1) / reports naming it) over the reports in ingest order: an entity every
    report names tells nothing.

    As for idf (:mod:`storyline.link.idf`), the reports counted are the first ``frozen_rows(n)`` only, or
    all of them for an entity those never name: adding reports changes the weight of only the entities
    they name that the earliest reports never named, so pairs of untouched reports keep their similarity.
    (A count alone, with no corpus size, gave a few-report corpus's ubiquitous entities the weight of
    rare ones.)
    """
    frozen = frozen_rows(len(sets))
    earliest = Counter(member for members in sets[:frozen] for member in members)
    later = Counter(member for members in sets[frozen:] for member in members if member not in earliest)
    return {member: math.log((frozen + 1) / count) for member, count in (earliest + later).items()}


def _passage_bonus(passages: Sequence[SharedPassage], position: dict[str, int], weight: float) -> Edges:
    """Each pair of reports i < j sharing a passage, with the bonus of the longest they share, in the
    order pairs first come (passage after passage, each one's reports in order, each with the later ones).

    In numpy: a passage a stock phrase carries into hundreds of reports gave tens of thousands of pairs a
    Python step each. Each passage's reports are found by one lookup each and put in order by one sort of
    them all (a sorted list per passage cost a Python step per report, 120,000 passages at 106,000
    reports); the same reports in the same order."""
    count = len(passages)
    sizes = np.fromiter((len(passage.documents) for passage in passages), dtype=np.int64, count=count)
    named = itertools.chain.from_iterable(passage.documents for passage in passages)
    places = np.fromiter(
        map(position.get, named, itertools.repeat(-1)), dtype=np.int64, count=int(sizes.sum())
    )
    owner = np.repeat(np.arange(count), sizes)
    found = places >= 0  # a report of a passage may not be among the reports clustered
    places, owner = places[found], owner[found]
    reports = places[np.lexsort((places, owner))]  # each passage's reports together, in order
    sizes = np.bincount(owner, minlength=count)
    words = np.fromiter((passage.words for passage in passages), dtype=np.float64, count=count)
    shares = weight * np.minimum(1.0, words / PASSAGE_UNIT_WORDS)
    # Each report of a passage with every later one of it, in order.
    later = np.repeat(np.cumsum(sizes), sizes) - np.arange(len(reports)) - 1
    left = np.repeat(np.arange(len(reports)), later)
    right = concatenated_ranges(np.flatnonzero(later > 0) + 1, later[later > 0])
    share = np.repeat(np.repeat(shares, sizes), later)
    codes = reports[left] * max(len(position), 1) + reports[right]
    unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    best = np.zeros(len(unique))
    np.maximum.at(best, inverse, share)  # the largest of a pair's shares, and never below 0
    order = np.argsort(first, kind="stable")  # as the pairs first come
    return Edges(reports[left][first[order]], reports[right][first[order]], best[order])


def counted_rows(docs: list[LinkDoc], terms: ReportTerms | None) -> tuple[ReportTerms, list[int]]:
    """Word counts holding ``docs`` and each one's row in them: ``terms`` itself when it names every
    report by id (then no text is read: the link stage keeps no body for stories and threads), else
    counts of the reports' texts (taken from ``terms`` where it holds a text)."""
    rows = terms.rows_of(d.id for d in docs) if terms is not None else None
    if terms is not None and rows is not None:
        return terms, rows
    return ReportTerms.count((report_text(d) for d in docs), terms), list(range(len(docs)))


def report_vectors(
    docs: list[LinkDoc], name_weight: float, terms: ReportTerms | None = None
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """tf-idf rows of ``docs`` (in ingest order; idf frozen as :mod:`storyline.link.idf` says) and each
    column's document frequency; words counted afresh only for reports ``terms`` does not hold."""
    counted, rows = counted_rows(docs, terms)
    tf, _ = counted.tf_matrix([[row] for row in rows], name_weight)
    return tfidf(tf, frozen_rows(len(docs)))


#: Cosines of pairs of report rows, given as two arrays of positions: every pair of a run is handed over
#: in one call (kept cosines keep the pairs they are given, :mod:`storyline.link.kept_cosines`).
PairCosines = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _with_passage_bonus(
    size: int, left: np.ndarray, right: np.ndarray, extra: Edges, cosines_of: PairCosines
) -> Edges:
    """The candidate pairs ``left``/``right`` of ``size`` reports with their cosines, each pair's passage
    bonus (``extra``, each pair once) added; a pair that shares a passage but is no candidate joins after
    the candidates (in the bonus's order), with its cosine. The cosines of both come from one call of
    ``cosines_of``, so that kept cosines cover the passage pairs too (a top-up computed every one of
    those afresh: 2.7 CPU s of 38.8 at 100,000 reports)."""
    known, place = found_places(left * size + right, extra.first * size + extra.second)
    new = np.flatnonzero(~known)
    first = np.concatenate((left, extra.first[new]))
    second = np.concatenate((right, extra.second[new]))
    # Every cosine at once: one sparse product per pair cost about as much as every other edge term
    # together (0.5 CPU s for 3,000 reports).
    sims = cosines_of(first, second).copy()  # the cosines themselves may be kept: added to in a copy
    sims[place[known]] += extra.sims[known]  # each pair once in ``extra``: no index repeats
    sims[len(left) :] += extra.sims[new]
    return Edges(first, second, sims)


def story_edges(
    docs: list[LinkDoc],
    passages: Sequence[SharedPassage],
    settings: LinkSettings,
    terms: ReportTerms | None = None,
    cosines: KeptCosines | None = None,
    candidates: KeptCandidates | None = None,
    kept_keys: KeptKeys | None = None,
) -> Edges:
    """Similarities of reports i < j (positions in ``docs``, in ingest order) for candidate pairs only;
    ``terms`` holds word counts already made (any report it lacks is counted here), ``cosines`` the
    scored pairs' cosines (candidates and pairs sharing a passage) of an earlier run (reused where both
    vectors are as they were; updated), and
    ``candidates`` its candidate lists (searched again only where a changed report can reach; updated),
    ``kept_keys`` their key rows (chosen again only for rows that may differ; updated)."""
    matrix, doc_freq = report_vectors(docs, settings.name_weight, terms)
    ids = [d.id for d in docs]
    # Each row's digest made once, for the kept keys and the kept cosines alike.
    digests = row_digests(matrix) if cosines is not None or kept_keys is not None else None
    keys = (
        key_term_matrix(matrix, doc_freq, settings.story_key_terms, settings.story_max_doc_freq)
        if kept_keys is None or digests is None
        else kept_keys.key_term_matrix(
            ids, matrix, digests, doc_freq, settings.story_key_terms, settings.story_max_doc_freq
        )
    )
    left, right = (
        candidate_pair_arrays(keys, settings.story_candidates)
        if candidates is None
        else candidates.pairs(ids, keys, settings.story_candidates)
    )
    del keys
    position = {doc.id: n for n, doc in enumerate(docs)}
    cosines_of: PairCosines = (
        functools.partial(pair_cosine_array, matrix)
        if cosines is None
        else functools.partial(cosines.pair_cosines, ids, matrix, digests=digests)
    )
    bonus = _passage_bonus(passages, position, settings.story_passage_weight)
    edges = _with_passage_bonus(len(docs), left, right, bonus, cosines_of)
    del matrix, left, right, bonus, cosines_of
    return Edges(edges.first, edges.second, _weighed(docs, edges, settings))


def member_matrix(
    sets: Sequence[Collection[str]], weight: Mapping[str, float] | None = None
) -> sparse.csr_matrix:
    """One row per set, one column per member (in sorted order, so that a row's sums run in one order
    whatever this process's string hashes): 1 where the set holds the member, or its ``weight``."""
    column = {member: n for n, member in enumerate(sorted(set().union(*sets)))}
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
    indptr = np.concatenate(([0], np.cumsum(sizes)))
    # Lookups by ``map`` of the dictionaries' own methods: a generator's Python step per member was most
    # of this (a million members of 106,000 reports' titles, each top-up).
    members = list(itertools.chain.from_iterable(sets))
    indices = np.fromiter(map(column.__getitem__, members), dtype=np.int64, count=len(members))
    values = (
        np.ones(len(members))
        if weight is None
        else np.fromiter(map(weight.__getitem__, members), dtype=np.float64, count=len(members))
    )
    matrix = sparse.csr_matrix((values, indices, indptr), shape=(len(sets), len(column)))
    matrix.has_sorted_indices = False
    matrix.sort_indices()
    return matrix


def _jaccards(
    sets: Sequence[Collection[str]], edges: Edges, weight: Mapping[str, float] | None = None
) -> np.ndarray:
    """Each pair's Jaccard of its two sets, each member weighed by ``weight`` (1 when None): the weight
    of what both hold over the weight of what either holds (0 when neither holds anything)."""
    weighed = member_matrix(sets, weight)
    # The same rows with ones: built from the weighed matrix's structure, not from the sets again.
    plain = weighed.copy()
    plain.data = np.ones(len(plain.data))
    shared = pair_cosine_array(weighed, edges.first, edges.second, plain)
    totals = np.asarray(weighed.sum(axis=1)).ravel()
    union = totals[edges.first] + totals[edges.second] - shared
    return np.divide(shared, union, out=np.zeros(len(edges)), where=union > 0)


def _weighed(docs: list[LinkDoc], edges: Edges, settings: LinkSettings) -> np.ndarray:
    """``edges``' similarities with the pair's other evidence: shared entities (weighed by specificity)
    and title words added, then weighed by what the two dates say, less a penalty when only one is dated.

    Array arithmetic over every pair at once: a Python call per pair was most of the stories' cost
    (1.1 of 2.4 CPU s at 3,000 reports)."""
    sims = edges.sims + settings.story_entity_weight * _jaccards(
        [d.entities for d in docs], edges, _specificity([d.entities for d in docs])
    )
    titles = [set(words_of(d.title)) if d.title else set() for d in docs]
    sims += settings.story_title_weight * _jaccards(titles, edges)
    days = np.array([day_interval(d.published) or (-1, -1) for d in docs], dtype=np.int64).reshape(-1, 2)
    confidence = np.array([d.published_confidence for d in docs], dtype=np.float64)
    first, second = days[edges.first], days[edges.second]
    certainty = confidence[edges.first] * confidence[edges.second]
    sims *= date_agreements(first, second, certainty, settings.story_date_scale_days)
    one_dated = (first[:, 0] >= 0) != (second[:, 0] >= 0)
    sims[one_dated] -= settings.story_one_dated_penalty
    return sims


def _initial_groups(
    docs: list[LinkDoc], duplicates: dict[str, str], previous: dict[str, str]
) -> tuple[list[list[int]], list[int | None]]:
    """Duplicates and reports of one earlier story start together; anchors keep earlier stories apart."""
    position = {doc.id: n for n, doc in enumerate(docs)}
    groups = UnionFind(len(docs))
    for copy, original in duplicates.items():
        if copy in position and original in position:
            groups.union(position[copy], position[original])
    earlier = sorted(set(previous.values()))
    anchor_of = {story: n for n, story in enumerate(earlier)}
    first_member: dict[str, int] = {}
    anchors: list[int | None] = [None] * len(docs)
    for doc in docs:
        story = previous.get(doc.id)
        if story is not None:
            anchors[position[doc.id]] = anchor_of[story]
            groups.union(position[doc.id], first_member.setdefault(story, position[doc.id]))
    members: dict[int, list[int]] = {}
    for n in range(len(docs)):
        members.setdefault(groups.find(n), []).append(n)
    return list(members.values()), anchors


def _story(docs: list[LinkDoc], members: list[int], previous: dict[str, str]) -> Story:
    reports = [docs[m] for m in sorted(members)]  # docs are in ingest order, so the first is the earliest
    earlier = sorted({previous[r.id] for r in reports if r.id in previous})
    dated = [(day_interval(r.published), r.published) for r in reports if day_interval(r.published)]
    # The span is read from the most precise dates the reports give: a report dated only "2024-07" does not
    # make a story of 18 July begin on the 1st.
    finest = max((len(value) for _, value in dated), default=0)
    dated = [d for d in dated if len(d[1]) == finest]
    first = min(dated, key=lambda d: d[0][0])[1] if dated else None  # type: ignore[index]
    last = max(dated, key=lambda d: d[0][1])[1] if dated else None  # type: ignore[index]
    return Story(
        id=earlier[0] if earlier else stable_id(reports[0].id, prefix="st_"),
        title=next((r.title for r in reports if r.title), None),
        documents=sorted(r.id for r in reports),
        first_published=first,
        last_published=last,
    )


def assign_stories(
    docs: Iterable[LinkDoc],
    previous: dict[str, str] | None = None,
    settings: LinkSettings | None = None,
    *,
    duplicates: dict[str, str] | None = None,
    passages: Sequence[SharedPassage] | None = None,
    terms: ReportTerms | None = None,
    kept: KeptClusters | None = None,
    kept_cosines: KeptCosines | None = None,
    kept_candidates: KeptCandidates | None = None,
    kept_keys: KeptKeys | None = None,
) -> list[Story]:
    """Group reports into stories, keeping the ids of ``previous`` (doc id -> story id) assignments.

    Deterministic and independent of input order. A new report joins an existing story or starts one;
    a new story's id derives from its earliest-ingested report, so adding reports keeps ids.
    ``duplicates`` (copy -> original) and ``passages`` are computed when not given; ``terms`` holds
    reports' word counts made earlier (the link stage keeps them between runs). Reports may come without
    their text when ``terms`` names each by id (:meth:`ReportTerms.rows_of`) and both of those are given.
    ``kept`` holds clusters of components of the similarity graph from an earlier run: only components
    whose inputs changed are clustered again (:mod:`storyline.link.kept_clusters`), and it is updated;
    ``kept_cosines`` likewise the scored pairs' cosines (:mod:`storyline.link.kept_cosines`), and
    ``kept_candidates`` their lists (:mod:`storyline.link.kept_candidates`) and ``kept_keys`` the key rows
    they are searched by (:mod:`storyline.link.kept_keys`).
    """
    settings = settings or LinkSettings()
    previous = previous or {}
    ordered = sorted(docs, key=lambda d: (d.seq, d.id))
    if not ordered:
        return []
    if duplicates is None:
        duplicates = find_exact_duplicates(ordered) | find_near_duplicates(ordered, settings=settings)
    if passages is None:
        passages = find_shared_passages(ordered, settings)
    groups, anchors = _initial_groups(ordered, duplicates, previous)
    # No date limit on merges: dates already weigh every edge (story_edges).
    constraints = Constraints(NO_DATE_LIMIT_DAYS, [None] * len(ordered), anchors)
    edges = neighbourhood_scaled(
        story_edges(ordered, passages, settings, terms, kept_cosines, kept_candidates, kept_keys),
        len(ordered),
        settings.story_neighbourhood,
        NEIGHBOURHOOD_SCALE_BOUNDS,
    )
    if kept is None:
        clusters = average_linkage(edges, settings.story_threshold, groups, constraints)
    else:
        clusters = clustered_by_component(edges, settings.story_threshold, groups, constraints, kept)
    stories = [_story(ordered, members, previous) for members in clusters]
    return sorted(stories, key=lambda s: s.id)


def story_of(stories: Iterable[Story]) -> dict[str, str]:
    """Doc id -> story id, the form ``assign_stories`` takes as ``previous``."""
    return {doc: story.id for story in stories for doc in story.documents}
