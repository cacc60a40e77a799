"""Tunable settings: declared once (each with a default and help, in its stage's options object), set by name.

Only the link stage has tunables so far (:class:`storyline.link.LinkSettings`); a ``KEY=VALUE`` override
from the command line or the API is checked against its fields and cast to the field's type.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: only a run or `storyline settings` reads the link settings
    from storyline.link.settings import LinkSettings


def link_settings(overrides: dict[str, Any] | None = None) -> LinkSettings:
    """Storyline's shipped link settings with ``overrides`` applied; unknown names raise ``ValueError``."""
    from storyline.link.settings import LinkSettings

    defaults = LinkSettings()
    known = {f.name: f for f in fields(LinkSettings)}
    unknown = sorted(set(overrides or {}) - set(known))
    if unknown:
        raise ValueError(f"unknown setting {', '.join(unknown)}; see `storyline settings`")
    cast = {
        name: _cast(name, value, type(getattr(defaults, name))) for name, value in (overrides or {}).items()
    }
    return replace(defaults, **cast)


_KIND_NAMES = {int: "a whole number", float: "a number", str: "a text", bool: "true or false"}


def _cast(name: str, value: Any, kind: type) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        wanted = _KIND_NAMES.get(kind, kind.__name__)
        raise ValueError(f"setting {name} needs {wanted}, got {value!r}") from exc


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=2"]`` as a mapping; a pair without ``=`` raises ``ValueError``."""
    parsed = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        parsed[name.strip()] = value.strip()
    return parsed


def describe_settings() -> list[tuple[str, Any, str]]:
    """Every tunable setting as ``(name, default, help)``."""
    from storyline.link.settings import LinkSettings

    defaults = LinkSettings()
    return [
        (f.name, getattr(defaults, f.name), str(f.metadata.get("help", ""))) for f in fields(LinkSettings)
    ]
