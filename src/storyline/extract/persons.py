"""Person mentions to people: full-name variants merged, bare surnames attached where unambiguous."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storyline.extract.aliases import (
    full_names_match,
    name_parts_match,
    name_tokens,
    part_skeleton,
    romanised,
    surname_key,
)
from storyline.extract.mentions import Mention
from storyline.extract.text import fold


@dataclass(frozen=True, slots=True)
class PersonLink:
    """Which person cluster a mention belongs to, by which rule, and why."""

    cluster: str  # the folded full name that represents the cluster, or the folded single name
    rule: str
    detail: str


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        """The root of ``item``'s set (path halving keeps trees flat)."""
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: str, second: str) -> None:
        """Join the sets of ``first`` and ``second``."""
        # The smaller key becomes the root, so clusters do not depend on input order.
        a, b = sorted((self.find(first), self.find(second)))
        self.parent[b] = a


def full_name_key(text: str) -> str:
    """The folded form of a person's name without honorifics ("Gen. John Campbell" -> "john campbell")."""
    return fold(" ".join(name_tokens(text)))


def _variant_rule(first: str, second: str) -> str:
    a, b = name_tokens(first), name_tokens(second)
    if fold(a[0]) == fold(b[0]) and fold(a[-1]) == fold(b[-1]):
        return "name_variant"
    return "transliteration"


def cluster_full_names(names: Iterable[str]) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Group full names that name one person: ``(name key -> cluster key, name key -> (rule, detail))``.

    Pairs are compared only within a block of equal surname skeletons (a match needs one), so the
    comparison is linear in practice.
    """
    surface_of: dict[str, str] = {}
    for name in names:
        surface_of.setdefault(full_name_key(name), name)
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in sorted(surface_of):
        blocks[surname_key(surface_of[key])].append(key)
    forest = _UnionFind()
    why: dict[str, tuple[str, str]] = {}
    for block in blocks.values():
        # A match needs the given names to match, which needs their romanised consonant skeletons equal
        # (name_parts_match): each name is compared only with the earlier names of the block that share
        # its given name's skeleton, in block order, so unions and reasons come in the order comparing
        # every pair gives. Blocks of a common surname hold hundreds of names; comparing every pair of
        # them was most of a top-up's resolution (measured: docs/performance.md, Top-ups).
        earlier: dict[str, list[str]] = defaultdict(list)
        for key in block:
            forest.find(key)
            tokens = name_tokens(surface_of[key])
            if len(tokens) < 2:
                continue  # never a full-name match
            same_given = earlier[part_skeleton(tokens[0])]
            for other in same_given:
                if full_names_match(surface_of[key], surface_of[other]):
                    forest.union(key, other)
                    rule = _variant_rule(surface_of[key], surface_of[other])
                    detail = (
                        f"{surface_of[key]!r} ~ {surface_of[other]!r}: given names and surnames agree "
                        f"after romanisation ({romanised(name_tokens(surface_of[key])[-1])})"
                    )
                    why.setdefault(key, (rule, detail))
                    why.setdefault(other, (rule, detail))
            same_given.append(key)
    return {key: forest.find(key) for key in surface_of}, why


def _clusters_with_surname(single: str, full: Iterable[tuple[str, str]]) -> set[str]:
    return {cluster for surface, cluster in full if name_parts_match(single, _surname(surface))}


@functools.lru_cache(maxsize=1 << 14)
def _surname(full_name: str) -> str:
    """The last word of a full name (cached: each is asked for once per bare surname of its document)."""
    return name_tokens(full_name)[-1]


def _surname_index(by_doc: dict[str, set[tuple[str, str]]]) -> dict[str, set[str]]:
    """Folded surname -> person clusters across the corpus (exact spelling: a bare surname far from
    its full name has no context to vouch for a variant spelling)."""
    index: dict[str, set[str]] = defaultdict(set)
    for pairs in by_doc.values():
        for surface, cluster in pairs:
            index[fold(name_tokens(surface)[-1])].add(cluster)
    return index


def link_persons(mentions: Sequence[Mention]) -> dict[Mention, PersonLink]:
    """Link PERSON mentions to person clusters across all documents.

    Full names merge when given name and surname each match (:func:`full_names_match`). A bare
    surname joins the one person in its document with that surname (spelling variants allowed); failing
    that, the one person in the corpus with exactly that surname; when two people share it, it stays
    apart (ambiguous).
    """
    full = [m for m in mentions if len(name_tokens(m.text)) >= 2]
    cluster_of, why = cluster_full_names(m.text for m in full)
    links: dict[Mention, PersonLink] = {}
    by_doc: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for mention in full:
        key = full_name_key(mention.text)
        rule, detail = why.get(key, ("same_name", ""))
        links[mention] = PersonLink(cluster_of[key], rule, detail)
        by_doc[mention.doc_id].add((mention.text, cluster_of[key]))
    corpus = _surname_index(by_doc)
    for mention in mentions:
        if mention not in links:
            links[mention] = _link_single(mention, by_doc.get(mention.doc_id, set()), corpus)
    return links


def _link_single(
    mention: Mention, in_document: set[tuple[str, str]], corpus: dict[str, set[str]]
) -> PersonLink:
    """Link a one-word person mention to the only person with that surname, in its document or corpus."""
    single = name_tokens(mention.text)[-1]
    in_doc = _clusters_with_surname(single, in_document)
    in_corpus = corpus.get(fold(single), set()) if not in_doc else set()
    if len(in_doc) == 1:
        detail = f"the only person in the document with surname {single!r}"
        return PersonLink(next(iter(in_doc)), "surname_in_document", detail)
    if not in_doc and len(in_corpus) == 1:
        detail = f"the only person in the corpus with surname {single!r}"
        return PersonLink(next(iter(in_corpus)), "surname_in_corpus", detail)
    return PersonLink("single:" + fold(mention.text), "", "")
