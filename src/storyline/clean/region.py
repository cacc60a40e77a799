"""Find the article body as the densest contiguous region of body-like lines.

Hand-written: this is the maximum-subarray idea behind body-text extraction (Finn et al.'s BTE),
applied to scored lines instead of HTML tokens. Each line adds ``(p - 0.5) * weight``; the run with the
largest sum is the body. Long lines weigh more, so one long paragraph outweighs a stray short line.
"""

from __future__ import annotations

from collections.abc import Sequence

#: A line's weight in the region sum grows with its length up to this many words.
MAX_LINE_WEIGHT_WORDS = 60
#: Probability at which a line is neutral for the region.
NEUTRAL_PROBABILITY = 0.5


#: A run near the main one joins it when it weighs this share of the main run ...
SECOND_RUN_SHARE = 0.2
#: ... and is at most this many lines away.
MAX_RUN_GAP = 15
#: What a furniture marker line ("Read also", "Share this") takes from a region crossing it: as much as
#: a long chrome line, so that a body region rarely spans a related-links or share block.
BARRIER_VALUE = -12.0


def line_value(probability: float, words: float, barrier: bool = False) -> float:
    """How much one line adds to (or takes from) a candidate body region."""
    if barrier:
        return BARRIER_VALUE
    return (probability - NEUTRAL_PROBABILITY) * (1.0 + min(words, MAX_LINE_WEIGHT_WORDS))


def _best_run(values: Sequence[float]) -> tuple[tuple[int, int] | None, float]:
    """The contiguous run with the largest positive sum (end exclusive) and that sum."""
    best_sum, best = 0.0, None
    run_sum, run_start = 0.0, 0
    for i, value in enumerate(values):
        if run_sum <= 0.0:
            run_sum, run_start = 0.0, i
        run_sum += value
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, i + 1)
    return best, best_sum


def densest_region(values: Sequence[float]) -> tuple[int, int] | None:
    """``(start, end)`` (end exclusive) of the contiguous run with the largest positive sum, or None."""
    return _best_run(values)[0]


def body_region(values: Sequence[float]) -> tuple[int, int] | None:
    """The densest region, widened to take in strong runs close to it on either side.

    An advertisement or a "read also" box in the middle of an article can cost more than the
    paragraphs after it add; a run after such a break still belongs to the article when it carries at
    least ``SECOND_RUN_SHARE`` of the main run's weight and starts within ``MAX_RUN_GAP`` lines. The
    run looked for is the strongest one *within reach*, not the strongest anywhere below: a list or guide
    article (sections under sub-headings, each with a few facts in short lines) is a chain of such runs,
    and its last section may well outweigh the next one.
    """
    best, best_sum = _best_run(values)
    if best is None:
        return None
    start, end = best
    while True:
        after = _run_within_reach(values, end, forward=True)
        if after is not None and _joins(after[2], best_sum, after[0] - end):
            end = after[1]
            continue
        before = _run_within_reach(values, start, forward=False)
        if before is not None and _joins(before[2], best_sum, start - before[1]):
            start = before[0]
            continue
        return start, end


def _run_within_reach(values: Sequence[float], edge: int, forward: bool) -> tuple[int, int, float] | None:
    """The strongest run ``(start, end, sum)`` that begins within ``MAX_RUN_GAP`` lines after ``edge``
    (``forward``) or ends within that many lines before it."""
    found: tuple[int, int, float] | None = None
    if forward:
        for first in range(edge, min(len(values), edge + MAX_RUN_GAP + 1)):
            if values[first] <= 0:  # a run opens on a line that adds to it
                continue
            total = 0.0
            for last in range(first, len(values)):
                total += values[last]
                if total > 0 and (found is None or total > found[2]):
                    found = (first, last + 1, total)
        return found
    for stop in range(edge, max(0, edge - MAX_RUN_GAP - 1), -1):
        if values[stop - 1] <= 0:  # ... and closes on one
            continue
        total = 0.0
        for first in range(stop - 1, -1, -1):
            total += values[first]
            if total > 0 and (found is None or total > found[2]):
                found = (first, stop, total)
    return found


def _joins(run_sum: float, main_sum: float, gap: int) -> bool:
    """Whether a run near the main one is strong and close enough to belong to the same body."""
    return run_sum >= SECOND_RUN_SHARE * main_sum and gap <= MAX_RUN_GAP


def trim_edges(
    start: int, end: int, is_sentence: Sequence[bool], is_short: Sequence[bool]
) -> tuple[int, int]:
    """Shrink a region so that it opens and closes on a sentence-like line.

    A body does not begin or end with a short line that is not a sentence: at the top such lines are
    the headline or a byline, at the bottom a "read also" teaser or a line that introduces the furniture
    below it ("... at the following addresses:").
    """
    while start < end and is_short[start] and not is_sentence[start]:
        start += 1
    while end > start and is_short[end - 1] and not is_sentence[end - 1]:
        end -= 1
    return start, end
