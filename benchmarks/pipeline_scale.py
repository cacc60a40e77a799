"""The whole pipeline's speed and memory on generated corpora, beside two references measured in the same run.

Usage::

    PYTHONPATH=src python benchmarks/pipeline_scale.py [--sizes 1000,10000] [--formats html,text]
        [--engines local,ray] [--reference-docs 400] [--reference-products blis|blas] [--work DIR] [--seed 7]
        [--topup 1]
    PYTHONPATH=src python benchmarks/pipeline_scale.py --jsonl REPORTS.jsonl [--work DIR]   # real reports

For each size and format it writes a corpus of invented news articles (~670 words each; stories of one to
six reports that share people, organisations, places and quotes; 5% planted near duplicates; 2% in German,
which the entity model skips) as HTML pages with site chrome or as plain-text files, then runs
``storyline``'s pipeline over it in a fresh process per engine (so peak memory is that run's own) and prints
per stage: seconds and pages/s, the total wall time, the peak RSS of the main process and of the largest
worker. Two references run over the same corpus in the same session, each in two worker processes that
loaded their library before the clock started:

* trafilatura.extract alone over the HTML pages (HTML corpora only);
* spaCy ``en_core_web_sm`` with only ``tok2vec``, ``ner`` and ``parser`` over the articles' text.

The spaCy reference times every document of the corpus (at most ``--reference-docs``; by default all, up to
10,000), half of them (every other one) before the pipeline runs and the other half after it, and its rate
is the documents of both halves over the seconds of both: a reference timed on 200 documents minutes before
the run moved by a quarter between runs on an idle machine, so one run's ratio said little. Both halves'
rates are printed, so drift over the run shows.

With ``--topup P`` each local run is followed by a top-up: P% new pages (the reports that follow the
corpus in the generator's order) added to a copy of its store and run, the real parse included; its CPU
seconds are printed per stage beside the full run's.

With ``--jsonl FILE`` the corpus is not generated: it is that file of real reports (JSON lines with a
``text`` field, as ``storyline run`` reads them, e.g. ``../shared/bench/stories-ecbplus/docs.jsonl``), and
the spaCy reference parses the same ``text`` fields. Its rows carry the format ``jsonl`` and the file's
record count as their size; ``--sizes``, ``--formats`` and ``--topup`` do not apply. The issue's own
starting figure was of real news reports (338 words on average), and short real reports weigh the run's
fixed costs and every per-page cost more heavily than the generated ~670-word articles do.

With ``--topup-onto DB CORPUS --topup P [--full-json ROWS]`` no corpus is made: a copy of an existing
store (a finished run over the generated ``CORPUS`` folder, left untouched) is first run once over its own
corpus by the current code (caches kept by older code are refreshed; that run's CPU is printed apart), then
P% new pages are added and the top-up is timed per stage (CPU s, wall s, load average), beside the full
run's row in ``ROWS`` (the ``--json`` output of the run that made the store) when given.

The last column divides the pipeline's pages/s by the spaCy reference's: the issue's goal is >= 0.83.
The reference is spaCy as installed, its products by thinc's blis; the extract stage's parse multiplies
through numpy's BLAS instead (``storyline/extract/blas_ops.py``), about a quarter cheaper here.
``--reference-products blas`` gives the reference the same products, so that its ratio shows what the run
costs beside the parse.
Every figure is wall-clock time on the machine the script runs on; on a machine shared with other work the
references suffer the same load as the pipeline, which is why they are measured in the same run. The
reference's halves and the pipeline still run at different moments, and the speed of the development
machine's CPU-seconds drifted more between them than the code moved: a speed probe (``speed_probe.py``: one
fixed text parsed by the reference's model every ``--probe-interval`` seconds, its CPU seconds recorded)
runs throughout, and the wall ratio is printed twice, as measured and at one machine speed (each phase's
wall seconds divided by the probe's median cost in it). The goal is read from the second: the same wall
ratio, with the drift between the phases taken out.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from speed_probe import PROBE_INTERVAL_S, SpeedProbe, Window, speed_factor, unreliable_because

WORKERS = 2
#: Most documents the spaCy reference times by default (half before the pipeline, half after).
REFERENCE_DOCS_CAP = 10_000
#: Pages trafilatura's reference times by default.
TRAFILATURA_DOCS = 400
TARGET_WORDS = 670
DUPLICATE_SHARE = 0.05
GERMAN_SHARE = 0.02
OUTLETS = 24
FIRST_DAY = date(2025, 1, 1)

# -- the generated corpus (every name, place and sentence below is invented for this benchmark) ------------

GIVEN = "Anna Boris Clara Dmitri Elena Farid Greta Hugo Ines Jonas Kira Lars Mira Nils Olga Pavel Rosa Sami"
FAMILY = "Albescu Brandt Castell Dorow Eskola Falk Gerlach Horvat Ilic Jansen Kowal Lindgren Moreau Novak"
ORG_HEADS = "Harbour Grain Water Rail Fisheries Energy Health Forestry Mining Housing Transport Customs"
ORG_KINDS = "Board Authority Council Union Agency Commission Institute Company"
PLACES = (
    "Brenfield Kaldera Ostrava Lumen Varnhold Selby Marrow Tessin Doran Ilmare Quarry Fenwick Halden Corvo "
    "Pellin Rostov-Mare Sundby Aldmoor Kestrel Vale Orlen Bayford Nordholm Estria"
)
EVENTS = [
    ("floods", "the flood", "water levels", "rescue teams"),
    ("strike", "the strike", "wages", "union members"),
    ("bridge", "the bridge project", "construction costs", "engineers"),
    ("election", "the vote", "turnout", "election officials"),
    ("fire", "the fire", "damage", "firefighters"),
    ("trade talks", "the talks", "tariffs", "negotiators"),
    ("hospital", "the hospital plan", "waiting times", "doctors"),
    ("port", "the port expansion", "shipping traffic", "dock workers"),
]
STORY_SENTENCES = [
    "{person} said on {day} that the {org} would review {topic} after {event} in {place}.",
    "“{quote},” {person} told reporters in {place}.",
    "According to {person2}, {event} had caught the {org} unprepared.",
    "Officials in {place} said {crowd} at {site} had worked through the night as {event} spread.",
    "{person2}, a spokesperson for the {org}, declined to comment on {topic}.",
    "The {org} said in a statement that {topic} would be published by {day}.",
    "“Nobody wants {quote2},” {short2} said.",
    "Residents of {place} gathered outside the offices of the {org} on {day}.",
    "{short} added that the {org} had promised to meet {crowd} again next week.",
    "Minister {person2} said the government in {place2} was watching {event} closely.",
]
FILLER_SUBJECTS = [
    "Local newspapers",
    "Several analysts",
    "A report published last month",
    "Critics of the plan",
    "Business groups",
    "Economists at the regional bank",
    "Opposition politicians",
    "Community leaders",
    "Researchers at the university",
    "Shop owners in the old town",
]
FILLER_VERBS = [
    "said that",
    "warned that",
    "argued that",
    "noted that",
    "suggested that",
    "pointed out that",
]
#: Filler clauses are shapes filled with words of an invented vocabulary drawn Zipf-like: reports share
#: common words as real ones do, but few five-word runs (the link stage's passage seeds), which a fixed
#: list of clauses would make every report share with every other.
FILLER_SHAPES = [
    "the {0} {1} had {2} {3} than the {4} {5} {6}",
    "the {0} needed more {1} {2} in {3} {4} and {5} {6}",
    "the {0} {1} would {2} thousands of {3} {4} over {5} {6}",
    "similar {0} {1} had {2} in {3} {4} a {5} {6}",
    "the {0} {1} for {2} {3} left {4} room for {5} {6}",
    "public {0} {1} in the {2} {3} had {4} since {5} {6}",
]
VOCABULARY_WORDS = 20_000
#: Flatter than natural text's ~1: the shapes' fixed words already make runs that many reports share.
ZIPF_EXPONENT = 0.7


def _invented_vocabulary(size: int) -> tuple[list[str], list[float]]:
    """``size`` invented lowercase words (syllable strings) and Zipf cumulative weights to draw them."""
    rng = random.Random(0)
    onsets = [c + v for c in "bdfgklmnprstvz" for v in ("", "r")]
    vowels, codas = "aeiou", ["", "n", "r", "s"]
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.randint(2, 3)
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables)) + rng.choice(codas)
        words[word] = None
    cumulative, total = [], 0.0
    for rank in range(1, size + 1):
        total += rank**-ZIPF_EXPONENT
        cumulative.append(total)
    return list(words), cumulative


VOCABULARY, VOCABULARY_WEIGHTS = _invented_vocabulary(VOCABULARY_WORDS)


def _invented(rng: random.Random, count: int) -> list[str]:
    return rng.choices(VOCABULARY, cum_weights=VOCABULARY_WEIGHTS, k=count)


def _filler_clause(rng: random.Random) -> str:
    return rng.choice(FILLER_SHAPES).format(*_invented(rng, 7))


GERMAN_SENTENCES = [
    "Der Stadtrat von {place} hat am {day} über den Haushalt für {site} beraten.",
    "Nach Angaben der Verwaltung sollen die Arbeiten in {site} im Frühjahr beginnen.",
    "Viele Anwohner von {site} zeigten sich besorgt über die steigenden Kosten.",
    "Die Opposition kritisierte den Plan für {site} als zu teuer und schlecht vorbereitet.",
    "Eine Entscheidung über {site} wird für die kommende Woche erwartet.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _article(rng: random.Random, story: dict[str, Any]) -> tuple[str, list[str]]:
    """A headline and paragraphs of about ``TARGET_WORDS`` words for one report of ``story``."""
    values = {**story, "day": rng.choice(DAYS)}
    # Each of the story's sentences at most once per report: reports of one story share a few sentences,
    # as real ones share quotes and wire paragraphs, not a report's every other line.
    story_sentences = rng.sample(STORY_SENTENCES, len(STORY_SENTENCES))
    sentences: list[str] = []
    words = 0
    while words < TARGET_WORDS:
        if story_sentences and rng.random() < 0.25:
            sentence = story_sentences.pop().format(**values)
        else:
            sentence = (
                f"{rng.choice(FILLER_SUBJECTS)} {rng.choice(FILLER_VERBS)} {_filler_clause(rng)}, "
                f"and {_filler_clause(rng)}."
            )
        sentences.append(sentence)
        words += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    headline = f"{story['org']} under pressure as {story['event']} hits {story['place']}"
    return headline, paragraphs


def _german(rng: random.Random, story: dict[str, Any]) -> tuple[str, list[str]]:
    sentences = [
        rng.choice(GERMAN_SENTENCES).format(place=story["place"], day=rng.choice(DAYS), site=story["site"])
        for _ in range(60)
    ]
    return f"Stadtrat von {story['place']} berät über Haushalt", [
        " ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)
    ]


def _near_copy(rng: random.Random, headline: str, paragraphs: list[str]) -> tuple[str, list[str]]:
    """A planted near duplicate: another headline, an added paragraph, or a few words changed."""
    kind = rng.randrange(3)
    if kind == 0:
        return "Update: " + headline, paragraphs
    if kind == 1:
        return headline, [*paragraphs, f"{rng.choice(FILLER_SUBJECTS)} said more details were expected."]
    changed = [p.replace(" the ", " this ", 1) if rng.random() < 0.3 else p for p in paragraphs]
    return headline, changed


def iter_corpus(size: int, seed: int) -> Iterator[dict[str, Any]]:
    """``size`` reports ``{title, paragraphs, outlet, published, entities}``, one at a time: stories of 1-6
    reports, copies planted. Only the last 20 reports are kept (copies are drawn from them), so even 100k
    reports are generated in flat memory. ``entities`` are the invented names the report was written
    with, as the extract stage would find them (for link-stage runs on pre-extracted documents).
    """
    rng = random.Random(seed)
    given, family, places = GIVEN.split(), FAMILY.split(), PLACES.split()
    heads, kinds = ORG_HEADS.split(), ORG_KINDS.split()
    recent: deque[dict[str, Any]] = deque(maxlen=20)
    made = 0
    while made < size:
        person, person2 = (f"{rng.choice(given)} {rng.choice(family)}" for _ in range(2))
        _kind, the_event, topic, crowd = rng.choice(EVENTS)
        # Where it happened, a name of its own: reports of one story share their sentences, unrelated
        # stories of the same kind and town do not (a fixed sentence per town would be a shared passage).
        site = _invented(rng, 1)[0].capitalize()
        story = {
            "person": person,
            "person2": person2,
            "short": person.split()[-1],
            "short2": person2.split()[-1],
            "org": f"{rng.choice(places)} {rng.choice(heads)} {rng.choice(kinds)}",
            "place": rng.choice(places),
            "place2": rng.choice(places),
            "event": f"{the_event} near {site}",
            "topic": f"{topic} at {site}",
            "crowd": crowd,
            "site": site,
            "quote": "We have asked for " + " ".join(_invented(rng, 6)),
            "quote2": "another " + " ".join(_invented(rng, 5)),
        }
        names = {
            "PERSON": (person, person2),
            "ORG": (story["org"],),
            "GPE": (story["place"], story["place2"]),
        }
        entities = sorted({f"{kind}:{name}" for kind, values in names.items() for name in values})
        day = FIRST_DAY + timedelta(days=rng.randrange(365))
        for _ in range(rng.randint(1, 6)):
            if made >= size:
                break
            doc_entities = entities
            if recent and rng.random() < DUPLICATE_SHARE:
                source = rng.choice(recent)
                title, paragraphs = _near_copy(rng, source["title"], source["paragraphs"])
                doc_entities = source["entities"]
            elif rng.random() < GERMAN_SHARE:
                title, paragraphs = _german(rng, story)
                doc_entities = [f"GPE:{story['place']}"]
            else:
                title, paragraphs = _article(rng, story)
            published = (day + timedelta(days=rng.randrange(3))).isoformat()
            doc = {
                "title": title,
                "paragraphs": paragraphs,
                "outlet": rng.randrange(OUTLETS),
                "published": published,
                "entities": doc_entities,
            }
            recent.append(doc)
            made += 1
            yield doc


def make_corpus(size: int, seed: int) -> list[dict[str, Any]]:
    """The first ``size`` reports of :func:`iter_corpus`, as a list."""
    return list(iter_corpus(size, seed))


def _html(doc: dict[str, Any], number: int) -> str:
    outlet = f"The Daily {PLACES.split()[doc['outlet'] % 24]}"
    site = f"daily{doc['outlet']}.example"
    body = "\n".join(f"<p>{escape(p)}</p>" for p in doc["paragraphs"])
    related = "".join(
        f'<li><a href="/news/{number - k}">Read more: story {number - k}</a></li>' for k in range(1, 6)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(doc['title'])} | {outlet}</title>"
        f'<link rel="canonical" href="https://{site}/news/{number}">'
        f'<meta property="article:published_time" content="{doc["published"]}T08:00:00Z">'
        f'<meta property="og:site_name" content="{outlet}"></head><body>'
        '<header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a>'
        " | "
        f'<a href="/sport">Sport</a> | <a href="/subscribe">Subscribe</a></nav></header>'
        f"<main><article><h1>{escape(doc['title'])}</h1>"
        f'<p class="byline">By Staff Reporter, <time datetime="{doc["published"]}">'
        f"{doc['published']}</time></p>"
        f"{body}</article><aside><h2>Most read</h2><ul>{related}</ul></aside></main>"
        f"<footer><p>© 2025 {outlet}. All rights reserved.</p><p>Contact | Privacy | Cookies</p></footer>"
        "</body></html>"
    )


def _text(doc: dict[str, Any]) -> str:
    return f"{doc['title']}\n\nBy Staff Reporter - {doc['published']}\n\n" + "\n\n".join(doc["paragraphs"])


def write_corpus(docs: Iterable[dict[str, Any]], fmt: str, folder: Path, first: int = 0) -> None:
    """Write one file per report (``.html`` pages or ``.txt`` articles) under ``folder``, numbered from
    ``first`` (a top-up's pages continue the numbers, so their URLs are new)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, doc in enumerate(docs, start=first):
        if fmt == "html":
            (folder / f"{number:06d}.html").write_text(_html(doc, number), encoding="utf-8")
        else:
            (folder / f"{number:06d}.txt").write_text(_text(doc), encoding="utf-8")


# -- the references ----------------------------------------------------------------------------------------

_reference_nlp: Any = None
#: Whether the reference's worker holds numpy's BLAS to one thread while it parses (BLAS products only).
_reference_one_thread = False


def _load_spacy(products: str = "blis") -> None:
    """The reference's pipeline in this worker: spaCy as installed (``blis``: thinc's own products), or
    (``blas``) with its products through numpy's BLAS, as the extract stage loads it."""
    global _reference_nlp, _reference_one_thread
    import spacy

    from storyline.extract.blas_ops import blas_ops_current
    from storyline.extract.nlp import MODEL_PACKAGE

    with blas_ops_current() if products == "blas" else contextlib.nullcontext():
        nlp = spacy.load(MODEL_PACKAGE)
    keep = {"tok2vec", "ner", "parser"}
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in keep])
    _reference_nlp = nlp
    _reference_one_thread = products == "blas"


