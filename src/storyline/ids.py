"""Stable, content-derived ids: the same input gives the same ids on every run and machine."""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_HEX_CHARS = 16  # 64 bits: collisions are negligible below billions of pages

_WHITESPACE = re.compile(r"\s+")


def stable_id(*parts: str, prefix: str = "") -> str:
    """Hash ``parts`` (joined unambiguously) into a short hex id, optionally prefixed (``st_``...)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:ID_HEX_CHARS]
    return prefix + digest


def page_id(content: str) -> str:
    """The id of a raw page: its content with line endings and the byte-order mark normalised.

    The container (a .txt file, a JSONL line, a WARC record) does not enter the id, so the same page
    found in two files is stored once.
    """
    normalised = content.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    return stable_id(normalised)


def normalise_body(text: str) -> str:
    """The form of a body that exact-duplicate detection compares: NFKC, casefolded, spaces collapsed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def text_digest(text: str) -> str:
    """Digest of ``text`` exactly as it is (no folding): what a stage that reads character offsets into a
    body, or its exact words, is a function of."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def content_hash(text: str) -> str:
    """Hash of the normalised body; equal for exact duplicates."""
    return stable_id(normalise_body(text))
