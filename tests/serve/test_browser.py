"""The web UI in a real browser: Playwright drives Debian's chromium (never `playwright install`) against the
live test server. A person searches, opens a document, a story and an entity; hostile pages run nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .pages import IMG_OUTLET, SCRIPT_TITLE

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-first-run",
]


def chromium_path() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("Debian's chromium is not installed (`apt-get install chromium`; .ci/run installs it)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True
        )
        yield launched
        launched.close()


class Watched:
    """A page with every dialog, console error and uncaught script error it raised recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    tab = Watched(browser)
    yield tab
    tab.context.close()


def test_search_open_a_document_a_story_and_an_entity(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(f"{live_server}/")
    page.fill("#q", "bridge")
    page.press("#q", "Enter")
    page.wait_for_url("**q=bridge**")
    results = page.locator("li.doc a.title")
    assert results.count() == 2
    assert "Marrow Bridge" in results.first.inner_text()
    assert page.locator("mark").first.inner_text().lower() == "bridge"
    page.wait_for_selector("#volume-chart canvas")  # the volume chart was drawn (uPlot, vendored)
    assert "Tessaly Times" in page.locator("aside.facets").inner_text()

    page.locator("aside.facets a", has_text="Vell Valley Post").click()
    page.wait_for_url("**outlet=Vell**")
    assert page.locator("li.doc").count() == 1

    page.locator("li.doc a.title").first.click()
    page.wait_for_selector("article.document h1")
    assert page.locator("h1").inner_text() == "Marrow Bridge opens to traffic in Tessaly"
    assert page.locator(".text a.ent", has_text="Lindqvist").count() >= 1
    assert page.locator(".text q.quote").count() >= 1
    assert "Vell Valley Post" in page.locator("aside.side").inner_text()
    removed = page.locator("details.removed")
    assert not removed.evaluate("d => d.open")
    removed.locator("summary").click()
    assert removed.evaluate("d => d.open")
    page.wait_for_selector("details.removed table.removed-table, details.removed p.muted")  # htmx loaded it

    page.locator("p.context a").first.click()  # the story
    page.wait_for_selector("article.story")
    assert (
        "Mayor Hedda Lindqvist opened the new Marrow Bridge" in page.locator("section.summary").inner_text()
    )
    assert page.locator("section.summary .cites a").count() == 2

    page.locator("table.grid a", has_text="Lindqvist").first.click()  # the event's actor: an entity
    page.wait_for_selector("article.entity")
    assert "Lindqvist" in page.locator("h1").inner_text()
    assert page.locator("figure.timeline svg rect.bar").count() >= 1
    assert "Aliases, and why each was merged" in page.inner_text("article.entity")
    assert watched.dialogs == [] and watched.errors == []


def test_hostile_pages_run_nothing(watched: Watched, live_server: str) -> None:
    page = watched.page
    page.goto(f"{live_server}/?q=storm")
    assert SCRIPT_TITLE in page.locator("li.doc a.title").first.inner_text()  # shown as text
    page.locator("li.doc a.title").first.click()
    page.wait_for_selector("article.document h1")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    assert "<img src=x onerror=alert('body')>" in page.locator(".text").inner_text()
    assert IMG_OUTLET in page.locator("aside.side").inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("img").count() == 0
    page.locator("details.removed summary").click()
    page.wait_for_selector("details.removed table.removed-table, details.removed p.muted")
    for url in ["/events", "/entities", "/quotes", f"/?outlet={IMG_OUTLET}", "/stories", "/threads"]:
        page.goto(f"{live_server}{url}")
        page.wait_for_load_state("load")
    page.goto(f"{live_server}/events")
    assert "<script>alert('actor')</script>" in page.inner_text("table")
    assert watched.dialogs == [], watched.dialogs
    assert watched.errors == [], watched.errors
