"""Template lines learned from kept counts, pages added in batches, equal learning from every page at once."""

from __future__ import annotations

import random

from storyline.clean.templates import TemplateCounts, TemplateIndex

BANNER = "Spring subscription offer: half price for three months"
FOOTER = "Copyright Quillfield Courier. All rights reserved."
LATE = "Live: election night coverage from the Quillfield count"


def _pages() -> list[tuple[str, str]]:
    """Twenty pages of one invented site and six of another: a banner only the first four carry (template
    while the site is small, not once it has grown), a footer on all, a line only the last seven carry."""
    pages = []
    for n in range(20):
        lines = [f"Report {n}: the town council met on day {n} to discuss the harbour wall.", FOOTER]
        if n < 4:
            lines.insert(0, BANNER)
        if n >= 13:
            lines.insert(0, LATE)
        pages.append(("quillfield.example", "\n".join(lines)))
        if n % 3 == 0:
            pages.append(("otherton.example", f"Otherton news {n}\nSubscribe to Otherton\nMenu"))
    pages.append(("", "A page without a site\nMenu"))
    return pages


def test_counts_added_in_batches_learn_what_one_pass_learns() -> None:
    pages = _pages()
    shuffle = random.Random(3)
    for _ in range(6):
        counts = TemplateCounts()
        done = 0
        while done < len(pages):
            size = shuffle.randint(1, 6)
            counts.add(pages[done : done + size])
            counts = TemplateCounts.from_bytes(counts.to_bytes())  # kept in the store between runs
            done += size
            assert counts.index().to_json() == TemplateIndex.learn(pages[:done]).to_json(), done
    final = counts.index()
    assert final.is_template("quillfield.example", FOOTER)
    assert final.is_template("quillfield.example", LATE)
    assert not final.is_template("quillfield.example", BANNER)  # 4 of 20 pages: under the share


def test_a_banner_stops_being_template_as_its_site_grows() -> None:
    pages = _pages()
    counts = TemplateCounts()
    counts.add(pages[:5])
    assert counts.index().is_template("quillfield.example", BANNER)
    counts.add(pages[5:])
    assert not counts.index().is_template("quillfield.example", BANNER)
