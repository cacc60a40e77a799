"""A story's timeline: what happened, when, in a line from the reports, with every report that says it.

With events (the events stage), each event of the story is an entry: its date, the evidence sentence (or
shared passage inside it) most of its reports state, and its id. Without events, or beside them, entries
are the story's most central statement, dated by the date it states or else by the earliest publication
among the reports stating it, and the sentences that state their own date ("on March 11", "in 2014").
A report that only repeats an entry is one more citation of it, never a new entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.link.dates import day_interval
from storyline.narrate.candidates import Candidate, StorySentences
from storyline.narrate.dates import earliest, parse_dated, sort_key, stated_date
from storyline.narrate.records import UNDATED, Dated, NarrateEvent, TimelineEntry
from storyline.narrate.summary import ranked, redundant

#: Entries per story at most; dated statements beyond the story's main one at most.
MAX_STORY_ENTRIES = 6
MAX_DATED_STATEMENTS = 4
#: Two dated statements of overlapping dates whose tf-idf cosine reaches this tell one happening in other
#: words ("agreed on Monday to give ..." / "signed an agreement on March 11 to provide ..."): one entry.
SAME_HAPPENING_COSINE = 0.25
#: How close a sentence every report of an event states must be to the event's evidence to stand for it.
RELATED_COSINE = 0.1
#: Event flags whose events did not happen (PLOVER auxiliary modes): not timeline entries.
UNHAPPENED_FLAGS = frozenset({"hypothetical", "negation"})


def entry_order(entry: TimelineEntry) -> tuple[object, ...]:
    """Timeline order: by date (undated last), then text, so equal inputs give equal timelines."""
    return (*sort_key(entry.date), entry.date.estimated, entry.text, entry.event_id or "")


def _published_date(documents: Sequence[str], published: Mapping[str, Dated]) -> Dated:
    """The earliest publication of the reports stating something: the latest it can have happened."""
    return earliest([published.get(d, UNDATED) for d in documents])


def _statement_date(candidate: Candidate, published: Mapping[str, Dated]) -> Dated | None:
    origin = published.get(candidate.origin.document, UNDATED)
    return stated_date(candidate.text, origin)


def _event_entry(
    event: NarrateEvent,
    sentences: StorySentences,
    published: Mapping[str, Dated],
    story_id: str | None,
) -> TimelineEntry | None:
    """The event as an entry, its text the one most of the event's reports state, cited by every report
    stating it.

    Options are the event's evidence sentences (and the candidates they carry), and — because each report
    codes the event from its own wording, so no evidence sentence may be stated by all of them — any
    candidate every reporting document states that is related to the evidence (tf-idf cosine at least
    ``RELATED_COSINE`` with an evidence candidate): a quote or wire sentence the reports share. Most
    reporting documents first, then evidence before related sentences, then score.
    """
    candidates = sentences.candidates
    marked = [i for i, c in enumerate(candidates) if event.id in c.event_ids]
    options: list[tuple[str, int, float]] = [(candidates[i].text, 1, candidates[i].score) for i in marked]
    options += [(e.text, 1, -1.0) for e in event.evidence if e.text.strip()]
    reported = set(event.documents)
    if marked and len(reported) > 1:
        related = sentences.cosines[:, marked].max(axis=1)
        options += [
            (c.text, 0, c.score)
            for i, c in enumerate(candidates)
            if i not in marked and related[i] >= RELATED_COSINE and reported <= set(c.documents)
        ]
    if not options:
        return None
    citing = sentences.citing([text for text, _, _ in options])
    best = max(
        range(len(options)),
        key=lambda i: (len(reported.intersection(citing[i])), options[i][1], len(citing[i]), options[i][2]),
    )
    documents = citing[best]
    if not documents:
        return None
    date = parse_dated(event.date, event.date_precision)
    if date.date is None:
        date = _published_date(documents, published)
    return TimelineEntry(date, options[best][0], documents, event.id, story_id)


def story_timeline(
    sentences: StorySentences,
    published: Mapping[str, Dated],
    events: Sequence[NarrateEvent] = (),
    story_id: str | None = None,
) -> list[TimelineEntry]:
    """The story's entries, sorted by date: its events (or else its main statement), the sentences that
    state their own date, then the lead of each report no entry cites yet (so every report of the story,
    dated or not, is on its timeline unless it only repeats what is there)."""
    entries: list[TimelineEntry] = []
    for event in sorted(events, key=lambda e: (-len(e.documents), -e.confidence, e.id)):
        entry = (
            None
            if UNHAPPENED_FLAGS & set(event.flags)
            else _event_entry(event, sentences, published, story_id)
        )
        if (
            entry is not None
            and len(entries) < MAX_STORY_ENTRIES
            and entry.text not in {e.text for e in entries}
        ):
            entries.append(entry)
    candidates = sentences.candidates
    used = {i: e.date for e in entries for i, c in enumerate(candidates) if c.text == e.text}
    order = ranked(sentences)

    def add(index: int, date: Dated) -> None:
        used[index] = date
        entries.append(
            TimelineEntry(date, candidates[index].text, list(candidates[index].documents), None, story_id)
        )

    if not entries and order:
        main = candidates[order[0]]
        add(order[0], _statement_date(main, published) or _published_date(main.documents, published))
    dated = 0
    for index in order:
        date = _statement_date(candidates[index], published)
        if len(entries) >= MAX_STORY_ENTRIES or dated == MAX_DATED_STATEMENTS:
            break
        if date is not None and not _repeats(sentences, used, index, date):
            add(index, date)
            dated += 1
    for report in _uncited_reports(candidates, entries):
        lead = next((i for i in order if candidates[i].origin.document == report), None)
        if len(entries) >= MAX_STORY_ENTRIES or lead is None:
            break
        date = _statement_date(candidates[lead], published) or _published_date(
            candidates[lead].documents, published
        )
        if not _repeats(sentences, used, lead, date):
            add(lead, date)
    return sorted(entries, key=entry_order)


def _uncited_reports(candidates: Sequence[Candidate], entries: Sequence[TimelineEntry]) -> list[str]:
    """Reports that supply candidates but that no entry cites, in the order their first candidate comes."""
    cited = {d for e in entries for d in e.documents}
    return list(dict.fromkeys(c.origin.document for c in candidates if c.origin.document not in cited))


def _repeats(sentences: StorySentences, used: Mapping[int, Dated], index: int, date: Dated) -> bool:
    """Whether candidate ``index`` is already an entry, repeats one, or tells the happening of an entry of
    an overlapping date in other words."""
    if index in used or redundant(sentences, list(used), index):
        return True
    return any(_same_happening(sentences, index, other, date, when) for other, when in used.items())


def _same_happening(sentences: StorySentences, first: int, second: int, date: Dated, other: Dated) -> bool:
    """Whether two candidates of overlapping dates (an unknown date overlaps any) tell the same happening."""
    a, b = day_interval(date.date), day_interval(other.date)
    if a is not None and b is not None and (a[1] < b[0] or b[1] < a[0]):
        return False
    return float(sentences.cosines[first, second]) >= SAME_HAPPENING_COSINE


def merge_timelines(timelines: Sequence[Sequence[TimelineEntry]]) -> list[TimelineEntry]:
    """One sorted timeline of several stories' entries (a thread's)."""
    return sorted((entry for timeline in timelines for entry in timeline), key=entry_order)


__all__ = ["Dated", "entry_order", "merge_timelines", "story_timeline"]
