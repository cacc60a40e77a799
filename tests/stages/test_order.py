"""Stages declare what they need and produce; the shipped order satisfies every need, a wrong one fails."""

from __future__ import annotations

import pytest

from storyline.run.corpus import CORPUS_STAGES
from storyline.stages import INGESTED_FIELDS, check_order, document


def test_the_shipped_stage_order_is_sound() -> None:
    check_order([document.STAGE, *(stage.info for stage in CORPUS_STAGES)], INGESTED_FIELDS)


def test_a_stage_before_what_it_needs_is_refused() -> None:
    link = next(stage.info for stage in CORPUS_STAGES if stage.name == "link")
    with pytest.raises(RuntimeError, match="stage 'link' needs"):
        check_order([document.STAGE, link], INGESTED_FIELDS)
