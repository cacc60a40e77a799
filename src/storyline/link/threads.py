"""Threads: stories that belong together over a longer span (same actors, places and theme).

Each story is summed into one tf-idf vector and one set of main entities (the entity stage's ids when
given, else the story's heaviest terms, which are mostly names since names weigh more). Stories are then
clustered like reports, with a lower threshold and no date limit, so a thread may run for years.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from scipy import sparse

from storyline.ids import stable_id
from storyline.link.clustering import Constraints, average_linkage
from storyline.link.records import LinkDoc, Story, Thread
from storyline.link.settings import LinkSettings
from storyline.link.stories import report_text
from storyline.link.vectors import candidate_pairs, key_term_matrix, l2_normalise, tfidf_matrix

_NO_DATE_LIMIT = 10**9  # days: threads are not bounded in time


def _story_matrix(
    stories: list[Story], docs: dict[str, LinkDoc], settings: LinkSettings
) -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
    """One L2-normalised tf-idf row per story (sum of its reports), column document frequencies, terms."""
    ordered = sorted(docs.values(), key=lambda d: (d.seq, d.id))
    matrix, doc_freq, terms = tfidf_matrix(
        [report_text(d) for d in ordered], settings.name_weight, with_terms=True
    )
    row_of = {doc.id: n for n, doc in enumerate(ordered)}
    rows, cols = [], []
    for n, story in enumerate(stories):
        for doc_id in story.documents:
            if doc_id in row_of:
                rows.append(n)
                cols.append(row_of[doc_id])
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(stories), len(ordered)))
    return l2_normalise(sparse.csr_matrix(membership @ matrix)), doc_freq, terms


def _main_entities(
    story: Story, docs: dict[str, LinkDoc], row: sparse.csr_matrix, terms: list[str], count: int
) -> list[str]:
    """The story's most mentioned entities, or its heaviest terms (mostly names) when none are known."""
    mentions: Counter[str] = Counter()
    for doc_id in story.documents:
        if doc_id in docs:
            mentions.update(docs[doc_id].entities)
    if mentions:
        return [e for e, _ in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]
    order = np.argsort(-row.data, kind="stable")[:count]
    return [terms[row.indices[i]] for i in order]


def assign_threads(
    stories: Iterable[Story], docs: Iterable[LinkDoc], settings: LinkSettings | None = None
) -> list[Thread]:
    """Group stories into threads; a thread's id derives from its earliest story (first report ingested)."""
    settings = settings or LinkSettings()
    stories = list(stories)
    by_id = {doc.id: doc for doc in docs}
    first_seq = {s.id: min((by_id[d].seq for d in s.documents if d in by_id), default=0) for s in stories}
    ordered = sorted(stories, key=lambda s: (first_seq[s.id], s.id))
    if not ordered:
        return []
    matrix, doc_freq, terms = _story_matrix(ordered, by_id, settings)
    keys = key_term_matrix(matrix, doc_freq, settings.story_key_terms, settings.story_max_doc_freq)
    edges = candidate_pairs(matrix, keys, settings.story_candidates)
    mains = [
        set(_main_entities(s, by_id, matrix[n], terms, settings.thread_main_entities))
        for n, s in enumerate(ordered)
    ]
    for (i, j), sim in edges.items():
        shared = len(mains[i] & mains[j]) / max(1, min(len(mains[i]), len(mains[j])))
        edges[(i, j)] = sim + settings.thread_entity_weight * shared
    none = [None] * len(ordered)
    clusters = average_linkage(
        edges,
        settings.thread_threshold,
        [[n] for n in range(len(ordered))],
        Constraints(_NO_DATE_LIMIT, list(none), list(none)),
    )
    threads = [
        _thread([ordered[m] for m in members], [mains[m] for m in members], settings) for members in clusters
    ]
    return sorted(threads, key=lambda t: t.id)


def _thread(stories: list[Story], mains: list[set[str]], settings: LinkSettings) -> Thread:
    counts: Counter[str] = Counter(e for main in mains for e in main)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shared = [e for e, n in ranked if n > 1 or len(mains) == 1]
    return Thread(
        id=stable_id(stories[0].id, prefix="th_"),
        title=stories[0].title,
        stories=sorted(s.id for s in stories),
        entities=shared[: settings.thread_main_entities],
    )


def with_threads(stories: Iterable[Story], threads: Iterable[Thread]) -> list[Story]:
    """The stories with ``thread_id`` set from ``threads``."""
    thread_of = {story: thread.id for thread in threads for story in thread.stories}
    return [replace(s, thread_id=thread_of.get(s.id)) for s in stories]