def _spacy_chunk(texts: list[str]) -> tuple[int, float]:
    from storyline.extract.blas_ops import one_blas_thread

    started = time.process_time()
    # One worker per core: BLAS products on one thread, as the extract stage's parse holds them.
    with one_blas_thread() if _reference_one_thread else contextlib.nullcontext():
        done = sum(1 for _ in _reference_nlp.pipe(texts, batch_size=32))
    return done, time.process_time() - started


def _trafilatura_chunk(pages: list[str]) -> tuple[int, float]:
    import trafilatura

    started = time.process_time()
    for page in pages:
        trafilatura.extract(page)
    return len(pages), time.process_time() - started


def _noop(_: int) -> int:
    return 0


@dataclass(frozen=True)
class Timed:
    """Items done by a reference, in wall seconds and in CPU seconds (its workers' own), and when."""

    done: int
    wall: float
    cpu: float
    windows: tuple[Window, ...] = ()

    @property
    def rate(self) -> float:
        return self.done / self.wall if self.wall else 0.0

    @property
    def cpu_rate(self) -> float:
        return self.done / self.cpu if self.cpu else 0.0

    def __add__(self, other: Timed) -> Timed:
        return Timed(
            self.done + other.done, self.wall + other.wall, self.cpu + other.cpu, self.windows + other.windows
        )


