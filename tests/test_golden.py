"""The pipeline on the five golden pages, scored by ../shared/eval/score_golden.py.

REACHED lists every check the project has reached; it only ever grows. The test skips cleanly where
../shared is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import storyline

GOLDEN_DOCS = [
    "000_a1386c2a28fd740d.txt",
    "001_b8db5a6fd108dc55.txt",
    "002_0ca65163ebc42c4a.txt",
    "003_d32d8374747c040e.txt",
    "004_3dfa904fa0e8a14b.txt",
]
PER_DOCUMENT_REACHED = ["exported", "body kept"]
CORPUS_REACHED: list[str] = []
REACHED = [f"{doc}: {check}" for doc in GOLDEN_DOCS for check in PER_DOCUMENT_REACHED] + CORPUS_REACHED


@pytest.fixture(scope="module")
def golden_checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    if not (shared / "golden" / "docs").is_dir():
        pytest.skip("../shared is not present beside the repository")
    work = tmp_path_factory.mktemp("golden")
    with storyline.open(work / "golden.db") as sl:
        report = sl.run([shared / "golden" / "docs"])
        assert not report.ingest.errors
        sl.export(work / "export", "jsonl")
    scored = subprocess.run(
        [sys.executable, str(shared / "eval" / "score_golden.py"), str(work / "export"), "--json"],
        capture_output=True,
        text=True,
    )
    checks = json.loads(scored.stdout.rsplit("\ngolden:", 1)[0])  # the scorer ends with a summary line
    return {c["check"]: c for c in checks}


@pytest.mark.parametrize("check", REACHED)
def test_golden_check_passes(golden_checks: dict[str, dict], check: str) -> None:
    assert check in golden_checks, f"scorer has no check named {check!r}"
    assert golden_checks[check]["ok"], golden_checks[check]["detail"]
