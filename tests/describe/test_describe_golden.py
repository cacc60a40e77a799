"""The five golden pages: title, date, outlet and language, as ../shared/eval/score_golden.py checks them.

The clean stage is replaced by a simple stand-in built from the expectations (body lines kept, chrome and
comment lines removed with their labels), so these tests do not depend on the cleaner. A second run gives
the whole raw page as the body with no candidates, as a weak cleaner would.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from storyline.describe import describe_page
from storyline.model import Article, Description, RawPage, RemovedBlock

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
GOLDEN = SHARED / "golden"
SCORER = SHARED / "eval" / "score_golden.py"
RULES = Path(__file__).resolve().parents[2] / "src" / "storyline" / "describe"

if not (GOLDEN / "expected.json").exists() or not SCORER.exists():
    pytest.skip("shared golden data not present", allow_module_level=True)


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_golden", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = _scorer()
EXPECTED: dict[str, dict] = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))["documents"]


def _page(name: str) -> RawPage:
    text = (GOLDEN / "docs" / name).read_text(encoding="utf-8")
    return RawPage(id=name, source=name, kind="text", content=text, input_format="text")


def _stand_in_article(page: RawPage, expected: dict) -> Article:
    """Keep raw lines holding an expected body line; remove chrome and comment lines with labels."""
    norm = SCORE.norm
    body_keys = [norm(line) for line in expected["body_lines"]]
    labelled = [(norm(line), "chrome") for line in expected["chrome_lines"]]
    labelled += [(norm(line), "comment") for line in expected["comment_lines"]]
    body: list[str] = []
    removed: list[RemovedBlock] = []
    for line in (raw.strip() for raw in page.content.splitlines()):
        key = norm(line)
        if not key:
            continue
        if any(k in key for k in body_keys):
            body.append(line)
        elif label := next((lab for k, lab in labelled if k and (k == key or k in key)), None):
            removed.append(RemovedBlock(text=line, label=label, reason="stand-in cleaner"))
    return Article(text="\n".join(body), removed=removed, method="stand-in")


def _outlet_ok(description: Description, expected: dict) -> bool:
    outlet = SCORE.norm(description.outlet or "")
    accepted = [SCORE.norm(name) for name in expected["outlet_any"]]
    return any(name == outlet or (outlet and name in outlet) for name in accepted)


def _date_ok(description: Description, expected: dict) -> bool:
    return SCORE.date_ok(description.published, expected["published_ok"], expected["published_bad"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_page_with_stand_in_cleaner(name: str) -> None:
    expected = EXPECTED[name]
    page = _page(name)
    description = describe_page(page, _stand_in_article(page, expected))
    assert SCORE.norm(description.title or "") == SCORE.norm(expected["title"])
    assert _date_ok(description, expected), description.published
    assert _outlet_ok(description, expected), description.outlet
    assert (description.language or "").startswith(expected["language"])
    assert description.outlet_evidence


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_page_with_whole_page_as_body(name: str) -> None:
    expected = EXPECTED[name]
    page = _page(name)
    description = describe_page(page, Article(text=page.content))
    assert _date_ok(description, expected), description.published
    assert (description.language or "").startswith(expected["language"])


def test_rules_name_no_golden_site_or_headline() -> None:
    """General rules only: no outlet name or headline of the golden pages appears in the rule modules."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in RULES.glob("*.py"))
    names = {o for doc in EXPECTED.values() for o in doc["outlet_any"]}
    names |= {doc["title"] for doc in EXPECTED.values()}
    named = [name for name in names if re.search(rf"\b{re.escape(name)}\b", source, re.IGNORECASE)]
    assert not named
