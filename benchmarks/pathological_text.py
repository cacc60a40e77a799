"""Pathological text against spaCy's tokenizer, raw and as the extract stage bounds it.

Runs of symbols make the tokenizer split one prefix or suffix at a time and rescan the rest: quadratic.
Prints, per shape, the tokenizer's seconds on a raw run of ``--raw`` characters and on ``--bounded``
characters after :func:`storyline.stages.extract_guard.bound_for_parsing`, and the characters per second the
bounded text is tokenized at.

    PYTHONPATH=src python benchmarks/pathological_text.py [--raw 3000] [--bounded 40000]
"""

from __future__ import annotations

import argparse
import time

import spacy

from storyline.stages.extract_guard import bound_for_parsing

SHAPES = ["(", ")", '"', "'", "$", "!", "<", "[", "`", ":)", "🙂", "(a", "a,", "(((a)))", "a" * 30 + " "]


def seconds(tokenizer: spacy.tokenizer.Tokenizer, text: str) -> float:
    started = time.process_time()
    tokenizer(text)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=int, default=3_000)
    parser.add_argument("--bounded", type=int, default=40_000)
    args = parser.parse_args()
    tokenizer = spacy.blank("en").tokenizer
    print(f"{'shape':10} {'raw s':>8} {'bounded s':>10} {'bounded chars/s':>16}")
    for unit in SHAPES:
        raw = seconds(tokenizer, unit * (args.raw // len(unit)))
        bounded_text = bound_for_parsing(unit * (args.bounded // len(unit))).text
        bounded = seconds(tokenizer, bounded_text)
        print(f"{unit[:10]!r:10} {raw:8.3f} {bounded:10.3f} {len(bounded_text) / max(bounded, 1e-6):16,.0f}")


if __name__ == "__main__":
    main()
