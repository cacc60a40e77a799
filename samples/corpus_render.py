"""Render invented articles into pages: site chrome around a body, as visible text or as HTML."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

#: Body files are named ``<story prefix>-<outlet>.txt``; the prefix names the story.
STORY_BY_PREFIX = {
    "ad": "aid-deal",
    "bc": "border-clash",
    "oa": "opposition-arrest",
    "pr": "protest",
    "fr": "flood-relief",
}
#: The subject of the photo placed after the second paragraph of each story's pages.
CAPTION_BY_STORY = {
    "aid-deal": "Armoured personnel carriers at a military parade.",
    "border-clash": "A border post in the Batken region.",
    "opposition-arrest": "Farhod Umarov speaking at a party meeting.",
    "protest": "Trucks parked along a city avenue.",
    "flood-relief": "A flooded street in the Khatlon region.",
}
CAPTION_AFTER_PARAGRAPH = 2  # photos sit after the second paragraph, as in most news templates
# A leading dateline ("ASTANA, July 19 (Steppe Herald) - "), replaced when an aggregator adds its credit.
_DATELINE = re.compile(r"^[A-Z][A-Z/ ]+(, [A-Z][a-z]+ \d{1,2})?( \([^)]*\))? - ")


@dataclass(frozen=True)
class Article:
    """One invented article: headline, author and paragraphs."""

    title: str
    author: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Built:
    """One rendered page: its spec, key, raw content and the paragraphs a cleaner must keep."""

    spec: dict
    key: str
    content: str
    paragraphs: list[str]
    title: str
    author: str


def load_articles(folder: Path) -> dict[str, Article]:
    """Read every ``<id>.txt`` (``title:``/``author:`` header, ``---``, paragraphs) in ``folder``."""
    articles = {}
    for path in sorted(folder.glob("*.txt")):
        header, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        articles[path.stem] = Article(fields["title"], fields["author"], paragraphs)
    return articles


def story_of(body_id: str) -> str | None:
    """The story a body belongs to, or None for pages outside every story."""
    return STORY_BY_PREFIX.get(body_id.split("-", 1)[0])


def curl_quotes(text: str) -> str:
    """Typographic quotes, as some CMSs print them (and cp1252 encodes them outside latin-1)."""
    text = text.replace("'", "’")
    parts = text.split('"')
    return "".join(part + ("“" if i % 2 == 0 else "”") for i, part in enumerate(parts[:-1])) + parts[-1]


def page_paragraphs(spec: dict, article: Article) -> list[str]:
    """The body paragraphs of one page: dropped or added paragraphs and a credit prefix applied."""
    paragraphs = [p for i, p in enumerate(article.paragraphs) if i not in spec.get("drop", [])]
    if spec.get("add"):
        paragraphs.append(spec["add"])
    if spec.get("credit_pos") == "prefix":
        paragraphs[0] = spec["credit"] + " " + _DATELINE.sub("", paragraphs[0])
    if spec.get("curly"):
        paragraphs = [curl_quotes(p) for p in paragraphs]
    return paragraphs


def page_title(spec: dict, article: Article) -> str:
    """The headline the page shows."""
    title = spec.get("title", article.title)
    return curl_quotes(title) if spec.get("curly") else title


def byline(spec: dict, site: dict, article: Article) -> str:
    """The byline under the headline, carrying the publication date where the page has one."""
    if spec.get("byline"):
        return spec["byline"]
    if not spec.get("date"):
        return f"By {article.author}"
    return site["byline"].format(author=article.author, date=spec["date"])


def caption(spec: dict, site: dict) -> str | None:
    """The photo caption for a story page (its date is an archive date, not the publication date)."""
    subject = CAPTION_BY_STORY.get(story_of(spec["body"]) or "")
    if subject is None or "photo" not in site:
        return None
    return f"{subject} {site['photo']}"


def group_comments(comments: list[list]) -> list[tuple[list, list[list]]]:
    """Top-level comments, each with the replies that answer it."""
    tops = [(c, []) for c in comments if c[3] is None]
    for comment in comments:
        if comment[3] is not None:
            next(replies for top, replies in tops if top[0] == comment[3]).append(comment)
    return tops


def render_text(spec: dict, site: dict, article: Article, paragraphs: list[str], comments: list[list]) -> str:
    """A page as a browser's "save as text" shows it: one block per line, blank lines between."""
    blocks = [*site["top"], page_title(spec, article), byline(spec, site, article)]
    if spec.get("credit_pos") == "start":
        blocks.append(spec["credit"])
    share = site.get("share")
    if share:
        blocks.append(" | ".join(share) if isinstance(share, list) else share)
    for index, paragraph in enumerate(paragraphs, start=1):
        blocks.append(paragraph)
        if index == CAPTION_AFTER_PARAGRAPH and caption(spec, site):
            blocks.append(caption(spec, site))
    if spec.get("credit_pos") == "end":
        blocks.append(spec["credit"])
    blocks += site["after"]
    if site.get("related"):
        blocks += [site["related_heading"], *(f"{h} — {d}" for h, d in site["related"])]
    if comments:
        blocks += text_comments(site, comments, page_title(spec, article))
    blocks += site["footer"]
    return "\n\n".join(blocks) + "\n"


def text_comments(site: dict, comments: list[list], title: str) -> list[str]:
    """The comment section as text blocks: heading, then name, date, text and reply marker per comment."""
    blocks = [site["comments_heading"].format(n=len(comments), title=title)]
    for top, replies in group_comments(comments):
        blocks += [top[0], top[1], top[2], site["reply_marker"]]
        for reply in replies:
            blocks += [f"↳ {reply[0]}", reply[1], reply[2], site["reply_marker"]]
    blocks.append(site["leave_reply"])
    return blocks


def feed_html(paragraphs: list[str]) -> str:
    """The article body as the HTML a feed entry carries."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def json_ld(spec: dict, site: dict, article: Article, title: str) -> str:
    """A schema.org NewsArticle block, as many CMSs put in the head."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": f"{spec['published']}T10:30:00{site['tz']}",
        "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": site["name"]},
        "mainEntityOfPage": spec["url"],
    }
    return json.dumps(data, ensure_ascii=False)
