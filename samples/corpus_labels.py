"""Build ``samples/labels.json`` from the rendered pages: what a perfect pipeline finds in the corpus."""

from __future__ import annotations

import html
import itertools
import re

from corpus_render import Built, story_of

ABOUT = (
    "Labels of Storyline's invented sample corpus (samples/corpus). Pages are keyed by URL where "
    "the container gives one (WARC/WET target URI, JSONL url, feed entry link, HTML canonical link), "
    "else by the file's base name. Everything in the corpus is invented; see samples/README.md."
)
#: Sites that re-publish other outlets' articles with a credit line.
AGGREGATOR_SITES = {"newshub", "digest"}
CONTAINER_FILES = {
    "warc": "warc/crawl-20241119.warc.gz",
    "wet": "wet/crawl-20241119.warc.wet.gz",
    "rss": "feeds/cawire.xml",
    "atom": "feeds/eurasia-monitor.atom",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”]?\s+(?=[A-Z\"“])")

THREADS = {"border-security": ["aid-deal", "border-clash"]}
QUOTES = [
    (
        "A secure Kyrgyz border is a secure Kazakh border, and we will not leave our neighbours to face this "
        "threat alone",
        "Alexei Voronov",
    ),
    (
        "Tajikistan's people are our brothers, and when water comes into their homes it comes into ours",
        "Marat Iskakov",
    ),
]
ENTITIES = {
    "same": [
        ["Alexei Voronov", "Aleksey Voronov", "Voronov"],
        ["Rustam Nazarov", "Nazarov"],
        ["Rustana Nazarova", "Nazarova"],
        ["Mountain Wolves Brigade", "MWB", "Too Boruleri", "Mountain Wolves"],
        ["Farhod Umarov", "Umarov"],
        ["Party of Democratic Renewal", "PDR"],
        ["Jamshed Karimov", "Karimov"],
        ["Marat Iskakov", "Iskakov"],
        ["Yerlan Abenov", "Abenov"],
    ],
    "different": [
        ["Rustam Nazarov", "Rustana Nazarova"],
        ["National Defence Council", "Northern Development Corporation"],
    ],
    "acronyms_by_story": {
        "aid-deal": {"NDC": "National Defence Council", "MWB": "Mountain Wolves Brigade"},
        "border-clash": {"MWB": "Mountain Wolves Brigade"},
        "opposition-arrest": {"PDR": "Party of Democratic Renewal"},
        "flood-relief": {"NDC": "Northern Development Corporation"},
    },
}
EVENTS = [
    (
        "aid-deal",
        "AID",
        "KAZ",
        "KGZ",
        "2024-03-11",
        "Kazakhstan agreed to give Kyrgyzstan $40 million in military aid (signed in Astana)",
    ),
    (
        "border-clash",
        "FIGHT",
        "TJK",
        "KGZ",
        "2024-07-18",
        "Tajik border guards opened fire on a Kyrgyz border patrol near Sary-Tokoy, Batken region",
    ),
    (
        "opposition-arrest",
        "COERCE",
        "TJK",
        "TJK",
        "2024-04-23",
        "Tajik police detained opposition leader Farhod Umarov in Dushanbe",
    ),
    (
        "protest",
        "PROTEST",
        "KAZ",
        "KAZ",
        "2024-05-20",
        "Thousands of drivers protested in Almaty against a diesel tax rise",
    ),
    (
        "flood-relief",
        "AID",
        "KAZ",
        "TJK",
        "2024-05-14",
        "Kazakhstan flew relief supplies to flood-hit Khatlon, Tajikistan",
    ),
]


def first_sentence(paragraph: str) -> str:
    """The first sentence of a paragraph."""
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0]


def is_text_form(spec: dict) -> bool:
    """Whether the page is visible text (else HTML or a feed entry)."""
    return spec["container"] in {"text", "wet"} or spec.get("field") == "text"


def chrome_snippets(spec: dict, site: dict) -> list[str]:
    """Template lines of the page's site that a cleaner must drop."""
    if spec["container"] in {"rss", "atom"}:
        return []
    share = site.get("share")
    if is_text_form(spec):
        candidates = [site["top"][-1], " | ".join(share) if isinstance(share, list) else share]
    else:
        candidates = [site.get("cookie"), share[0] if share else None]
    candidates += [site["after"][0] if site["after"] else None, site["footer"][0]]
    if site.get("related"):
        candidates.append(site["related"][0][0])
    return [c for c in candidates if c]


def page_label(page: Built, sites: dict, comments: dict) -> dict:
    """The label of one page."""
    spec = page.spec
    site = sites[spec["site"]]
    aggregator = site["name"] if spec["site"] in AGGREGATOR_SITES else None
    return {
        "file": CONTAINER_FILES.get(spec["container"], spec.get("file")),
        "format": spec["container"],
        **({"encoding": spec.get("encoding", "utf-8")} if spec["container"] == "text" else {}),
        "outlet": spec.get("outlet", site["name"]),
        "aggregator": aggregator,
        "title": page.title,
        "published": spec["published"],
        "language": "en",
        "story": story_of(spec["body"]),
        "body_snippets": [first_sentence(page.paragraphs[1]), first_sentence(page.paragraphs[-1])],
        "chrome_snippets": chrome_snippets(spec, site),
        "comment_snippets": [c[2] for c in comments.get(spec.get("comments", ""), [])],
    }


def pair_kind(a: Built, b: Built) -> str | None:
    """How two pages of the same body relate: the same page, the same body, or a re-publication."""
    if a.spec["body"] != b.spec["body"]:
        return None
    origin_a, origin_b = a.spec.get("same_as", a.spec["id"]), b.spec.get("same_as", b.spec["id"])
    if origin_a == origin_b:
        return "same_page"
    return "exact_duplicates" if a.paragraphs == b.paragraphs else "near_duplicates"


def check_page(page: Built, label: dict) -> None:
    """Fail loudly when a snippet is not where the label says it is."""
    visible = html.unescape(page.content)
    for snippet in label["body_snippets"] + label["chrome_snippets"] + label["comment_snippets"]:
        assert snippet in visible, (page.key, snippet)
    for snippet in label["chrome_snippets"] + label["comment_snippets"]:
        assert all(snippet not in p for p in page.paragraphs), (page.key, snippet)


def build_labels(pages: list[Built], sites: dict, comments: dict) -> dict:
    """The whole labels document."""
    labels = {page.key: page_label(page, sites, comments) for page in pages}
    assert len(labels) == len(pages), "page keys must be unique"
    for page in pages:
        check_page(page, labels[page.key])
    document: dict = {"about": ABOUT, "pages": labels}
    for kind in ("same_page", "exact_duplicates", "near_duplicates"):
        document[kind] = []
    for a, b in itertools.combinations(pages, 2):
        kind = pair_kind(a, b)
        if kind:
            document[kind].append([a.key, b.key])
    stories: dict[str, list[str]] = {}
    for page in pages:
        if story_of(page.spec["body"]):
            stories.setdefault(story_of(page.spec["body"]), []).append(page.key)
    document["stories"] = stories
    document["threads"] = THREADS
    document["shared_quotes"] = [
        {
            "text": text,
            "speaker": speaker,
            "pages": [p.key for p in pages if any(text in para for para in p.paragraphs)],
        }
        for text, speaker in QUOTES
    ]
    document["entities"] = ENTITIES
    document["events"] = [
        {
            "story": story,
            "type": kind,
            "actor_country": actor,
            "target_country": target,
            "date": date,
            "summary": summary,
            "pages": stories[story],
        }
        for story, kind, actor, target, date, summary in EVENTS
    ]
    return document
