"""Screenshots of the web UI's main pages for the README and docs/serve.md.

Runs the pipeline on the bundled sample corpus (our own invented pages) into a temporary database, serves it
on a free loopback port and photographs each page with Playwright driving Debian's chromium (the browser
tests' setup; `playwright install` is never run). Writes PNGs beside this script:

    PYTHONPATH=src .venv/bin/python docs/screenshots/make.py [--db EXISTING.db]
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn

import storyline
from storyline.serve import create_app

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="serve this database instead of building one from samples/")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-shots-"))
    db = args.db
    if db is None:
        db = work / "sample.db"
        with storyline.open(db) as sl:
            print(sl.run([REPO / "samples" / "corpus"]).summary())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    story = _get(f"{base}/api/stories?limit=1")["items"][0]
    thread = max(_get(f"{base}/api/threads?limit=50")["items"], key=lambda t: len(t["stories"]))
    person = _get(f"{base}/api/entities?type=PERSON&limit=1")["items"][0]
    busiest = max(
        _get(f"{base}/api/documents?limit=50&sort=ingested")["items"],
        key=lambda d: len(_get(f"{base}/api/documents/{d['id']}")["segments"]),
    )
    pages = {
        "search": "/?q=protest OR border",
        "document": f"/documents/{busiest['id']}",
        "story": f"/stories/{story['id']}",
        "thread": f"/threads/{thread['id']}",
        "entity": f"/entities/{person['id']}",
        "events": "/events",
    }
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
        for name, path in pages.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(HERE / f"{name}.png"), full_page=False)
            print(f"wrote {HERE / f'{name}.png'} ({path})")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
