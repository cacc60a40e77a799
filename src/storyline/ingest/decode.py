"""Bytes to text: detect the encoding, refuse binary junk, never crash on bad bytes."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from storyline.ingest.errors import UnreadableInput

#: A page whose first bytes hold more control characters than this share is binary data, not text.
MAX_CONTROL_CHAR_SHARE = 0.02
#: How much of a page is sampled to judge whether it is binary.
BINARY_SAMPLE_BYTES = 8192

#: The encoding chosen when the detector finds several equally plausible.
PREFERRED_ON_TIE = "cp1252"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
#: Codecs Python knows that no web page is encoded in (see :func:`page_encoding`).
_NOT_PAGE_ENCODINGS = {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "mbcs", "oem"}


def _control_share(text: str) -> float:
    sample = text[:BINARY_SAMPLE_BYTES]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in _ALLOWED_CONTROLS) or ch == "\ufffd")
    return controls / len(sample)


def _looks_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position of ASCII-range text."""
    sample = data[:BINARY_SAMPLE_BYTES]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def page_encoding(declared: str | None) -> str | None:
    """The text codec a declared charset names, or None when it names none a page can be in.

    Pages declare anything (``charset=undefined``, ``x-user-defined``, ``base64``); Python's codec registry
    holds codecs that are not page encodings at all: ``undefined`` fails on every byte, the escape codecs
    rewrite backslashes, ``idna`` and ``punycode`` refuse replacement. Those fall back to detection.
    """
    if not declared:
        return None
    try:
        info = codecs.lookup(declared.strip().strip("\"'").lower())
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return info.name


def detect_encoding(data: bytes) -> str:
    """The encoding ``data`` is most likely in: a BOM, else strict UTF-8, else charset-normalizer's guess."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    utf16 = _looks_utf16_without_bom(data)
    if utf16:
        return utf16
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data[: 1 << 20]))
    if not matches:
        return "utf-8"
    best = matches[0]
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    # Short pages often fit several single-byte code pages equally well; the web's most common legacy
    # encoding is the better bet then.
    return PREFERRED_ON_TIE if PREFERRED_ON_TIE in tied else best.encoding


def decode_text(data: bytes, declared_encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` to text; returns ``(text, encoding)``.

    Raises :class:`UnreadableInput` for empty input and for binary data. Undecodable bytes in an
    otherwise textual page are replaced rather than fatal.
    """
    if not data.strip():
        raise UnreadableInput("empty file (no text)")
    if (
        b"\x00" in data[:BINARY_SAMPLE_BYTES]
        and _looks_utf16_without_bom(data) is None
        and not any(data.startswith(bom) for bom, _ in _BOMS)
    ):
        raise UnreadableInput("binary data, not text (NUL bytes)")
    encoding = page_encoding(declared_encoding) or detect_encoding(data)
    try:
        text = data.decode(encoding, errors="replace")
    except (LookupError, UnicodeError):  # a declared codec that cannot decode text after all
        encoding = detect_encoding(data)
        text = data.decode(encoding, errors="replace")
    if _control_share(text) > MAX_CONTROL_CHAR_SHARE:
        raise UnreadableInput(f"binary data, not text (read as {encoding})")
    return text.lstrip("\ufeff"), encoding
