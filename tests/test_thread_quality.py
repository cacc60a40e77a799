"""The thread quality measure (benchmarks/thread_quality.py): pairwise agreement with partial labels."""

from __future__ import annotations

import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from tests.benchmark_path import benchmarks_on_path


@pytest.fixture(scope="module")
def quality() -> Iterator[ModuleType]:
    with benchmarks_on_path():
        import thread_quality

        yield thread_quality


def test_pairs_of_one_label_must_share_and_of_two_groups_must_not(quality: ModuleType) -> None:
    label = {"a": "x1", "b": "x1", "c": "x2", "d": "y1"}
    group = {"a": "x", "b": "x", "c": "x", "d": "y"}
    # a-b wanted and made; a-c and b-c (one group, two labels) not counted; c-d wrongly together.
    scores = quality.pair_scores({"a": "t1", "b": "t1", "c": "t1", "d": "t1"}, label, group)
    assert (scores.together, scores.wrong, scores.wanted) == (1, 3, 1)
    assert scores.precision == 0.25 and scores.recall == 1.0


def test_strict_precision_counts_pairs_of_one_group_with_two_labels_as_apart(quality: ModuleType) -> None:
    label = {"a": "x1", "b": "x1", "c": "x2", "d": "y1"}
    group = {"a": "x", "b": "x", "c": "x", "d": "y"}
    # a-c and b-c (one topic, two events) put together: not counted loosely, wrong strictly.
    scores = quality.pair_scores({"a": "t1", "b": "t1", "c": "t1", "d": "t2"}, label, group)
    assert (scores.undecided, scores.undecided_together) == (2, 2)
    assert scores.precision == 1.0 and scores.strict_precision == 1 / 3
    assert "strict P 0.333: 2 of 2 pairs of one group with two labels together" in str(scores)


def test_precision_is_not_given_where_no_pair_must_be_apart(quality: ModuleType) -> None:
    # Golden's one thread: nothing can be put together wrongly, so a precision of 1.000 would say nothing.
    scores = quality.pair_scores({"a": "t1", "b": "t2"}, {"a": "g", "b": "g"})
    assert scores.precision is None and scores.f1 is None
    assert str(scores).startswith("pairwise P n/a R 0.000 F1 n/a")


def test_a_document_without_a_thread_is_alone(quality: ModuleType) -> None:
    label = {"a": "x", "b": "x", "c": "y"}
    scores = quality.pair_scores({"a": None}, label)
    assert (scores.together, scores.wrong, scores.wanted) == (0, 0, 1)
    assert scores.recall == 0.0 and scores.f1 == 0.0


def test_counts_equal_a_count_pair_by_pair(quality: ModuleType) -> None:
    rng = random.Random(3)
    for _ in range(50):
        docs = [f"d{n}" for n in range(rng.randint(2, 30))]
        group = {d: rng.choice("AB") for d in docs}
        label = {d: group[d] + rng.choice("12") for d in docs}
        predicted = {d: rng.choice(["t1", "t2", "t3", None]) for d in docs}
        together = wrong = wanted = apart = undecided = undecided_together = 0
        for first, second in itertools.combinations(docs, 2):
            same = predicted[first] is not None and predicted[first] == predicted[second]
            if label[first] == label[second]:
                wanted += 1
                together += same
            elif group[first] != group[second]:
                apart += 1
                wrong += same
            else:
                undecided += 1
                undecided_together += same
        scores = quality.pair_scores(predicted, label, group)
        counted = (scores.together, scores.wrong, scores.wanted, scores.apart)
        assert counted == (together, wrong, wanted, apart)
        assert (scores.undecided, scores.undecided_together) == (undecided, undecided_together)


def test_copies_of_a_page_outside_every_story_share_a_label(quality: ModuleType) -> None:
    labels = {
        "pages": {
            "a.txt": {"story": "s1"},
            "https://x.example/b": {"story": None},
            "c.txt": {},
            "https://x.example/d": {"story": None},
        },
        "threads": {},
        "same_page": [],
        "exact_duplicates": [],
        "near_duplicates": [["https://x.example/b", "c.txt"]],
    }
    stored = [
        {"id": "A", "url": None, "source_keys": ["corpus/text/a.txt"]},
        {"id": "B", "url": "https://x.example/b", "source_keys": ["corpus/wet/x.wet.gz#3"]},
        {"id": "C", "url": None, "source_keys": ["corpus/text/c.txt"]},
        {"id": "D", "url": "https://x.example/d", "source_keys": ["corpus/wet/x.wet.gz#4"]},
        {"id": "E", "url": "https://unlabelled.example/e", "source_keys": []},
    ]
    label = quality.sample_labels(stored, labels)
    assert label["A"] == "s1"
    # Near duplicates of no story: putting them together is right.
    assert label["B"] == label["C"]
    assert len({label["A"], label["B"], label["D"], label["E"]}) == 4


