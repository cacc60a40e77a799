"""Records as plain data (``dataclasses.asdict``'s result), made several times faster.

``asdict`` walks every value through ``copy.deepcopy`` and looks each class's fields up again for every
object; a parsed document's analysis (~35 mentions, quotes, a candidate per sentence) took ~1.2 ms, paid in
the extract stage's parent for every document while both workers parse. Here field names are read once per
class and values that are not containers or records (strings, numbers, None) are returned as they are, as
``deepcopy`` returns them; the result equals ``asdict``'s (a test compares them).
"""

from __future__ import annotations

import copy
from dataclasses import fields, is_dataclass
from typing import Any

#: Each record class's field names, read once.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_ATOMS = (str, int, float, bool, type(None))


def _names(cls: type) -> tuple[str, ...] | None:
    names = _FIELD_NAMES.get(cls)
    if names is None and is_dataclass(cls):
        names = _FIELD_NAMES[cls] = tuple(field.name for field in fields(cls))
    return names


def plain(value: Any) -> Any:
    """``dataclasses.asdict(value)`` for a record, and the same conversion for anything it holds, by
    ``asdict``'s rules: records become dicts, lists, tuples (named ones too) and dicts keep their type with
    their items converted, anything else is deep-copied; strings, numbers and None are returned as they are
    (what ``deepcopy`` returns for them)."""
    if isinstance(value, _ATOMS):
        return value
    names = _names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*[plain(item) for item in value])
    if isinstance(value, (list, tuple)):
        return type(value)(plain(item) for item in value)
    if isinstance(value, dict):
        return type(value)((plain(key), plain(item)) for key, item in value.items())
    return copy.deepcopy(value)
