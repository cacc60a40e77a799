"""Records as plain data: ``storyline.plain`` gives what ``dataclasses.asdict`` gives, types included."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from tests.extract.conftest import Analyse

from storyline.extract.records import analysis_to_dict
from storyline.plain import plain


def _same(ours: Any, theirs: Any) -> bool:
    """Equal, and of the same type all the way down (a tuple is not a list here)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(_same(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, (list, tuple)):
        return len(ours) == len(theirs) and all(map(_same, ours, theirs))
    return bool(ours == theirs)


class Span(NamedTuple):
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    titles: tuple[str, ...] = ()


@dataclass
class Report:
    outlet: str | None
    speakers: list[Speaker]
    spans: tuple[Span, ...]
    scores: dict[str, float] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    nested: list[tuple[Speaker, int]] = field(default_factory=list)


def test_plain_equals_asdict_on_nested_records() -> None:
    report = Report(
        "Kaldera Gazette",
        [Speaker("Mira Dorow", ("councillor",)), Speaker("Lars Brandt")],
        (Span(0, 4), Span(10, 22)),
        {"Brenfield": 0.5, "Varnhold": 1.0},
        frozenset({"harbour", "ferry"}),
        [(Speaker("Olga Novak"), 3)],
    )
    ours, theirs = plain(report), asdict(report)
    assert _same(ours, theirs)
    assert ours["speakers"][0] == {"name": "Mira Dorow", "titles": ("councillor",)}
    assert ours["tags"] is not report.tags  # deep-copied, as asdict does


def test_a_parsed_analysis_converts_as_asdict_converts_it(analyse: Analyse) -> None:
    (analysis,) = analyse(
        "The Brenfield Harbour Authority (BHA) said on Tuesday the ferry terminal would wait a year. "
        '"We cannot build on a budget nobody has seen," said councillor Mira Dorow. '
        "Police arrested two protesters outside the Kaldera town hall."
    )
    assert analysis.mentions and analysis.quotes and analysis.events
    assert _same(analysis_to_dict(analysis), asdict(analysis))
