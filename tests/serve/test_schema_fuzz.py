"""schemathesis against /openapi.json: generated requests for every operation, zero server errors.

The case count is kept small so the run takes seconds; both valid and invalid values (schemathesis's
negative mode) are drawn for every parameter of every operation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from storyline.serve import create_app

#: Cases per operation and generation mode.
CASES = 6


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(served_db: Path, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(served_db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    fuzzed = 0
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and ("{" in operation.path or not operation.query):
            continue  # an unconstrained path string or no parameter at all: no invalid request exists

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=CASES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        check()
        fuzzed += 1
    assert fuzzed >= 10