def _two_workers(
    initializer: Callable[[], None] | None, work: Callable[[list[str]], tuple[int, float]], items: list[str]
) -> Timed:
    """``work`` over ``items`` on two warmed-up worker processes (their start-up not timed)."""
    with ProcessPoolExecutor(WORKERS, initializer=initializer) as pool:
        list(pool.map(_noop, range(WORKERS * 4)))
        chunks = [items[i : i + 16] for i in range(0, len(items), 16)]
        started = time.monotonic()
        results = list(pool.map(work, chunks))
        ended = time.monotonic()
    done = sum(count for count, _ in results)
    window = Window(done, ended - started, started, ended)
    return Timed(done, window.wall, sum(cpu for _, cpu in results), (window,))


# -- one pipeline run, in its own process --------------------------------------------------------------------


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (a stage's pool ends with it)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_pipeline(corpus: Path, db: Path, engine: str = "local") -> dict[str, Any]:
    """Run ``engine`` as `storyline run` does, timing ingest, the document stage, each corpus stage.

    On the Ray engine the CPU figures count the driver and the processes that ended under it; Ray's own
    worker processes may be missing from them, so its wall-clock figures are the ones to read.
    """
    import storyline
    from storyline.run import corpus as corpus_stages
    from storyline.run import local

    seconds: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    stage_rss_mb: dict[str, float] = {}
    memory = PeakRSS()

    def timed(name: str, call: Callable[..., int]) -> Callable[..., int]:
        def run(*args: Any, **kwargs: Any) -> int:
            started, cpu_started = time.perf_counter(), _cpu()
            memory.reset()
            try:
                return call(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
                cpu_seconds[name] = cpu_seconds.get(name, 0.0) + _cpu() - cpu_started
                stage_rss_mb[name] = max(stage_rss_mb.get(name, 0.0), memory.peak / 2**20)

        return run

    original_stage_run = corpus_stages.CorpusStage.run

    def stage_run(self: Any, *args: Any, **kwargs: Any) -> int:
        return timed(self.name, lambda: original_stage_run(self, *args, **kwargs))()

    corpus_stages.CorpusStage.run = stage_run  # type: ignore[method-assign]
    local.run_document_stage = timed("clean + describe", local.run_document_stage)  # type: ignore[assignment]
    if engine == "ray":
        from storyline.run.ray_engine import RayEngine

        RayEngine.document_stage = timed("clean + describe", RayEngine.document_stage)  # type: ignore[method-assign]
    started, cpu_started = time.perf_counter(), _cpu()
    with memory, storyline.open(db) as sl:
        sl.prepare_to_process()  # as `storyline run` does: the language model is read during the ingest
        report = timed("ingest", sl.ingest)([corpus])
        sl.process(engine=engine)
    total = time.perf_counter() - started
    return {
        "pages": report.new,
        "seconds": seconds,
        "stage_rss_mb": stage_rss_mb,
        "total": total,
        "cpu_seconds": cpu_seconds,
        "total_cpu": _cpu() - cpu_started,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


class PeakRSS:
    """Samples this process's resident memory every ``interval`` seconds on a thread, so each stage's own
    peak is known (``ru_maxrss`` only ever grows, so after a big stage it says nothing of the next)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def reset(self) -> None:
        """Start a new peak from the memory held now."""
        self.peak = self._rss()

    def __enter__(self) -> PeakRSS:
        self.reset()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def write_pre_extracted(docs: Iterator[dict[str, Any]], db: Path) -> int:
    """A store holding ``docs`` as the document and extract stages would leave them (clean body, title,
    date, outlet, language, entity ids, entity records), so the link stage can run on it alone."""
    from storyline.ids import content_hash, page_id, stable_id
    from storyline.model import RawPage
    from storyline.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    entity_types: dict[str, str] = {}
    count = 0
    batch: list[tuple[RawPage, dict[str, Any]]] = []

    def flush() -> None:
        store.add_pages([page for page, _ in batch])
        store.update_documents([row for _, row in batch])
        batch.clear()

    for number, doc in enumerate(docs):
        content = _text(doc)
        page = RawPage(page_id(content), f"generated/{number:07d}.txt", "text", content, "text")
        text = "\n\n".join(doc["paragraphs"])
        ids = []
        for entity in doc["entities"]:
            kind, name = entity.split(":", 1)
            ids.append(stable_id(name, prefix="en_"))
            entity_types[ids[-1]] = kind
        row = {
            "id": page.id,
            "title": doc["title"],
            "text": text,
            "content_hash": content_hash(text),
            "published": doc["published"],
            "published_precision": "day",
            "outlet": f"The Daily {PLACES.split()[doc['outlet'] % 24]}",
            "language": "de" if doc["title"].startswith("Stadtrat") else "en",
            "entity_ids": sorted(set(ids)),
        }
        batch.append((page, row))
        count += 1
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    store.replace_records("entities", ({"id": k, "type": v} for k, v in sorted(entity_types.items())))
    store.close()
    return count


def run_link_stage(db: Path) -> dict[str, Any]:
    """The link stage alone over a pre-extracted store: its wall and CPU seconds and its peak RSS."""
    from storyline.stages import link
    from storyline.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    with PeakRSS() as memory:
        started, cpu_started = time.perf_counter(), _cpu()
        linked = link.run(store, lambda *_: None)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu_started
    store.close()
    return {
        "pages": linked,
        "seconds": {"link": seconds},
        "cpu_seconds": {"link": cpu},
        "stage_rss_mb": {"link": memory.peak / 2**20},
        "total": seconds,
        "total_cpu": cpu,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": 0.0,
    }


def _in_subprocess(corpus: Path, db: Path, engine: str, mode: str = "--run-one") -> dict[str, Any]:
    command = [sys.executable, __file__, mode, str(corpus), "--db", str(db), "--engine", engine]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ})
    return json.loads(done.stdout.strip().splitlines()[-1])


def _texts(docs: list[dict[str, Any]]) -> list[str]:
    return [f"{doc['title']}\n\n" + "\n".join(doc["paragraphs"]) for doc in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--formats", default="html,text")
    parser.add_argument("--engines", default="local")
    parser.add_argument(
        "--reference-docs",
        type=int,
        default=0,
        help="documents the spaCy reference times, half before and half after the pipeline (default: all"
        f" the corpus's, at most {REFERENCE_DOCS_CAP:,}); trafilatura's: this many, default"
        f" {TRAFILATURA_DOCS}",
    )
    parser.add_argument(
        "--reference-products",
        choices=("blis", "blas"),
        default="blis",
        help="the spaCy reference's matrix products: blis, as spaCy is installed (what the goal names;"
        " default), or blas, through numpy's BLAS as the extract stage loads its model, so the ratio shows"
        " what the run costs beside the parse",
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for corpora and stores (default: temp)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--topup",
        type=float,
        default=0.0,
        help="also add this percentage of new pages to each local run's store and time that run (e.g. 1)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON lines here")
    parser.add_argument(
        "--probe-interval",
        type=float,
        default=PROBE_INTERVAL_S,
        help="seconds between the speed probe's parses (speed_probe.py), which put the wall ratio at one"
        " machine speed; 0: no probe",
    )
    parser.add_argument(
        "--topup-onto",
        nargs=2,
        type=Path,
        default=None,
        metavar=("DB", "CORPUS"),
        help="time a --topup onto a copy of an existing store made from the generated CORPUS folder",
    )
    parser.add_argument(
        "--full-json", type=Path, default=None, help="with --topup-onto: the full run's --json rows"
    )
    parser.add_argument(
        "--link-only",
        default="",
        help="comma-separated sizes: the link stage alone on stores of generated pre-extracted documents"
        " (what the document and extract stages would leave), instead of the pipeline",
    )
    parser.add_argument(
        "--jsonl",
        type=Path,
        default=None,
        help="real reports instead of a generated corpus: a JSON-lines file of records with a 'text' field"
        " (the spaCy reference parses those texts)",
    )
    parser.add_argument("--run-one", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--link-one",
        type=Path,
        default=None,
        metavar="DB",
        help="the link stage alone on this store (e.g. a copy of the pre-extracted-N.db that --link-only"
        " leaves in --work), printed as one JSON row",
    )
    parser.add_argument("--db", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        print(json.dumps(run_pipeline(args.run_one, args.db, args.engine)))
        return
    if args.link_one:
        print(json.dumps(run_link_stage(args.link_one)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="pipeline-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.topup_onto:
        _topup_onto(args, work)
        return
    if args.jsonl and (args.topup or args.link_only):
        raise SystemExit("--jsonl: --topup and --link-only need the generated corpus")
    print(
        f"{'size':>7} {'format':6} {'engine':6} {'stage':18} {'seconds':>8} {'pages/s':>8}"
        f" {'CPU-s':>8} {'pages/CPU-s':>11} {'peak MB':>8}"
    )
    if args.link_only:
        rows = [_link_only(size, args.seed, work) for size in (int(s) for s in args.link_only.split(","))]
    else:
        rows = _pipelines(args, work)
    if args.json:
        with args.json.open("a", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row) + "\n")


def _print_stages(size: int, fmt: str, engine: str, result: dict[str, Any]) -> None:
    for stage, seconds in result["seconds"].items():
        cpu = result["cpu_seconds"][stage]
        peak = result.get("stage_rss_mb", {}).get(stage, 0.0)
        print(
            f"{size:>7} {fmt:6} {engine:6} {stage:18} {seconds:8.1f} {size / seconds:8.1f}"
            f" {cpu:8.1f} {size / cpu:11.1f} {peak:8.0f}"
        )


def _link_only(size: int, seed: int, work: Path) -> dict[str, Any]:
    """Write a pre-extracted store of ``size`` generated reports and run the link stage alone over it."""
    db = work / f"pre-extracted-{size}.db"
    for stale in work.glob(f"{db.name}*"):
        stale.unlink()
    started = time.perf_counter()
    write_pre_extracted(iter_corpus(size, seed), db)
    print(f"    (store of {size} pre-extracted reports written in {time.perf_counter() - started:.0f} s)")
    result = _in_subprocess(db, db, "local", "--link-one")
    _print_stages(size, "pre-ex", "local", result)
    print(f"    peak RSS of the link stage {result['stage_rss_mb']['link']:.0f} MB", flush=True)
    return {"size": size, "format": "pre-extracted", "engine": "local", **result}


def _topup_pages(size: int, fmt: str, args: argparse.Namespace, work: Path) -> tuple[Path, int]:
    """The folder of ``args.topup`` percent new pages after a corpus of ``size`` (written once), and how
    many: the reports that follow the corpus in the generator's order (its first ``size`` reports are the
    corpus itself), so they continue its stories as a day's intake would."""
    added = max(1, round(size * args.topup / 100))
    folder = work / f"corpus-{size}-{fmt}-topup-{added}"
    if not folder.exists():
        reports = iter_corpus(size + added, args.seed)
        write_corpus((doc for number, doc in enumerate(reports) if number >= size), fmt, folder, first=size)
    return folder, added


def _copy_store(db: Path, copy: Path) -> None:
    """Copy a store without writing to it (opened read-only, if at all)."""
    for stale in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        stale.unlink(missing_ok=True)  # a stale WAL beside the copy would be replayed into it
    if not Path(f"{db}-wal").exists():
        shutil.copyfile(db, copy)  # no pending WAL: the file is the whole store
        return
    source_uri = f"file:{db}?mode=ro"
    with closing(sqlite3.connect(source_uri, uri=True)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # the WAL's pages too, which copying the file alone would miss


def _print_topup(size: int, fmt: str, label: str, result: dict[str, Any], full: dict[str, Any]) -> None:
    for stage, cpu in result["cpu_seconds"].items():
        full_cpu = full["cpu_seconds"].get(stage, 0.0)
        share = f"{cpu / full_cpu:7.1%}" if full_cpu else "       "
        print(
            f"{size:>7} {fmt:6} {label} {stage:18} {cpu:8.1f} CPU s {share}"
            f" of the full run's {full_cpu:.1f} ({result['seconds'][stage]:.1f} s wall)"
        )


def _topup(
    size: int, fmt: str, args: argparse.Namespace, work: Path, db: Path, full: dict[str, Any]
) -> dict[str, Any]:
    """Add ``args.topup`` percent new pages to a copy of the full run's store, run again, and print what
    that run cost beside the full run.

    The full run stands for "a run from scratch over the same pages": it lacks the new pages, which makes
    the share printed slightly higher than against a run over all of them.
    """
    folder, added = _topup_pages(size, fmt, args, work)
    topped = work / f"local-{size}-{fmt}-topup.db"
    _copy_store(db, topped)
    result = _in_subprocess(folder, topped, "local")
    _print_topup(size, fmt, "top-up", result, full)
    print(
        f"    top-up of {added} pages onto {size}: {result['total']:.1f} s wall,"
        f" {result['total_cpu']:.1f} CPU s"
        f" = {result['total_cpu'] / full['total_cpu']:.1%} of the full run's CPU s"
        f" ({result['total'] / full['total']:.1%} of its wall time)",
        flush=True,
    )
    return {"pages": added, **result}


def _load() -> str:
    return "/".join(f"{load:.1f}" for load in os.getloadavg())


def _topup_onto(args: argparse.Namespace, work: Path) -> None:
    """``--topup-onto DB CORPUS``: refresh a copy of a finished store with the current code, then time a
    top-up of ``args.topup`` percent new pages onto it (the store and corpus given are only read)."""
    db, corpus = args.topup_onto
    files = sorted(corpus.glob("*.txt")) or sorted(corpus.glob("*.html"))
    if not db.is_file() or not files:
        raise SystemExit(f"--topup-onto: {db} must be a store and {corpus} its generated corpus folder")
    size, fmt = len(files), "text" if files[0].suffix == ".txt" else "html"
    last = next(doc for number, doc in enumerate(iter_corpus(size, args.seed)) if number == size - 1)
    expected = _text(last) if fmt == "text" else _html(last, size - 1)
    if files[-1].read_text(encoding="utf-8") != expected:
        raise SystemExit(f"--topup-onto: {corpus} is not the generator's corpus of {size} (seed {args.seed})")
    full: dict[str, Any] = {"cpu_seconds": {}, "total_cpu": 0.0}
    if args.full_json:
        rows = [json.loads(line) for line in args.full_json.read_text(encoding="utf-8").splitlines()]
        full = next(r for r in rows if r["size"] == size and r["format"] == fmt and r["engine"] == "local")
    folder, added = _topup_pages(size, fmt, args, work)
    copy = work / f"onto-{size}-{fmt}.db"
    _copy_store(db, copy)
    print(f"    store copied to {copy}; load average {_load()}", flush=True)
    refresh = _in_subprocess(corpus, copy, "local")
    _print_topup(size, fmt, "refresh", refresh, full)
    print(
        f"    refresh (the current code over the unchanged {size} pages): {refresh['total']:.1f} s wall,"
        f" {refresh['total_cpu']:.1f} CPU s; load average {_load()}",
        flush=True,
    )
    result = _in_subprocess(folder, copy, "local")
    _print_topup(size, fmt, "top-up", result, full)
    share = f" = {result['total_cpu'] / full['total_cpu']:.1%} of the full run's" if full["total_cpu"] else ""
    print(
        f"    top-up of {added} pages onto {size}: {result['total']:.1f} s wall,"
        f" {result['total_cpu']:.1f} CPU s{share}; peak RSS {result['rss_mb']:.0f} MB;"
        f" load average {_load()}",
        flush=True,
    )
    if args.json:
        with args.json.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"size": size, "format": fmt, "refresh": refresh, "topup": result}) + "\n")


