"""Near duplicates on Ray Data: MinHash signatures on actors, LSH banding as a group-by on band keys.

The local engine signs each new document and queries datasketch's LSH index one document at a time. Here the
same work is spread out:

1. ``map_batches`` over :class:`SignDocuments` actors signs the new documents with the project's own code
   (:meth:`NearDuplicateIndex.signature`, datasketch MinHash), the signing settings held once per actor;
2. every signature (new, and those the stored index already holds) becomes one row per LSH band:
   ``(band key, document)``, the key being the band's index and values (:func:`band_keys`);
3. ``groupby(band key).map_groups`` pairs, within each band, every new document with the documents the local
   engine's index would hold when it got to it (those indexed before, then new ones earlier in ingest order):
   exactly the candidates MinHashLSH's query returns;
4. the driver verifies the candidates with the local rule and picks each copy's original
   (:func:`storyline.link.find_near_duplicates`, given the signatures and candidates), and keeps the index up
   to date for the next run. Verification reads both texts and is cheap next to signing: only candidate
   pairs are compared.

So both engines make the same ``duplicate_of`` decisions (a test compares them), and a store linked on one
engine is incremental on the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from storyline.link import LinkDoc, LinkSettings, NearDuplicateIndex, Signature, find_near_duplicates
from storyline.link.dedup import band_keys

#: Documents per signing batch.
SIGN_BATCH_SIZE = 64
#: Rank of a document the stored index already holds: before every new document.
INDEXED = -1
#: Band rows per shuffle partition: enough rows that a small corpus is not spread over hundreds of tiny
#: partitions (Ray's default is 200), few enough that a large one still spreads over the cluster.
ROWS_PER_PARTITION = 100_000


class SignDocuments:
    """A Ray actor that MinHash-signs texts with the link settings it was made with."""

    def __init__(self, settings: LinkSettings) -> None:
        self.index = NearDuplicateIndex(settings)

    def __call__(self, batch: pa.Table) -> pa.Table:
        signatures = [self.index.signature(text).to_bytes() for text in batch["text"].to_pylist()]
        return pa.table({"id": batch["id"], "rank": batch["rank"], "sig": pa.array(signatures, pa.binary())})


def band_rows(batch: pa.Table, ranges: list[tuple[int, int]]) -> pa.Table:
    """One row per (band key, document) for a batch of signed documents."""
    keys: list[str] = []
    ids: list[str] = []
    ranks: list[int] = []
    for doc_id, rank, sig in zip(*(batch[name].to_pylist() for name in ("id", "rank", "sig")), strict=True):
        for key in band_keys(Signature.from_bytes(sig), ranges):
            keys.append(key)
            ids.append(doc_id)
            ranks.append(rank)
    return pa.table({"band": pa.array(keys, pa.string()), "id": pa.array(ids, pa.string()), "rank": ranks})


def pairs_in_band(group: pa.Table) -> pa.Table:
    """Within one band: each new document with every document ranked before it (the candidates it gets)."""
    members = sorted(zip(group["rank"].to_pylist(), group["id"].to_pylist(), strict=True))
    docs: list[str] = []
    candidates: list[str] = []
    for position, (rank, doc_id) in enumerate(members):
        if rank == INDEXED:
            continue
        for _earlier_rank, earlier in members[:position]:
            docs.append(doc_id)
            candidates.append(earlier)
    return pa.table({"doc": pa.array(docs, pa.string()), "candidate": pa.array(candidates, pa.string())})


def _candidates(batches: Iterator[pa.Table]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for batch in batches:
        for doc_id, candidate in zip(batch["doc"].to_pylist(), batch["candidate"].to_pylist(), strict=True):
            found.setdefault(doc_id, set()).add(candidate)
    return found


def find_near_duplicates_on_ray(
    ray: Any, docs: list[LinkDoc], index: NearDuplicateIndex, settings: LinkSettings, actors: Any
) -> dict[str, str]:
    """As :func:`storyline.link.find_near_duplicates` (same arguments, same result, ``index`` updated the
    same way), with the signing (on the ``actors`` pool strategy) and the banding on Ray."""
    new = sorted((doc for doc in docs if doc.id not in index), key=lambda d: (d.seq, d.id))
    if not new:
        return {}
    signed = (
        ray.data.from_items([{"id": d.id, "rank": rank, "text": d.text} for rank, d in enumerate(new)])
        .map_batches(
            SignDocuments,
            fn_constructor_kwargs={"settings": settings},
            batch_size=SIGN_BATCH_SIZE,
            batch_format="pyarrow",
            compute=actors,
        )
        .materialize()
    )
    indexed = [{"id": i, "rank": INDEXED, "sig": s.to_bytes()} for i, s in index.signatures.items()]
    everything = signed.union(ray.data.from_items(indexed)) if indexed else signed
    ranges = index.band_ranges
    partitions = (len(new) + len(indexed)) * len(ranges) // ROWS_PER_PARTITION + 1
    pairs = (
        everything.map_batches(band_rows, fn_kwargs={"ranges": ranges}, batch_format="pyarrow")
        .groupby("band", num_partitions=partitions)
        .map_groups(pairs_in_band, batch_format="pyarrow")
    )
    candidates = _candidates(pairs.iter_batches(batch_format="pyarrow"))
    signatures = {
        doc_id: Signature.from_bytes(sig)
        for batch in signed.iter_batches(batch_format="pyarrow")
        for doc_id, sig in zip(batch["id"].to_pylist(), batch["sig"].to_pylist(), strict=True)
    }
    return find_near_duplicates(docs, index, settings, signed=signatures, candidates=candidates)
