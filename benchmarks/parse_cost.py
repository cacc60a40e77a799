"""Where the extract stage's parse spends its CPU, and whether parsing only some sentences could pay.

Usage::

    PYTHONPATH=src python benchmarks/parse_cost.py [--jsonl ../shared/bench/stories-ecbplus/docs.jsonl]
        [--texts DIR] [--docs 200]

Over real news text (ECB+ reports by default; any JSONL with ``text``, or a folder of ``.txt`` files such as a
corpus ``pipeline_scale.py`` wrote) it prints:

* CPU seconds of each pipeline component run one after another over the same batches (the tokenizer, the
  shared tok2vec, tagger, our line-break rule, parser, NER) and of our per-document analysis on the parsed
  documents (mentions, aliases, quotes, event candidates), with the ``Token`` objects the analysis makes;
* for parsing only the sentences later stages read: the share of sentences, and of tokens, that hold what
  each reader needs from the tagger and parser. Event candidates need a trigger word; quotes a speech verb,
  a quote mark or "according"; role-title names a title word; the speaker of "he said" a PERSON's
  subject-ness in any earlier sentence; the common-word filter the tag and label of each one-word entity.
  NER would still run over every sentence (it finds the entities), and in ``en_core_web_sm`` the tagger and
  parser share one tok2vec, so a skipped sentence saves tok2vec + tagger + parser on its tokens only.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from storyline.events.lexicon import load_lexicon
from storyline.extract import analyse_doc, load_nlp
from storyline.extract.blas_ops import one_blas_thread
from storyline.extract.mentions import ROLE_TITLES, VALUE_LABELS
from storyline.extract.nlp import components_to_disable
from storyline.extract.speech import SPEECH_VERBS
from storyline.token_index import remember_text

DEFAULT_JSONL = Path(__file__).resolve().parents[1].parent / "shared/bench/stories-ecbplus/docs.jsonl"
BATCH = 32
QUOTE_MARKS = frozenset(
    {'"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e", "\u2018", "\u2019", "``", "''"}
)


def _texts(args: argparse.Namespace) -> list[str]:
    if args.texts:
        return [path.read_text(encoding="utf-8") for path in sorted(args.texts.glob("*.txt"))][: args.docs]
    if not args.jsonl.exists():
        raise SystemExit(f"{args.jsonl}: not found (the shared sets sit in ../shared beside the repo)")
    lines = args.jsonl.read_text(encoding="utf-8").splitlines()[: args.docs]
    return [json.loads(line)["text"] for line in lines]


def component_seconds(texts: list[str]) -> tuple[dict[str, float], list[Doc]]:
    """CPU seconds per component, each run over whole batches in pipeline order; and the parsed docs."""
    nlp = load_nlp()
    names = [name for name in nlp.pipe_names if name not in components_to_disable(nlp)]
    seconds = dict.fromkeys(["tokenizer", *names], 0.0)
    docs: list[Doc] = []
    with one_blas_thread():  # numpy's BLAS on one thread, as the extract stage parses
        for chunk in (texts[start : start + BATCH] for start in range(0, len(texts), BATCH)):
            docs.extend(_component_pass(nlp, names, chunk, seconds))
    return seconds, docs


def _component_pass(
    nlp: Language, names: list[str], chunk: list[str], seconds: dict[str, float]
) -> list[Doc]:
    """One batch through the tokenizer and each component in turn, adding each one's CPU to ``seconds``."""
    began = time.process_time()
    batch = [nlp.make_doc(text) for text in chunk]
    seconds["tokenizer"] += time.process_time() - began
    for name in names:
        component = nlp.get_pipe(name)
        began = time.process_time()
        if hasattr(component, "pipe"):
            batch = list(component.pipe(batch, batch_size=BATCH))
        else:
            batch = [component(doc) for doc in batch]
        seconds[name] += time.process_time() - began
    for doc, text in zip(batch, chunk, strict=True):
        remember_text(doc, text)
    return batch


def analysis_seconds(docs: list[Doc]) -> tuple[float, int]:
    """CPU seconds of our per-document analysis (best of three), and the ``Token`` objects one pass makes."""
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        for number, doc in enumerate(docs):
            analyse_doc(doc, str(number))
        best = min(best, time.process_time() - began)
    profile = cProfile.Profile()
    profile.enable()
    for number, doc in enumerate(docs):
        analyse_doc(doc, str(number))
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    tokens = sum(row[1] for key, row in stats.items() if key[2] == "cinit" and "token" in key[0])
    return best, tokens


def sentence_needs(docs: list[Doc]) -> dict[str, tuple[float, float]]:
    """Per reader (and for unions of readers): the share of sentences and of tokens it needs parsed."""
    triggers = load_lexicon().trigger_words
    readers = {
        "trigger word": lambda s: any(t.lower_ in triggers for t in s),
        "speech verb / quote / according": lambda s: any(
            t.lower_ in SPEECH_VERBS or t.text in QUOTE_MARKS or t.lower_ == "according" for t in s
        ),
        "role title": lambda s: any(t.lower_ in ROLE_TITLES for t in s),
        "PERSON (is it a subject?)": lambda s: any(e.label_ == "PERSON" for e in s.ents),
        "one-word entity (common word?)": lambda s: any(
            len(e) == 1 and e.label_ not in VALUE_LABELS and e.label_ != "NORP" for e in s.ents
        ),
    }
    needs = [
        (len(s), {name for name, needs in readers.items() if needs(s)}) for doc in docs for s in doc.sents
    ]
    sentences, tokens = len(needs), sum(length for length, _ in needs)
    shares = {}
    names = list(readers)
    for upto in range(1, len(names) + 1):
        chosen = set(names[:upto])
        label = names[0] if upto == 1 else f"+ {names[upto - 1]}"
        picked = [length for length, found in needs if found & chosen]
        shares[label] = (len(picked) / sentences, sum(picked) / tokens)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT_JSONL)
    parser.add_argument("--texts", type=Path, default=None, help="a folder of .txt files instead")
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    texts = _texts(args)
    print(f"{len(texts)} documents, {sum(len(t.split()) for t in texts) / len(texts):.0f} words on average")
    seconds, docs = component_seconds(texts)
    ours, tokens = analysis_seconds(docs)
    total = sum(seconds.values()) + ours
    for name, spent in [*seconds.items(), ("our per-document analysis", ours)]:
        print(f"  {name:28} {spent:7.2f} CPU-s  {100 * spent / total:5.1f}%")
    print(f"  {'all':28} {total:7.2f} CPU-s  ({len(docs) / total:.1f} documents/CPU-s)")
    print(f"  Token objects the analysis makes: {tokens:,} ({tokens / len(docs):,.0f} per document)")
    print("sentences the tagger and parser would still have to see (cumulative readers):")
    for label, (sentence_share, token_share) in sentence_needs(docs).items():
        print(f"  {label:36} {100 * sentence_share:5.1f}% of sentences  {100 * token_share:5.1f}% of tokens")


if __name__ == "__main__":
    main()
