"""Pages written for the serve tests: invented outlets, people and places, and one hostile page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Payloads a hostile page carries; each would run script if the UI rendered page text as markup.
SCRIPT_TITLE = "<script>alert('title')</script>Storm hits Brennick harbour"
IMG_OUTLET = "<img src=x onerror=alert('outlet')>Wharf Weekly"
JS_URL = "javascript:alert('url')"
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click") Brennick ferry fares rise'


def _html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


BRIDGE = [
    "Mayor Hedda Lindqvist opened the new Marrow Bridge in Tessaly on Tuesday, ending four years of detours for"
    " commuters crossing the Vell river.",
    '"This bridge joins two halves of one city," Lindqvist said at the ceremony, which drew several thousand'
    " residents.",
    "The Tessaly Transport Board said the crossing cost 84 million crowns and would carry 30,000 vehicles a day.",
    "Engineers from Corvane Works, the company that built the span, said the steel arch was the longest in the"
    " region.",
]
FERRY = [
    "Ferry operator Brennick Lines raised fares by twelve percent on Monday, blaming the cost of fuel.",
    '"We held prices for three years, and we cannot hold them any longer," said Brennick Lines chief Oskar'
    " Malm.",
    "Passenger groups in Brennick said they would protest outside the harbour office next week.",
]
STORM = [
    "A storm flooded the quays of Brennick harbour overnight, and the coast guard rescued two fishermen.",
    "&lt;img src=x onerror=alert('body')&gt; The harbour master, Ines Varga, said the damage was serious.",
    "&lt;script&gt;alert('body')&lt;/script&gt; Repairs to the sea wall will take a month, Varga said.",
]

PAGES: list[dict[str, Any]] = [
    {
        "url": "https://tessalytimes.example/2025/03/04/marrow-bridge-opens",
        "outlet": "Tessaly Times",
        "title": "Lindqvist opens the Marrow Bridge over the Vell",
        "published": "2025-03-04",
        "html": _html("Lindqvist opens the Marrow Bridge over the Vell", BRIDGE),
    },
    {
        "url": "https://vellvalleypost.example/news/bridge-ceremony",
        "outlet": "Vell Valley Post",
        "title": "Marrow Bridge opens to traffic in Tessaly",
        "published": "2025-03-05",
        "html": _html("Marrow Bridge opens to traffic in Tessaly", [*BRIDGE[:2], BRIDGE[3], BRIDGE[2]]),
    },
    {
        "url": "https://tessalytimes.example/2025/04/10/ferry-fares",
        "outlet": "Tessaly Times",
        "title": "Brennick Lines raises ferry fares by twelve percent",
        "published": "2025-04-10",
        "html": _html("Brennick Lines raises ferry fares by twelve percent", FERRY),
    },
    {
        "url": "https://coastcourier.example/ferry-fares-protest",
        "outlet": "Coast Courier",
        "title": FORMULA_TITLE,
        "published": "2025-04",
        "html": _html("Brennick ferry fares rise", FERRY[:2]),
    },
    {
        "url": JS_URL,
        "outlet": IMG_OUTLET,
        "title": SCRIPT_TITLE,
        "published": "2025-05-02",
        "html": _html("Storm hits Brennick harbour", STORM),
    },
]


def write_pages(folder: Path, pages: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pages.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    return path
