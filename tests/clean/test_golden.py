"""The five golden pages: body kept, chrome and comments out, comments apart, good candidates.

Reads ../shared/golden (beside the repository); skipped when it is absent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from storyline.clean import clean_page
from storyline.ids import page_id
from storyline.model import Article, RawPage

GOLDEN = Path(__file__).resolve().parents[2] / ".." / "shared" / "golden"
#: Minimum length from which a leaked line is looked for anywhere in the text (the scorer's rule).
SUBSTRING_CHARS = 40
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})

pytestmark = pytest.mark.skipif(not (GOLDEN / "expected.json").exists(), reason="shared golden data absent")


def norm(text: str) -> str:
    """Whitespace and quote normalisation as in the shared golden scorer."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().lower()


def leaked(line: str, article: Article) -> bool:
    """True when a line that must not be in the body is there."""
    n, text = norm(line), norm(article.text)
    if len(n) < 3:
        return False
    if len(n) >= SUBSTRING_CHARS:
        return n in text
    return n in {norm(x) for x in re.split(r"\n+", article.text) if x.strip()}


def cases() -> list[tuple[str, dict]]:
    if not (GOLDEN / "expected.json").exists():
        return []
    expected = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    return sorted(expected["documents"].items())


def clean(name: str) -> Article:
    content = (GOLDEN / "docs" / name).read_text(encoding="utf-8")
    return clean_page(RawPage(page_id(content), name, "text", content, "text"))


@pytest.mark.parametrize(("name", "gold"), cases())
def test_body_kept_and_noise_removed(name: str, gold: dict) -> None:
    article = clean(name)
    text = norm(article.text)
    missing = [line for line in gold["body_lines"] if norm(line) not in text]
    assert not missing, missing
    assert not [line for line in gold["chrome_lines"] if leaked(line, article)]
    assert not [line for line in gold["comment_lines"] if leaked(line, article)]


@pytest.mark.parametrize(("name", "gold"), cases())
def test_comments_go_to_comments(name: str, gold: dict) -> None:
    article = clean(name)
    comments = norm(" ".join(article.comments))
    long_comments = [line for line in gold["comment_lines"] if len(line) >= SUBSTRING_CHARS]
    assert all(norm(line) in comments for line in long_comments)


@pytest.mark.parametrize(("name", "gold"), cases())
def test_title_is_the_first_candidate(name: str, gold: dict) -> None:
    article = clean(name)
    assert article.title_candidates, "no title candidate"
    assert norm(article.title_candidates[0]) == norm(gold["title"])
