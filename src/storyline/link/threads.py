"""Threads: stories that belong together over a longer span (same actors, places and theme).

Two stories are compared by
- the tf-idf cosine of their texts, with idf over *stories* (a word every story uses, such as the region's
  country names, weighs little) and names weighted up as for reports: the shared theme and cast;
- plus ``thread_entity_weight`` x the cosine of their entity profiles, each entity weighed by how specific
  it is (see :mod:`storyline.link.actors`): rare entities, people and organisations, and entities most
  reports of the story name count most.
A pair of stories may only join when they share a **main actor**: a person or organisation named in at
least ``thread_actor_min_share`` of the reports of each. Countries, regions and nationalities alone never
make a thread (every story of a regional corpus shares them), nor does a theme without a common actor
(two unrelated economy reports). Stories are then clustered like reports, by average linkage, with no
date limit, so a thread may run for years.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
from scipy import sparse

from storyline.ids import stable_id
from storyline.link.actors import (
    Profiles,
    entity_weights,
    main_actors,
    story_profiles,
    term_profiles,
    weight_matrix,
)
from storyline.link.blocks import found_places
from storyline.link.clustering import NO_DATE_LIMIT_DAYS, Constraints, Edges, average_linkage
from storyline.link.idf import tfidf
from storyline.link.records import LinkDoc, Story, Thread
from storyline.link.report_terms import ReportTerms
from storyline.link.settings import LinkSettings
from storyline.link.stories import counted_rows, member_matrix
from storyline.link.vectors import candidate_pair_arrays, key_term_matrix, l2_normalise, pair_cosine_array


def story_vectors(
    stories: list[Story], docs: Mapping[str, LinkDoc], name_weight: float, terms: ReportTerms | None = None
) -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
    """tf-idf rows of stories (each its reports' titles and bodies, words counted over all of them; idf
    over the stories), each column's story frequency and term. Words are counted afresh only for reports
    ``terms`` does not hold: a story's counts are its reports' counts summed."""
    members = [[d for d in story.documents if d in docs] for story in stories]
    ids = list(dict.fromkeys(d for story in members for d in story))
    counted, rows = counted_rows([docs[d] for d in ids], terms)
    row = dict(zip(ids, rows, strict=True))
    tf, vocabulary = counted.tf_matrix([[row[d] for d in story] for story in members], name_weight)
    matrix, story_freq = tfidf(tf, len(stories))
    return matrix, story_freq, vocabulary


def _profiles(
    stories: list[Story], docs: Mapping[str, LinkDoc], text: sparse.csr_matrix, terms: list[str], count: int
) -> Profiles:
    """Entity profiles, or heaviest-term profiles when no report of the corpus carries entities."""
    profiles = story_profiles(stories, docs)
    if profiles.story_freq:
        return profiles
    return term_profiles(text, terms, count)


def _union(
    first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray], size: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``first``, then those of ``second`` not among them, each in its order (the pairs of
    ``first`` distinct, as candidate lists give them). Looked up as sorted codes (``found_places``):
    ``np.isin`` took 0.7 CPU s for the 661,030 entity pairs among 726,736 text pairs at 107,000 reports,
    this 0.1."""
    found, _ = found_places(first[0] * size + first[1], second[0] * size + second[1])
    new = ~found
    return np.concatenate((first[0], second[0][new])), np.concatenate((first[1], second[1][new]))


def thread_edges(
    stories: list[Story],
    docs: Mapping[str, LinkDoc],
    settings: LinkSettings,
    entity_types: Mapping[str, str] | None = None,
    terms: ReportTerms | None = None,
) -> tuple[Edges, list[dict[str, float]]]:
    """Similarities of stories i < j that share a main actor; and each story's entity weights."""
    text, story_freq, vocabulary = story_vectors(stories, docs, settings.name_weight, terms)
    profiles = _profiles(stories, docs, text, vocabulary, settings.thread_main_entities)
    weights = entity_weights(profiles, entity_types, settings.thread_context_weight)
    entities, entity_freq, _ = weight_matrix(weights)
    entities = l2_normalise(entities)
    actors = main_actors(profiles, entity_types, settings.thread_actor_min_share)
    left, right = _union(
        candidate_pair_arrays(
            key_term_matrix(text, story_freq, settings.story_key_terms, settings.story_max_doc_freq),
            settings.story_candidates,
        ),
        candidate_pair_arrays(
            key_term_matrix(entities, entity_freq, settings.story_key_terms, settings.story_max_doc_freq),
            settings.story_candidates,
        ),
        len(stories),
    )
    # Whether two stories share a main actor, for every pair at once: the product of their rows of ones
    # counts the actors they share (a set intersection per pair in Python cost as much as the cosines).
    shared = pair_cosine_array(member_matrix(actors), left, right) > 0
    left, right = left[shared], right[shared]
    sims = pair_cosine_array(text, left, right) + settings.thread_entity_weight * pair_cosine_array(
        entities, left, right
    )
    edges = Edges(left, right, sims)
    return edges, weights


def assign_threads(
    stories: Iterable[Story],
    docs: Iterable[LinkDoc],
    settings: LinkSettings | None = None,
    entity_types: Mapping[str, str] | None = None,
    terms: ReportTerms | None = None,
) -> list[Thread]:
    """Group stories into threads; a thread's id derives from its earliest story (first report ingested).

    ``entity_types`` maps the entity ids found in ``LinkDoc.entities`` to their types ("PERSON", "ORG",
    "GPE", ...); without it every entity counts as an actor. ``terms`` holds reports' word counts made
    earlier (the link stage keeps them between runs).
    """
    settings = settings or LinkSettings()
    stories = list(stories)
    by_id = {doc.id: doc for doc in docs}
    first_seq = {s.id: min((by_id[d].seq for d in s.documents if d in by_id), default=0) for s in stories}
    ordered = sorted(stories, key=lambda s: (first_seq[s.id], s.id))
    if not ordered:
        return []
    edges, weights = thread_edges(ordered, by_id, settings, entity_types, terms)
    none = [None] * len(ordered)
    clusters = average_linkage(
        edges,
        settings.thread_threshold,
        [[n] for n in range(len(ordered))],
        Constraints(NO_DATE_LIMIT_DAYS, list(none), list(none)),
    )
    threads = [
        _thread([ordered[m] for m in members], [weights[m] for m in members], settings)
        for members in clusters
    ]
    return sorted(threads, key=lambda t: t.id)


def _thread(stories: list[Story], weights: list[dict[str, float]], settings: LinkSettings) -> Thread:
    """A thread record; its entities are the heaviest ones found in more than one of its stories."""
    found_in: Counter[str] = Counter(e for story in weights for e in story)
    total: Counter[str] = Counter()
    for story in weights:
        total.update(story)
    ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
    shared = [e for e, _ in ranked if found_in[e] > 1 or len(stories) == 1]
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
