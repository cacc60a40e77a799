"""benchmarks/parse_blas.py, run for real on a few texts: every configuration timed, the analyses compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.benchmark_path import BENCHMARKS

TEXTS = [
    "The army said on Monday that rebels had left the valley near Goma.",
    '"We will rebuild the bridge," the mayor, John Smith, told reporters in Kyiv on Tuesday.',
    "President Ada Lovelace met Prime Minister Charles Babbage in Paris.",
    "Floods closed schools across the region, officials said.",
]


def test_parse_blas_times_every_configuration_and_compares_the_analyses(tmp_path: Path) -> None:
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps({"text": text}) + "\n" for text in TEXTS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(BENCHMARKS.parent / "src")}
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "parse_blas.py"), "--jsonl", str(corpus), "--rounds", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("4 documents")
    for config in ("analysis:blis", "analysis:blas", "reference:blis", "reference:blas"):
        assert any(line.strip().startswith(config + "  rounds") for line in lines), config
    assert lines[-1] == "analyses equal under blis and BLAS products: 4 of 4 documents"
