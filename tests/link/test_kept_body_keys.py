"""Kept body digests: read back as written (a digest ending in zero bytes too), and a damaged or foreign
blob refused (every body is then read again)."""

from __future__ import annotations

from storyline.link.kept_body_keys import KeptBodyKeys


def test_keys_come_back_as_kept() -> None:
    kept = KeptBodyKeys(41, {"d1": bytes(range(16)), "d2": None, "d3": b"\x07" * 14 + b"\x00\x00"})
    back = KeptBodyKeys.from_bytes(kept.to_bytes())
    assert back == kept
    assert back is not None and list(back.keys) == ["d1", "d2", "d3"]


def test_no_documents() -> None:
    assert KeptBodyKeys.from_bytes(KeptBodyKeys(0, {}).to_bytes()) == KeptBodyKeys(0, {})


def test_a_damaged_or_foreign_blob_is_refused() -> None:
    data = KeptBodyKeys(3, {"d1": b"\x01" * 16, "d2": b"\x02" * 16}).to_bytes()
    assert KeptBodyKeys.from_bytes(data[: len(data) // 2]) is None
    assert KeptBodyKeys.from_bytes(b"not a kept blob") is None
