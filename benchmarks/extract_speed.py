"""Words per second of entity and quote extraction beside spaCy's own ``nlp.pipe`` on the same text.

The corpus is invented news (written for this benchmark), varied by name and place so that entity and
quote resolution see many distinct things. Usage::

    PYTHONPATH=src python benchmarks/extract_speed.py [--docs 200] [--batch-size 32] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from storyline.extract import analyse_doc, analyse_documents, load_nlp, resolve, resolve_quotes
from storyline.extract.blas_ops import one_blas_thread
from storyline.extract.nlp import components_to_disable

SEED = 7
PEOPLE = [
    "Marta Kowalczyk",
    "Dmitry Orlov",
    "Dmitriy Orlov",
    "Amina Yusuf",
    "Tomas Berg",
    "Lucia Ferrante",
    "Kofi Mensah",
    "Rustam Nazarov",
    "Rustan Nazarova",
    "Helen Achterberg",
    "Paul Lindqvist",
    "Peter Lindqvist",
    "Sergey Malenkov",
    "Sergei Malenkov",
    "Ines Carvalho",
    "Yuri Tanaka",
]
ORGS = [
    ("Baltic Fisheries Board", "BFB"),
    ("National Defence Council", "NDC"),
    ("Northern Development Corporation", "NDC"),
    ("Union of Grain Traders", "UGT"),
    ("Coastal Rescue Service", "CRS"),
    ("Regional Water Authority", "RWA"),
]
PLACES = ["Kenya", "Norway", "Kyrgyzstan", "Peru", "Vietnam", "Bishkek", "Lima", "Nairobi", "Oslo", "Hanoi"]
PARAGRAPHS = [
    "{p1} said on {day} that the {org} ({acr}) would review its budget after a difficult year in {place}.",
    "“We have asked for more time, and we expect an answer by summer,” {p1} told reporters in {place}.",
    "The {acr} has been criticised by farmers who say the new rules favour large companies over small ones.",
    "According to {p2}, the talks between {place} and its neighbours stalled over the price of electricity.",
    "“Nobody wants another winter like the last one,” {short2} said, “and nobody will accept higher prices.”",
    "Officials in {place2} said the delegation of the {acr} would arrive on {day} for two days of meetings.",
    "{p2} added that {short1} had promised to publish the figures, which the {org} has not done since 2019.",
    "A spokesman for the {org} declined to comment, but said the board would meet again on {day}.",
    "{place2} and {place} signed an agreement on fishing rights last year; both sides called it a success.",
    "Local newspapers reported that protests were planned outside the offices of the {acr} on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def invented_corpus(count: int) -> list[tuple[str, str]]:
    """``count`` invented news articles of eight to ten paragraphs, deterministic for a seed."""
    rng = random.Random(SEED)
    docs = []
    for index in range(count):
        p1, p2 = rng.sample(PEOPLE, 2)
        org, acr = rng.choice(ORGS)
        place, place2 = rng.sample(PLACES, 2)
        values = {
            "p1": p1,
            "p2": p2,
            "short1": p1.split()[-1],
            "short2": p2.split()[-1],
            "org": org,
            "acr": acr,
            "place": place,
            "place2": place2,
            "day": rng.choice(DAYS),
        }
        paragraphs = rng.sample(PARAGRAPHS, rng.randint(8, len(PARAGRAPHS)))
        docs.append((f"doc{index:05d}", "\n".join(p.format(**values) for p in paragraphs)))
    return docs


def best_times(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The fewest seconds each run took over ``repeat`` rounds.

    Rounds interleave the runs, so a burst of load from other processes hits all of them alike.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for label, run in runs.items():
            started = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - started)
    return best


SPACY_ALL = "spaCy nlp.pipe, all components"
SPACY_USED = "spaCy nlp.pipe, components extraction uses"
EXTRACTION = "extraction: NER + aliases + entities + quotes"
OURS = "  of which ours (parsed docs in, no spaCy)"


def main() -> None:
    """Print words/s for spaCy alone (all components, and the ones we use) and for the whole extraction."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32, help="spaCy's batch for the spaCy-alone rows")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of measurement; the fastest is kept")
    args = parser.parse_args()
    nlp = load_nlp()
    docs = invented_corpus(args.docs)
    texts = [text for _, text in docs]
    words = sum(len(text.split()) for text in texts)
    disabled = components_to_disable(nlp)
    parsed = list(nlp.pipe(texts, batch_size=args.batch_size, disable=disabled))

    # numpy's BLAS on one thread, as the extract stage parses (analyse_documents holds it so itself)
    def spacy_all() -> None:
        """spaCy with every component of the package."""
        with one_blas_thread():
            for _ in nlp.pipe(texts, batch_size=args.batch_size):
                pass

    def spacy_used() -> None:
        """spaCy with the components extraction keeps."""
        with one_blas_thread():
            for _ in nlp.pipe(texts, batch_size=args.batch_size, disable=disabled):
                pass

    def extraction() -> None:
        """The whole extraction, spaCy included."""
        analyses = list(analyse_documents(nlp, docs))  # batched by characters (BATCH_CHARS)
        resolution = resolve(analyses)
        resolve_quotes(analyses, resolution.entities, resolution.mention_ids)

    def ours() -> None:
        """Everything after parsing: mentions, aliases, entities, quotes."""
        analyses = [analyse_doc(doc, doc_id) for doc, (doc_id, _) in zip(parsed, docs, strict=True)]
        resolution = resolve(analyses)
        resolve_quotes(analyses, resolution.entities, resolution.mention_ids)

    print(
        f"corpus: {len(docs)} invented documents, {words} words, batch size {args.batch_size}, "
        f"best of {args.repeat} interleaved rounds, one process"
    )
    runs = {SPACY_ALL: spacy_all, SPACY_USED: spacy_used, EXTRACTION: extraction, OURS: ours}
    results = best_times(runs, args.repeat)
    for label, seconds in results.items():
        print(f"{label:48s} {words / seconds:9.0f} words/s  ({len(docs) / seconds:6.1f} docs/s)")
    print(f"extraction time / spaCy time (same components): {results[EXTRACTION] / results[SPACY_USED]:.2f}x")
    print(f"our share of the extraction time: {results[OURS] / results[EXTRACTION]:.0%}")


if __name__ == "__main__":
    main()
