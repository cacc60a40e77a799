"""Untrusted text made safe to print on a terminal: control characters shown, never interpreted.

Page text, titles, outlet names, URLs and error messages quoting raw bytes come from strangers. A terminal
interprets C0/C1 control characters (``ESC [ 31 m`` recolours, ``ESC ] 0 ;`` rewrites the window title,
``ESC c`` resets it) and bidirectional overrides reorder what is shown, so each becomes its escape
sequence (``\\x1b``, ``\\u202e``) before anything is printed. Line breaks and tabs stay as they are.
"""

from __future__ import annotations

#: Kept as they are: they lay text out and move nothing else.
_KEPT = {"\n", "\t"}
#: Bidirectional embeddings, overrides and isolates: they reorder the characters a terminal shows.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
_CONTROLS = [c for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in _KEPT]
_VISIBLE = str.maketrans({c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in [*_CONTROLS, *_BIDI]})


def visible(text: str) -> str:
    """``text`` with every control character and bidi override written as its escape (``\\x1b``)."""
    return text.translate(_VISIBLE)