def test_sets_are_made_again_when_a_skipped_set_appears(
    quality: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    golden = tmp_path / "golden.json"
    monkeypatch.setattr(quality, "GOLDEN", golden)
    monkeypatch.setattr(quality.story_quality, "DOCS", tmp_path / "docs.jsonl")

    def made(name: str) -> object:
        return quality.ThreadSet(name, [], [], {}, {}, {})

    monkeypatch.setattr(quality, "samples_set", lambda work: made("samples"))
    monkeypatch.setattr(quality, "golden_set", lambda: made("golden") if golden.exists() else None)
    monkeypatch.setattr(quality, "ecb_sets", lambda work: [])
    work = tmp_path / "work"
    work.mkdir()
    assert [s.name for s in quality.thread_sets(work, 0)] == ["samples"]
    printed = capsys.readouterr().out
    assert f"skipped golden: {golden} not found" in printed
    assert "skipped ecb+: " in printed
    golden.write_text("{}")
    assert [s.name for s in quality.thread_sets(work, 0)] == ["samples", "golden"]
    assert "skipped golden" not in capsys.readouterr().out


def test_a_label_spanning_two_groups_is_refused(quality: ModuleType) -> None:
    # The undecided pairs are counted as "one group, two labels": a label across groups would skew them.
    with pytest.raises(ValueError, match="spans two groups"):
        quality.pair_scores({}, {"a": "x1", "b": "x1"}, {"a": "x", "b": "y"})


def test_against_compares_with_another_versions_assignment(
    quality: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stories = [SimpleNamespace(documents=[doc]) for doc in "abcd"]
    monkeypatch.setattr(
        quality, "thread_sets", lambda work, generated: [quality.ThreadSet("s", [], stories, {}, {}, {})]
    )
    versions = iter(
        [{"a": "t1", "b": "t1", "c": "t2", "d": "t3"}, {"a": "u1", "b": "u1", "c": "u2", "d": "u2"}]
    )
    monkeypatch.setattr(quality, "threads_of", lambda thread_set: next(versions))
    before = tmp_path / "before.json"
    monkeypatch.setattr(sys, "argv", ["thread_quality", "--work", str(tmp_path / "w"), "--out", str(before)])
    quality.main()
    assert "against --against" not in capsys.readouterr().out
    monkeypatch.setattr(
        sys, "argv", ["thread_quality", "--work", str(tmp_path / "w"), "--against", str(before)]
    )
    quality.main()
    printed = capsys.readouterr().out
    # The thread ids differ but a and b still share one: only c and d, now together, moved.
    assert (
        "against --against: pairwise P 0.500 R 1.000 F1 0.667 (1 of 1 pairs together, 1 wrongly)" in printed
    )
    assert "stories whose thread membership differs: 2 of 4" in printed


def test_against_leaves_out_documents_the_other_version_did_not_place(
    quality: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The other version ran over a set without "e" (e.g. another --generated size), and placed "z".
    before = tmp_path / "before.json"
    before.write_text(json.dumps({"s": {"a": "t1", "b": "t1", "c": "t2", "z": "t2"}}))
    stories = [SimpleNamespace(documents=[doc]) for doc in "abce"]
    monkeypatch.setattr(
        quality, "thread_sets", lambda work, generated: [quality.ThreadSet("s", [], stories, {}, {}, {})]
    )
    monkeypatch.setattr(quality, "threads_of", lambda thread_set: {"a": "u", "b": "u", "c": "v", "e": "v"})
    monkeypatch.setattr(
        sys, "argv", ["thread_quality", "--work", str(tmp_path / "w"), "--against", str(before)]
    )
    quality.main()
    assert "stories whose thread membership differs: 0 of 3 (1 stories not in --against left out)" in (
        capsys.readouterr().out
    )
