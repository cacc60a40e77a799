"""The Python API end to end on small files: ingest, run, export; idempotency as a property."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storyline

BODY = "The council approved the new bridge on Monday after a long debate, the mayor said."


def write_corpus(root: Path, texts: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts):
        (root / f"page{n}.txt").write_text(text, encoding="utf-8")


def test_public_api_is_pinned() -> None:
    assert sorted(storyline.__all__) == sorted(
        [
            "DEFAULT_DB",
            "Article",
            "Description",
            "IngestReport",
            "RawPage",
            "ReadError",
            "RemovedBlock",
            "RunReport",
            "Storyline",
            "__version__",
            "open",
        ]
    )
    for name in storyline.__all__:
        assert hasattr(storyline, name)


def test_run_then_export_every_format(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", [BODY, BODY + " Work starts in May.", BODY])
    with storyline.open(tmp_path / "s.db") as sl:
        report = sl.run([tmp_path / "in"])
        assert (report.ingest.new, report.ingest.already_stored) == (2, 1)
        for fmt in ("jsonl", "csv", "parquet"):
            files = sl.export(tmp_path / fmt, fmt)
            assert files[0].name == f"documents.{fmt}"
    rows = [json.loads(line) for line in (tmp_path / "jsonl" / "documents.jsonl").read_text().splitlines()]
    assert len(rows) == 2
    assert {"id", "source", "text", "content_hash", "comments"} <= set(rows[0])
    assert pq.read_table(tmp_path / "parquet" / "documents.parquet").num_rows == 2
    header = (tmp_path / "csv" / "documents.csv").read_text().splitlines()[0]
    assert header.startswith("id,source,url")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.text(
            alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="{<"),
            min_size=1,
            max_size=60,
        ).filter(lambda t: t.strip()),
        min_size=1,
        max_size=6,
    ),
    repeat=st.integers(min_value=1, max_value=3),
)
def test_ingesting_again_changes_nothing(tmp_path_factory, texts: list[str], repeat: int) -> None:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "in", texts)
    with storyline.open(root / "s.db") as sl:
        first = sl.ingest([root / "in"])
        before = list(sl.store.documents())
        for _ in range(repeat):
            again = sl.ingest([root / "in"])
            assert again.new == 0
            assert again.already_stored == first.seen
        assert list(sl.store.documents()) == before
    distinct = {t.replace("\r\n", "\n").replace("\r", "\n").strip() for t in texts}
    assert first.new == len(distinct)
