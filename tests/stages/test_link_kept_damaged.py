"""A damaged kept near-duplicate index, body-digest, word-count or key-row blob is only a cache: the next
run makes it afresh and stores what a run from nothing stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.stages.test_incremental_equals_full import BATCH_1, BATCH_2, BATCH_3, _tables, _write

import storyline
from storyline.stages import link


@pytest.mark.parametrize("blob", [link.INDEX_BLOB, link.BODY_KEYS_BLOB, link.TERMS_BLOB, link.KEYS_BLOB])
def test_a_damaged_kept_blob_is_made_afresh(tmp_path: Path, blob: str) -> None:
    first = _write(tmp_path / "one", {**BATCH_1, **BATCH_2})
    second = _write(tmp_path / "two", BATCH_3)
    with storyline.open(tmp_path / "store.db") as sl:
        sl.run([first], workers=1)
        stored = sl.store.get_blob(blob)
        assert stored
        sl.store.set_blob(blob, stored[: len(stored) // 2])  # cut short
        sl.run([second], workers=1)
        documents = len(BATCH_1) + len(BATCH_2) + len(BATCH_3)
        if blob == link.INDEX_BLOB:
            # Every body was read again to sign it (and the copies' to verify them).
            assert sl.store.get_state(link.BODIES_READ_STATE) >= documents
        elif blob == link.BODY_KEYS_BLOB:
            # Every body was read again to digest it.
            assert sl.store.get_state(link.CORPUS_BODIES_READ_STATE) == documents
        elif blob == link.TERMS_BLOB:
            # Every report's words were counted again.
            assert sl.store.get_state(link.COUNTED_STATE) == documents
        else:
            # Every report's key terms were chosen again.
            chosen = sl.store.get_state(link.KEYS_CHOSEN_STATE)
            assert chosen["reports"] == chosen["of"] > 0
    with storyline.open(tmp_path / "full.db") as sl:
        sl.run([first, second], workers=1)
    assert _tables(tmp_path / "store.db") == _tables(tmp_path / "full.db")
