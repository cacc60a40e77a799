"""Stages: each declares what it needs and produces, and a version that keys what it stored."""

from __future__ import annotations

from dataclasses import dataclass

#: What ingest stores for every page: the first stage's inputs.
INGESTED_FIELDS: frozenset[str] = frozenset({"id", "seq", "source", "content", "kind", "url", "declared"})


@dataclass(frozen=True, slots=True)
class StageInfo:
    """A stage's declaration: its name, version, and the fields or tables it reads and writes."""

    name: str
    version: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]


def check_order(stages: list[StageInfo], available: set[str]) -> None:
    """Fail early when a stage needs something no earlier stage (or ingest) produces."""
    have = set(available)
    for stage in stages:
        missing = set(stage.requires) - have
        if missing:
            raise RuntimeError(
                f"stage {stage.name!r} needs {sorted(missing)}, which no earlier stage produces"
            )
        have |= set(stage.produces)
