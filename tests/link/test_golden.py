"""The five golden pages: one thread of four stories, and the quote shared by 000 and 001.

Bodies are the expected body lines (the real cleaner is tested elsewhere); dates come from published_ok,
outlets from outlet_any. Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline
from storyline.link import LinkDoc, assign_stories, assign_threads, find_shared_passages, story_of
from storyline.link.records import Story

EXPECTED = Path(__file__).resolve().parents[2] / ".." / "shared" / "golden" / "expected.json"


def _golden() -> dict:  # type: ignore[type-arg]
    if not EXPECTED.exists():
        pytest.skip("../shared/golden is absent")
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def _docs(gold: dict, undated: frozenset[str] = frozenset()) -> list[LinkDoc]:  # type: ignore[type-arg]
    docs = []
    for seq, (name, page) in enumerate(sorted(gold["documents"].items())):
        published = max((d for d in page["published_ok"] if d), key=len, default=None)
        docs.append(
            LinkDoc(
                id=name,
                seq=seq,
                text="\n\n".join(page["body_lines"]),
                title=page["title"],
                published=None if name[:3] in undated else published,
                outlet=page["outlet_any"][0],
            )
        )
    return docs


def _check_story_pairs(gold: dict, stories: list[Story]) -> None:  # type: ignore[type-arg]
    story = story_of(stories)
    for first, second in gold["stories"]["same_story"]:
        assert story[first] == story[second]
    for first, second in gold["stories"]["different_story"]:
        assert story[first] != story[second]


def test_golden_shared_quote_is_a_quote_passage_of_000_and_001() -> None:
    gold = _golden()
    docs = _docs(gold)
    passages = find_shared_passages(docs)
    for expected in gold["shared_passages"]:
        want = set(expected["text"].casefold().replace("[", " ").replace("]", " ").split())
        hits = [
            p
            for p in passages
            if set(expected["documents"]) <= set(p.documents)
            and len(want & set(p.text.casefold().replace("[", " ").replace("]", " ").split()))
            >= 0.8 * len(want)
        ]
        assert hits and hits[0].kind == "quote"
        text_of = {d.id: d.text for d in docs}
        for doc_id, spans in hits[0].spans.items():
            start, end = spans[0]
            assert " ".join(text_of[doc_id][start:end].split()) == hits[0].text


def test_golden_four_stories_in_one_thread_with_dates() -> None:
    gold = _golden()
    docs = _docs(gold)
    stories = assign_stories(docs)
    _check_story_pairs(gold, stories)
    assert len(stories) == 4
    threads = assign_threads(stories, docs)
    assert len(threads) == 1 and len(threads[0].stories) == 4


@pytest.mark.parametrize("undated", [frozenset({"003"}), frozenset({"001", "003", "004"})])
def test_golden_story_pairs_hold_when_pages_are_undated(undated: frozenset[str]) -> None:
    gold = _golden()
    docs = _docs(gold, undated=undated)
    stories = assign_stories(docs)
    _check_story_pairs(gold, stories)
    assert len(assign_threads(stories, docs)) == 1


def test_golden_pages_through_the_pipeline_are_one_thread(tmp_path: Path) -> None:
    """With the entity stage's entities and types (not only the bare link logic), still one thread."""
    docs_dir = EXPECTED.parent / "docs"
    if not docs_dir.is_dir():
        pytest.skip("../shared/golden is absent")
    with storyline.open(tmp_path / "golden.db") as sl:
        sl.run([docs_dir])
        rows = list(sl.store.documents())
        threads = list(sl.store.records("threads"))
    assert len(rows) == len(list(docs_dir.glob("*.txt")))
    assert all(row["thread_id"] for row in rows)
    assert len({row["thread_id"] for row in rows}) == 1
    assert len(threads) == 1