def jsonl_texts(path: Path) -> list[str]:
    """The ``text`` of every record of a JSON-lines file of reports, in file order (blank lines skipped);
    a line that is not a JSON object with a string ``text`` stops the benchmark, naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise SystemExit(f"--jsonl: {path} cannot be read ({error})") from None
    texts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"--jsonl: {path} line {number} is not JSON ({error.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise SystemExit(f"--jsonl: {path} line {number} has no string 'text' field")
        texts.append(record["text"])
    if not texts:
        raise SystemExit(f"--jsonl: {path} holds no reports")
    return texts


def _pipelines(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    rows = []
    sizes = [len(jsonl_texts(args.jsonl))] if args.jsonl else [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        if args.probe_interval > 0:
            with SpeedProbe(args.probe_interval) as probe:
                size_rows, spacy = _pipelines_of_size(size, args, work)
            _print_speed_ratios(size_rows, spacy, probe)
        else:
            size_rows, spacy = _pipelines_of_size(size, args, work)
            _print_speed_ratios(size_rows, spacy, None)
        rows += size_rows
    return rows


def _pipelines_of_size(size: int, args: argparse.Namespace, work: Path) -> tuple[list[dict[str, Any]], Timed]:
    """Every format's and engine's run over a corpus of ``size`` reports, between the spaCy reference's two
    halves; the rows and the reference (both halves)."""
    cap = min(size, args.reference_docs or REFERENCE_DOCS_CAP)
    texts = jsonl_texts(args.jsonl)[:cap] if args.jsonl else _texts(make_corpus(cap, args.seed))
    # Half the reference before the pipeline and half after: its rate spans the run, not one moment.
    load_reference = functools.partial(_load_spacy, args.reference_products)
    spacy_before = _two_workers(load_reference, _spacy_chunk, texts[0::2])
    print(f"    spaCy reference, first half: {_reference_line(spacy_before)}", flush=True)
    size_rows = []
    for fmt in ["jsonl"] if args.jsonl else args.formats.split(","):
        corpus = args.jsonl or work / f"corpus-{size}-{fmt}"
        if not corpus.exists():
            write_corpus(iter_corpus(size, args.seed), fmt, corpus)
        trafilatura = None
        if fmt == "html":
            sample = make_corpus(min(size, args.reference_docs or TRAFILATURA_DOCS), args.seed)
            pages = [_html(doc, number) for number, doc in enumerate(sample)]
            trafilatura = _two_workers(None, _trafilatura_chunk, pages)
        for engine in args.engines.split(","):
            db = work / f"{engine}-{size}-{fmt}.db"
            db.unlink(missing_ok=True)
            result = _in_subprocess(corpus, db, engine)
            ended = time.monotonic()
            _print_stages(size, fmt, engine, result)
            rate, cpu_rate = size / result["total"], size / result["total_cpu"]
            row = {
                "size": size,
                "format": fmt,
                "engine": engine,
                **result,
                "pages_per_s": rate,
                "pages_per_cpu_s": cpu_rate,
                "trafilatura_2w_per_s": trafilatura.rate if trafilatura else None,
                "trafilatura_per_cpu_s": trafilatura.cpu_rate if trafilatura else None,
                "load": _load(),
                # the run's own clock ends as its process prints: its window on the probe's clock
                "window": [ended - result["total"], ended],
            }
            size_rows.append(row)
            print(
                f"{size:>7} {fmt:6} {engine:6} {'TOTAL':18} {result['total']:8.1f} {rate:8.1f}"
                f" {result['total_cpu']:8.1f} {cpu_rate:11.1f}\n"
                f"    peak RSS {result['rss_mb']:.0f} MB"
                f" (largest worker {result['worker_rss_mb']:.0f} MB); load average {_load()}",
                flush=True,
            )
            if args.topup and engine == "local":
                row["topup"] = _topup(size, fmt, args, work, db, result)
            if trafilatura:
                print(
                    f"    trafilatura.extract, 2 workers: {trafilatura.rate:.1f}/s,"
                    f" {trafilatura.cpu_rate:.1f}/CPU-s;"
                    f" pipeline ratio {rate / trafilatura.rate:.3f} (wall)",
                    flush=True,
                )
    spacy_after = _two_workers(load_reference, _spacy_chunk, texts[1::2])
    spacy = spacy_before + spacy_after
    print(
        f"    spaCy reference, second half: {_reference_line(spacy_after)}\n"
        f"    spaCy ner+parser, 2 workers, both halves ({spacy.done} documents):"
        f" {_reference_line(spacy)}",
        flush=True,
    )
    for row in size_rows:
        row.update(
            spacy_2w_per_s=spacy.rate,
            spacy_per_cpu_s=spacy.cpu_rate,
            spacy_halves_per_s=[spacy_before.rate, spacy_after.rate],
            spacy_docs=spacy.done,
        )
    return size_rows, spacy


def _print_speed_ratios(rows: list[dict[str, Any]], spacy: Timed, probe: SpeedProbe | None) -> None:
    """Each run's ratios to the spaCy reference: wall and per CPU-second as measured, and the wall ratio at
    one machine speed (the probe's: the goal's figure) when the probe ran in every phase."""
    reference = [(window, probe.median_cost(window) if probe else None) for window in spacy.windows]
    costs = [cost for _, cost in reference]
    if probe:
        print(
            f"    speed probe ({len(probe.samples)} parses): median CPU ms per parse, reference halves "
            + ", ".join(f"{cost * 1000:.1f}" if cost else "none" for cost in costs),
            flush=True,
        )
    for row in rows:
        wall, cpu = row["pages_per_s"] / spacy.rate, row["pages_per_cpu_s"] / spacy.cpu_rate
        row.update(ratio_wall=wall, ratio_cpu=cpu)
        line = (
            f"{row['size']:>7} {row['format']:6} {row['engine']:6} pipeline ratio {wall:.2f} (wall),"
            f" {cpu:.2f} (CPU)"
        )
        started, ended = row["window"]
        cost = probe.median_cost(Window(row["size"], row["total"], started, ended)) if probe else None
        if cost and all(costs):
            factor = speed_factor(cost, [(window, c) for window, c in reference if c])
            row.update(probe_ms=cost * 1000, reference_probe_ms=[c * 1000 for c in costs if c])
            row.update(speed_factor=factor, ratio_wall_one_speed=wall * factor)
            # The last five minutes' load: the pipeline's run and the reference's second half.
            doubt = unreliable_because([c for c in costs if c], os.getloadavg()[1], os.cpu_count() or 1)
            row.update(ratio_wall_one_speed_unreliable=doubt)
            line += (
                f"; at one machine speed {wall * factor:.2f} (wall, the goal's figure: the probe's"
                f" median {cost * 1000:.1f} ms per parse during the run, factor {factor:.3f})"
                if doubt is None
                else f"; at one machine speed {wall * factor:.2f} UNRELIABLE, not the goal's figure ({doubt})"
            )
        print(line, flush=True)


def _reference_line(timed: Timed) -> str:
    return f"{timed.rate:.1f}/s, {timed.cpu_rate:.1f}/CPU-s; load average {_load()}"


if __name__ == "__main__":
    main()
