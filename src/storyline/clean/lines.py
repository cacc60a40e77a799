"""Split a page's visible text into lines and give each one features and a first-pass score."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from storyline.clean.captions import split_glued_caption
from storyline.clean.features import LineFeatures, line_features
from storyline.clean.scorer import LineContext, feature_values, logit, sigmoid
from storyline.clean.stopwords import stopwords_for_text
from storyline.model import RemovedBlock

#: Lines with at least this many words tell the page's language and main script.
PROSE_WORDS = 8
#: Characters of prose handed to language identification (enough, and fast).
LANGUAGE_SAMPLE_CHARS = 800

#: Answers whether a line recurs across the site's pages (a bound ``TemplateIndex.is_template``).
TemplateCheck = Callable[[str], bool]


def _normalise_spaces(text: str) -> str:
    """No-break spaces become spaces; zero-width spaces and byte-order marks go."""
    return text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")


@dataclass(slots=True)
class ScoredLine:
    """One line of the page with its features, context, probability and final label."""

    index: int
    text: str
    features: LineFeatures
    context: LineContext
    values: list[float]
    probability: float
    label: str = "chrome"
    reason: str = ""
    in_comments: bool = False  # at or after the comment-section opener

    def explanation(self) -> str:
        """Why the line got its label: the rule, the probability and the features that fired."""
        return f"{self.reason}; p={self.probability:.2f}; {self.features.explain()}"


def split_lines(text: str) -> tuple[list[str], list[RemovedBlock]]:
    """Non-empty stripped lines, with glued captions cut off (and returned as removed blocks)."""
    lines: list[str] = []
    captions: list[RemovedBlock] = []
    for raw in _normalise_spaces(text).splitlines():
        line = raw.strip()
        if not line:
            continue
        glued = split_glued_caption(line)
        if glued is not None:
            captions.append(RemovedBlock(glued[0], "caption", "caption glued to the next sentence"))
            line = glued[1]
        lines.append(line)
    return lines, captions


def _body_script(features: list[LineFeatures]) -> str | None:
    """The script that most prose words are written in."""
    counts: Counter[str] = Counter()
    for f in features:
        if f.script and f.words >= PROSE_WORDS:
            counts[f.script] += int(f.words)
    return counts.most_common(1)[0][0] if counts else None


def score_lines(lines: list[str], is_template: TemplateCheck | None = None) -> list[ScoredLine]:
    """Features, page context and body probability for every line."""
    prose = " ".join(line for line in lines if len(line.split()) >= PROSE_WORDS)[:LANGUAGE_SAMPLE_CHARS]
    _language, stopwords = stopwords_for_text(prose or " ".join(lines)[:LANGUAGE_SAMPLE_CHARS])
    features = [line_features(line, stopwords) for line in lines]
    script = _body_script(features)
    counts = Counter(lines)
    scored = []
    for i, (line, f) in enumerate(zip(lines, features, strict=True)):
        ctx = LineContext(
            script_mismatch=bool(script and f.script and f.script != script),
            repeated=counts[line] > 1,
            template=bool(is_template and is_template(line)),
        )
        values = feature_values(f, ctx)
        scored.append(ScoredLine(i, line, f, ctx, values, sigmoid(logit(values))))
    return scored
