"""Who and where a story is about: weighted entity profiles of stories, for threads.

A thread is held together by the same actors, so stories are compared by the entities their reports name,
each weighed by how specific it is:
- **inverse story frequency**: an entity named in every story of the corpus (the region's big countries)
  says little about which stories belong together; one named in two stories says much;
- **its type**: people and organisations (``ACTOR_TYPES``) are the actors; places, nationalities and
  other names only set the scene and weigh ``context_weight`` of an actor;
- **its share of the story's reports**: an entity in every report is what the story is about; one in a
  single report of ten (a passing mention, a mis-tagged outlet name) weighs a tenth.

When no entity stage ran, each story's heaviest tf-idf terms (mostly names, since names weigh more) stand
in for its entities, with unknown type.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyline.link.records import LinkDoc, Story

#: Entity types that name actors (spaCy / OntoNotes labels, as the entity stage writes them).
ACTOR_TYPES = frozenset({"PERSON", "ORG"})


@dataclass(frozen=True)
class Profiles:
    """Per story: entity -> share of its reports naming it; plus each entity's story frequency."""

    shares: list[dict[str, float]]
    story_freq: Counter[str]


def story_profiles(stories: list[Story], docs: Mapping[str, LinkDoc]) -> Profiles:
    """Each story's entities with the share of its (known) reports that name them."""
    shares: list[dict[str, float]] = []
    for story in stories:
        reports = [docs[d] for d in story.documents if d in docs]
        counts: Counter[str] = Counter(e for report in reports for e in report.entities)
        shares.append({e: n / max(1, len(reports)) for e, n in counts.items()})
    return Profiles(shares, Counter(e for share in shares for e in share))


def term_profiles(matrix: sparse.csr_matrix, terms: list[str], count: int) -> Profiles:
    """Stand-in profiles from each story row's ``count`` heaviest terms (used when no entities are known)."""
    shares: list[dict[str, float]] = []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        order = np.argsort(-matrix.data[start:end], kind="stable")[:count]
        shares.append({terms[matrix.indices[start + i]]: 1.0 for i in order})
    return Profiles(shares, Counter(e for share in shares for e in share))


def is_actor(entity: str, types: Mapping[str, str] | None) -> bool:
    """Whether ``entity`` names a person or organisation; an entity of unknown type counts as one."""
    kind = types.get(entity) if types is not None else None
    return kind is None or kind in ACTOR_TYPES


def entity_weights(
    profiles: Profiles, types: Mapping[str, str] | None, context_weight: float
) -> list[dict[str, float]]:
    """Per story: entity -> share x idf x type weight, idf = log((stories + 1) / story frequency) + 1.

    The "+ 1" (smoothed idf) keeps entities found in every story slightly weighted, so a corpus of a few
    stories of one theme can still thread them by the actors they all share.
    """
    total = len(profiles.shares)
    idf = {e: math.log((total + 1) / n) + 1.0 for e, n in profiles.story_freq.items()}
    return [
        {e: share * idf[e] * (1.0 if is_actor(e, types) else context_weight) for e, share in shares.items()}
        for shares in profiles.shares
    ]


def weight_matrix(weights: list[dict[str, float]]) -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
    """Stories x entities sparse matrix of ``weights``, each column's story frequency, and the entities."""
    column: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, story in enumerate(weights):
        for entity, weight in sorted(story.items()):
            rows.append(row)
            cols.append(column.setdefault(entity, len(column)))
            vals.append(weight)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(weights), len(column)), dtype=np.float64)
    story_freq = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(column))
    return matrix, story_freq, list(column)


def main_actors(
    profiles: Profiles, types: Mapping[str, str] | None, min_share: float
) -> list[frozenset[str]]:
    """Per story: the actors named in at least ``min_share`` of its reports (its main actors)."""
    return [
        frozenset(e for e, share in shares.items() if share >= min_share and is_actor(e, types))
        for shares in profiles.shares
    ]
