"""HTML templates for the invented outlets: head metadata, navigation, article, asides, comments, footer."""

from __future__ import annotations

import re
from html import escape

from corpus_render import (
    CAPTION_AFTER_PARAGRAPH,
    Article,
    byline,
    caption,
    group_comments,
    json_ld,
    page_title,
)

#: The time of day shown in a byline ("18.07.2024 10:40"), reused for the published_time metadata.
_CLOCK = re.compile(r"\b\d{2}:\d{2}\b")
DEFAULT_CLOCK = "09:00"


def _text(value: str) -> str:
    return escape(value, quote=False)


def head(spec: dict, site: dict, article: Article, title: str) -> list[str]:
    """The ``<head>``: title, Open Graph or JSON-LD metadata and the canonical link."""
    lines = [
        '<meta charset="utf-8">',
        f"<title>{_text(title)} | {_text(site['name'])}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    day_precision = spec.get("published") and len(spec["published"]) == len("2024-01-01")
    if site.get("meta") == "og":
        lines += [
            f'<meta property="og:title" content="{escape(title)}">',
            f'<meta property="og:site_name" content="{escape(site["name"])}">',
            '<meta property="og:type" content="article">',
        ]
        if day_precision:
            clock = _CLOCK.search(spec.get("date", ""))
            stamp = f"{spec['published']}T{clock.group(0) if clock else DEFAULT_CLOCK}:00{site['tz']}"
            lines.append(f'<meta property="article:published_time" content="{stamp}">')
    if site.get("meta") == "jsonld" and day_precision:
        lines.append(f'<script type="application/ld+json">{json_ld(spec, site, article, title)}</script>')
    if spec.get("canonical", True):
        lines.append(f'<link rel="canonical" href="{escape(spec["url"])}">')
    return ["<head>", *lines, "</head>"]


def header(site: dict) -> list[str]:
    """Cookie banner, current-date bar, logo and menu."""
    lines = []
    if site.get("skip"):
        lines.append(f'<a class="skip-link" href="#content">{_text(site["skip"])}</a>')
    if site.get("cookie"):
        lines.append(f'<div class="cookie-banner"><p>{_text(site["cookie"])}</p></div>')
    items = "".join(f'<li><a href="/{m.lower()}/">{_text(m)}</a></li>' for m in site["menu"])
    lines += [
        "<header>",
        f'<div class="topbar">{_text(site["topbar"])}</div>',
        f'<a class="logo" href="/">{_text(site["name"])}</a>',
        f"<nav><ul>{items}</ul></nav>",
        "</header>",
    ]
    return lines


def article_block(spec: dict, site: dict, article: Article, paragraphs: list[str]) -> list[str]:
    """The ``<article>``: headline, byline, credit, share bar, paragraphs with a photo."""
    lines = [
        '<article id="content">',
        f"<h1>{_text(page_title(spec, article))}</h1>",
        f'<p class="byline">{_text(byline(spec, site, article))}</p>',
    ]
    if spec.get("credit_pos") == "start":
        lines.append(f'<p class="credit">{_text(spec["credit"])}</p>')
    if site.get("share"):
        lines.append(
            '<div class="share">' + " ".join(f'<a href="#">{_text(s)}</a>' for s in site["share"]) + "</div>"
        )
    for index, paragraph in enumerate(paragraphs, start=1):
        lines.append(f"<p>{_text(paragraph)}</p>")
        photo = caption(spec, site)
        if index == CAPTION_AFTER_PARAGRAPH and photo:
            lines.append(
                f'<figure><img src="/media/photo-{index}.jpg" alt=""><figcaption>{_text(photo)}'
                "</figcaption></figure>"
            )
    if spec.get("credit_pos") == "end":
        lines.append(f'<p class="source">{_text(spec["credit"])}</p>')
    lines.append("</article>")
    return lines


def asides(site: dict) -> list[str]:
    """Donation and newsletter widgets, and the related-articles list with its dates."""
    lines = [f'<aside class="widget"><p>{_text(text)}</p></aside>' for text in site["after"]]
    if site.get("related"):
        items = "".join(
            f'<li><a href="#">{_text(h)}</a> <span class="date">{_text(d)}</span></li>'
            for h, d in site["related"]
        )
        heading = _text(site["related_heading"])
        lines.append(f'<aside class="related"><h3>{heading}</h3><ul>{items}</ul></aside>')
    return lines


def comment_div(site: dict, comment: list, replies: list[list]) -> str:
    """One comment with its nested replies."""
    nested = "".join(comment_div(site, reply, []) for reply in replies)
    children = f'<div class="children">{nested}</div>' if nested else ""
    return (
        f'<div class="comment"><p class="comment-author">{_text(comment[0])}</p>'
        f'<p class="comment-date"><time>{_text(comment[1])}</time></p>'
        f'<div class="comment-body"><p>{_text(comment[2])}</p></div>'
        f'<a class="reply" href="#">{_text(site["reply_marker"])}</a>{children}</div>'
    )


def comments_section(site: dict, comments: list[list], title: str) -> list[str]:
    """The reader comments as ``<section id="comments">`` with a reply form."""
    heading = site["comments_heading"].format(n=len(comments), title=title)
    lines = ['<section id="comments" class="comments-area">', f"<h3>{_text(heading)}</h3>"]
    lines += [comment_div(site, top, replies) for top, replies in group_comments(comments)]
    lines += [
        f"<h3>{_text(site['leave_reply'])}</h3>",
        '<form class="comment-form"><label>Name</label><input name="author">'
        '<label>Comment</label><textarea name="comment"></textarea><button>Post</button></form>',
        "</section>",
    ]
    return lines


def render_html(spec: dict, site: dict, article: Article, paragraphs: list[str], comments: list[list]) -> str:
    """A full HTML page for one article on one site."""
    title = page_title(spec, article)
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        *head(spec, site, article, title),
        "<body>",
        *header(site),
        "<main>",
        *article_block(spec, site, article, paragraphs),
        *asides(site),
    ]
    if comments:
        lines += comments_section(site, comments, title)
    footer = "".join(f"<p>{_text(line)}</p>" for line in site["footer"])
    lines += ["</main>", f"<footer>{footer}</footer>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"
