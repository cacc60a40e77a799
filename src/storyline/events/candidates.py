"""Event candidates in one parsed document: the PLOVER coding of each sentence, from its dependency parse.

Runs inside the extract stage while the spaCy ``Doc`` is in memory (the text is parsed once). For each
sentence the coder finds trigger words (``data/event_triggers.csv``), keeps the one nearest the root of the
parse once reporting verbs ("said", "told") are looked through, and reads off its arguments: the actor
(subject, or agent of a passive), the target (object, indirect object, or the object of "to/against/on/with"),
where (a place after "in/at/near") and when (a date phrase on the trigger or on the statement reporting it),
plus the flags: negated, future (will, plans to, is ready to, a headline's "X to do Y"), hypothetical.
Everything is kept as character spans of the parsed text; the events stage resolves them to entities,
countries, coordinates and dates.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span, Token

from storyline.events.lexicon import Lexicon, TriggerRow, load_lexicon
from storyline.token_index import doc_text, positions, within
from storyline.token_index import entities as doc_entities
from storyline.token_index import sentences as doc_sentences

if TYPE_CHECKING:  # storyline.extract imports this module: a runtime import would be circular
    from storyline.extract.mentions import Mention

#: Dependency labels that open a subordinate clause: a trigger there is less central to the sentence.
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "csubj", "parataxis", "prep", "pcomp", "npadvmod"})
#: How far below a clause boundary a trigger sinks in the ranking.
_SUBORDINATE_COST = 2.0
_NOUN_COST = 0.5
#: Deepest trigger that still codes its sentence.
MAX_RANK = 3.0
#: Heads through which a verb inherits the subject of the verb above it ("is ready to supply").
_SUBJECT_CLIMB = frozenset({"xcomp", "acomp", "conj", "dep", "advcl", "pcomp", "prep", "pobj"})
_SUBJECTS = frozenset({"nsubj", "csubj", "expl"})
_CUT_FROM_SPANS = frozenset({"relcl", "acl", "advcl", "punct", "cc", "prep"})
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"they", "it", "them", "its", "their"})
_PRONOUNS_SPEAKER = frozenset({"we", "us", "our", "i", "me", "my"})
_HYPHEN_PREFIXES = frozenset({"re", "co", "de", "pre", "counter", "un"})
_ARGUMENT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_DURATION_WORDS = frozenset(
    {
        "next",
        "within",
        "coming",
        "recent",
        "past",
        "for",
        "over",
        "during",
        "ago",
        "years",
        "months",
        "weeks",
        "decades",
        "since",
    }
)


@dataclass(frozen=True, slots=True)
class Argument:
    """A span of the parsed text that plays a part in an event (actor, target, place, date, speaker)."""

    text: str
    start: int
    end: int
    sector: str | None = None
    via: str = "parse"  # "parse", "pronoun" (resolved to an earlier mention), "speaker"
    head_end: int = 0  # end of the head noun and its modifiers, before any "of/in X" tail (0: the end)


@dataclass(frozen=True, slots=True)
class EventCandidate:
    """One sentence's event as coded from its parse, before entities, places and dates are resolved."""

    doc_id: str
    sentence_start: int
    sentence_end: int
    trigger: str
    trigger_start: int
    trigger_end: int
    type: str
    mode: str | None
    context: tuple[str, ...]
    flags: tuple[str, ...]
    actors: tuple[Argument, ...]
    targets: tuple[Argument, ...]
    places: tuple[Argument, ...] = ()
    dates: tuple[Argument, ...] = ()
    speaker: Argument | None = None
    rank: float = 0.0  # the trigger's depth in the parse (lower: more central)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Trigger:
    token: Token
    row: TriggerRow
    frame: Token  # the verb whose arguments the event takes (the trigger itself, or its light verb)
    rank: float


def _verb_lemma(token: Token, lexicon: Lexicon) -> str | None:
    return lexicon.verb_forms.get(token.lower_)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _child_words(token: Token) -> set[str]:
    """Lemma-ish words of a trigger's objects and modifiers, for a row's ``when`` condition."""
    words: set[str] = set()
    stack = [c for c in token.children if c.dep_ not in {"nsubj", "punct", "cc", "aux", "auxpass", "mark"}]
    depth = {c.i: 1 for c in stack}
    while stack:
        child = stack.pop()
        words.add(child.lower_)
        words.add(_singular(child.lower_))
        if depth[child.i] < 4 and child.dep_ in {
            "dobj",
            "prep",
            "pobj",
            "nsubjpass",
            "compound",
            "amod",
            "prt",
            "dative",
            "conj",
            "attr",
            "oprd",
            "npadvmod",
            "nmod",
        }:
            for grand in child.children:
                if grand.dep_ in {"pobj", "compound", "amod", "prep", "conj", "dobj", "nmod"}:
                    depth[grand.i] = depth[child.i] + 1
                    stack.append(grand)
    return words


def _pick_row(rows: Sequence[TriggerRow], token: Token) -> TriggerRow | None:
    words: set[str] | None = None
    for row in rows:
        if not row.when:
            return row
        if words is None:
            words = _child_words(token)
        if row.when & words:
            return row
    return None


def _depth(token: Token, sentence_root: Token) -> float:
    depth = 0.0
    current = token
    for _ in range(40):
        if current.i == sentence_root.i or current.head.i == current.i:
            break
        depth += _SUBORDINATE_COST if current.dep_ in _SUBORDINATE else 1.0
        current = current.head
    return depth


def _verb_key(token: Token, lemma: str, lexicon: Lexicon) -> str:
    for child in token.children:
        if child.dep_ in {"prt", "prep"} and f"{lemma} {child.lower_}" in lexicon.verbs:
            return f"{lemma} {child.lower_}"
    return lemma


def _prefixed_lemma(token: Token, lexicon: Lexicon) -> str | None:
    """'re-equips' is split by the tokenizer into 're', '-', 'equips': the verb is the last part."""
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ in _HYPHEN_PREFIXES:
        return lexicon.verb_forms.get(token.lower_)
    return None


def _non_agent(token: Token, lexicon: Lexicon) -> bool:
    """Whether a verb's subject or a noun's modifier is a disaster or accident ("a bus crash killed")."""
    words = lexicon.cue("non_agents")
    for child in token.children:
        if child.dep_ in {"nsubj", "compound", "amod"} and (
            child.lower_ in words or any(g.dep_ == "compound" and g.lower_ in words for g in child.children)
        ):
            return True
    return False


def _is_light(verb: Token, lexicon: Lexicon) -> bool:
    lemma = _verb_lemma(verb, lexicon)
    if lemma is None:
        return False
    light = lexicon.cue("light_verbs")
    if lemma in light:
        return True
    return any(c.dep_ in {"prt", "prep"} and f"{lemma} {c.lower_}" in light for c in verb.children)


def _is_verbal(token: Token) -> bool:
    return token.tag_.startswith("VB") or (token.tag_ in {"NNS", "NN"} and token.dep_ == "ROOT")


def _verb_trigger(token: Token, root: Token, lexicon: Lexicon) -> _Trigger | None:
    if not _is_verbal(token) or token.dep_ in {"amod", "compound", "aux", "auxpass", "dobj", "pobj", "nsubj"}:
        return None  # a participle used as an adjective or noun ("armed forces", "the wounded")
    lemma = _verb_lemma(token, lexicon) or _prefixed_lemma(token, lexicon)
    if lemma is None:
        return None
    key = _verb_key(token, lemma, lexicon)
    doc = token.doc
    if (
        token.i >= 2
        and doc[token.i - 1].text == "-"
        and doc[token.i - 2].lower_ == lexicon.cues["test_prefix"]
    ):
        key = f"test {lemma}" if f"test {lemma}" in lexicon.verbs else key  # "test-fired two missiles"
    rows = lexicon.verbs.get(key) or ()
    row = _pick_row(rows, token)
    if row is None or row.type == "NONE" or _non_agent(token, lexicon):
        return None
    if lemma in lexicon.cue("future_verbs") and any(c.dep_ == "xcomp" for c in token.children):
        return None  # "seeks to expand": the plan is a cue on the verb it governs, not the event
    return _Trigger(token, row, token, _depth(token, root))


def _noun_trigger(token: Token, root: Token, lexicon: Lexicon) -> _Trigger | None:
    if not token.tag_.startswith("NN") or token.dep_ in {"compound", "poss"}:
        return None
    lemma = lexicon.noun_forms.get(token.lower_)
    if lemma is None:
        return None
    rows = lexicon.nouns.get(lemma) or ()
    row = _pick_row(rows, token)
    if row is None or row.type == "NONE" or _non_agent(token, lexicon):
        return None
    head = token.head
    frame = token
    if token.dep_ in {"dobj", "nsubjpass", "attr", "oprd"} and head.lower_ != token.lower_:
        if _is_light(head, lexicon):
            frame = head
    elif (
        token.dep_ == "pobj"
        and head.dep_ == "prep"
        and head.lower_ in lexicon.cue("light_prepositions")
        and head.head.tag_.startswith("VB")
        and _is_light(head.head, lexicon)
    ):
        frame = head.head  # "placed on high alert", "went on strike"
    if row.pos == "L" and frame is token and token.dep_ not in {"nsubj", "ROOT"}:
        return None
    rank = _depth(frame, root) + _NOUN_COST
    return _Trigger(token, row, frame, rank)


_INTENT_ROW = TriggerRow("willing", "A", frozenset(), "AGREE", None, None)


def _intent_trigger(token: Token, root: Token, lexicon: Lexicon) -> _Trigger | None:
    """'willing to join talks', 'prepared to lower tariffs': willingness to cooperate is AGREE."""
    if token.lower_ in lexicon.cue("intent_adjectives") and any(c.dep_ == "xcomp" for c in token.children):
        frame = token.head if token.dep_ == "acomp" else token
        return _Trigger(token, _INTENT_ROW, frame, _depth(token, root))
    return None


def _find_triggers(sentence: Span, lexicon: Lexicon, candidates: Sequence[int]) -> list[_Trigger]:
    """The sentence's triggers; ``candidates`` are the document's positions of the lexicon's trigger words."""
    found = []
    for i in within(candidates, sentence.start, sentence.end):
        token = sentence.doc[i]
        trigger = (
            _verb_trigger(token, sentence.root, lexicon)
            or _noun_trigger(token, sentence.root, lexicon)
            or _intent_trigger(token, sentence.root, lexicon)
        )
        if trigger is not None:
            found.append(trigger)
    return found


def _span_of(token: Token) -> tuple[int, int]:
    """Character span of an argument: its subtree without relative clauses and trailing prepositions."""
    tokens = [token]
    stack = [c for c in token.children if c.dep_ not in _CUT_FROM_SPANS]
    keep_prep = [
        c
        for c in token.children
        if c.dep_ == "prep"
        and (
            c.lower_ == "of"
            or (c.lower_ in {"in", "from"} and any(g.ent_type_ in {"GPE", "NORP"} for g in c.children))
        )
    ]  # "the armed forces of Kyrgyzstan", "rebels in the Ivory Coast": the country is part of the party
    stack += keep_prep
    while stack:
        child = stack.pop()
        if not child.is_space:
            tokens.append(child)
        stack.extend(c for c in child.children if c.dep_ not in {"relcl", "acl", "advcl", "punct"})
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    return start, end


def _noun_phrase(token: Token) -> str:
    """The head noun with its modifiers and appositions, without prepositional tails ("of weapons")."""
    words = [
        t
        for t in token.subtree
        if t.i == token.i
        or (t.head.i == token.i and t.dep_ in {"compound", "amod", "nmod", "nummod", "det", "poss"})
        or (t.dep_ == "compound" and t.head.head.i == token.i)
    ]
    for appos in (c for c in token.children if c.dep_ == "appos"):
        words += list(appos.subtree)
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i))


def _sector(text: str, lexicon: Lexicon, head: Token | None = None) -> str | None:
    """The sector the words name; with ``head``, only words naming the head itself ("military assistance" is
    no military actor) or titles before a proper name ("Defence Minister Ilya Vostrov")."""
    lowered = f" {text.lower()} "
    present = set(lowered.split())
    # Only rows whose first word is present can match (a row's words are whole words of ``lowered``), tried
    # in the table's order: the same first match as trying every row.
    rows = lexicon.sector_rows
    for index in sorted({i for word in present for i in rows.get(word, ())}):
        words, sector = lexicon.sectors[index]
        if (" " in words and f" {words} " not in lowered) or (" " not in words and words not in present):
            continue
        if head is None or head.tag_ in {"NNP", "NNPS"} or words.split()[-1] == head.lower_:
            return sector
    return None


class _DocContext:
    """Per-document lookups the argument builder needs: mentions in order, speakers of sentences."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], trigger_words: frozenset[str]) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        #: positions of the words that can start a trigger: only those tokens are looked at
        self.trigger_positions = positions(doc, trigger_words)
        self.date_entities = [e for e in doc_entities(doc) if e.label_ in {"DATE", "TIME"}]
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.by_sentence: dict[int, list[Mention]] = {}
        for mention in self.mentions:
            self.by_sentence.setdefault(mention.sentence_start, []).append(mention)

    def antecedent(self, before: int, labels: Iterable[str]) -> Mention | None:
        wanted = set(labels)
        best = None
        for mention in self.mentions:
            if mention.start >= before:
                break
            if mention.label in wanted:
                best = mention
        return best

    def mention_in(self, start: int, end: int) -> bool:
        first = bisect.bisect_left(self.starts, start)
        for mention in self.mentions[first:]:
            if mention.start >= end:
                return False
            if mention.end <= end and mention.label in _ARGUMENT_LABELS:
                return True
        return False

    def in_sentence(self, sentence: Span) -> list[Mention]:
        """The mentions of one sentence (looked up by its start, not scanned)."""
        return self.by_sentence.get(sentence.start_char, [])


def _argument(
    token: Token, context: _DocContext, lexicon: Lexicon, speaker: Argument | None
) -> Argument | None:
    word = token.lower_
    if token.tag_ in {"PRP", "PRP$"}:
        antecedent = None
        if word in _PRONOUNS_PERSON:
            antecedent = context.antecedent(token.idx, {"PERSON"})
        elif word in _PRONOUNS_GROUP:
            if speaker is not None and speaker.via == "parse":
                return Argument(speaker.text, speaker.start, speaker.end, speaker.sector, "speaker")
            antecedent = context.antecedent(token.sent.start_char, {"ORG", "GPE", "NORP"})
        elif word in _PRONOUNS_SPEAKER and speaker is not None:
            return Argument(speaker.text, speaker.start, speaker.end, speaker.sector, "speaker")
        if antecedent is None:
            return None
        return Argument(antecedent.text, antecedent.start, antecedent.end, None, "pronoun")
    if token.tag_ in {"DT", "WDT", "EX", "CD"} and not list(token.children):
        return None
    start, end = _span_of(token)
    text = context.text[start:end]
    sector = _sector(_noun_phrase(token), lexicon, token)
    head_end = token.idx + len(token.text)
    if sector is None and not context.mention_in(start, end):
        return None  # a thing ("$1.2 billion worth of weapons"), not a party to the event
    return Argument(text, start, end, sector, head_end=head_end if head_end < end else 0)


def _children(token: Token, deps: Iterable[str]) -> list[Token]:
    wanted = set(deps)
    return [c for c in token.children if c.dep_ in wanted]


def _prep_objects(token: Token, preps: frozenset[str]) -> list[Token]:
    found = []
    for child in token.children:
        if child.dep_ in {"prep", "dative"} and child.lower_ in preps:
            found.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ == "dative" and child.tag_.startswith(("NN", "PRP")):
            found.append(child)
    return found


def _subject(frame: Token) -> tuple[Token | None, bool]:
    """The subject a frame verb has or inherits, and whether it is a passive's agent."""
    current = frame
    for _ in range(5):
        for child in current.children:
            if child.dep_ in _SUBJECTS and child.tag_ not in {"EX", "WDT"}:
                return child, False
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0], True
        if current.dep_ not in _SUBJECT_CLIMB or current.head.i == current.i:
            return None, False
        current = current.head
    return None, False


def _speaker(sentence: Span, lexicon: Lexicon, trigger: Token) -> Token | None:
    """The subject of a reporting verb above the trigger ("..., Vostrov said"), if any."""
    speech = lexicon.cue("speech_verbs")
    for ancestor in [trigger, *trigger.ancestors]:
        lemma = _verb_lemma(ancestor, lexicon)
        if lemma in speech:
            subjects = _children(ancestor, _SUBJECTS)
            if subjects:
                return subjects[0]
    root = sentence.root
    if _verb_lemma(root, lexicon) in speech and root.i != trigger.i:
        subjects = _children(root, _SUBJECTS)
        if subjects:
            return subjects[0]
    return None


def _governors(token: Token, stop: Token | None) -> list[Token]:
    """The trigger and the verbs and adjectives governing it up to (not including) a reporting verb."""
    chain = [token]
    current = token
    for _ in range(6):
        if current.dep_ not in {
            "xcomp",
            "acomp",
            "conj",
            "dobj",
            "nsubjpass",
            "pobj",
            "prep",
            "pcomp",
            "dep",
            "ccomp",
        }:
            break
        if current.dep_ == "ccomp" or current.head.i == current.i:
            break
        current = current.head
        if stop is not None and current.i == stop.i:
            break
        chain.append(current)
    return chain


def _flags(trigger: _Trigger, sentence: Span, lexicon: Lexicon, speech_verb: Token | None) -> list[str]:
    flags: list[str] = []
    chain = _governors(trigger.token, speech_verb)
    if trigger.frame not in chain:
        chain.append(trigger.frame)
    future_aux = lexicon.cue("future_aux")
    hypothetical_aux = lexicon.cue("hypothetical_aux")
    future_heads = lexicon.cue("future_verbs") | lexicon.cue("future_adjectives")
    negated = False
    future = False
    hypothetical = False
    for node in chain:
        lemma = _verb_lemma(node, lexicon) or node.lower_
        if node is not trigger.token and node is not trigger.frame:
            if lemma in future_heads:
                future = True
            if lemma in lexicon.cue("negating_verbs"):
                negated = True
        for child in node.children:
            word = child.lower_
            if child.dep_ == "neg" or (child.dep_ == "det" and word == "no"):
                negated = True
            elif child.dep_ in {"aux", "auxpass"} and word in future_aux:
                future = True
            elif (child.dep_ in {"aux", "auxpass"} and word in hypothetical_aux) or (
                child.dep_ == "mark" and word in {"if", "unless"}
            ):
                hypothetical = True
            elif child.dep_ == "amod" and word in lexicon.cue("future_modifiers"):
                future = True
            elif child.dep_ == "prep" and word == "in" and any(g.lower_ == "case" for g in child.children):
                hypothetical = True
    frame = trigger.frame
    aux_to = any(c.dep_ == "aux" and c.lower_ == "to" for c in frame.children)
    if aux_to and frame.dep_ == "ROOT":
        future = True  # a headline's "Russia to give Tajikistan aid"
    if aux_to and frame.head.lower_ in {"is", "are", "was", "were"} and frame.dep_ in {"xcomp", "ccomp"}:
        future = True  # "the aid is to be delivered"
    if negated:
        flags.append("negation")
    if future:
        flags.append("future")
    if (hypothetical and not future) or hypothetical:
        flags.append("hypothetical")
    return flags


def _mode(row: TriggerRow, event_type: str, words: set[str], lexicon: Lexicon) -> str | None:
    if row.mode and event_type == row.type:
        return row.mode
    for cue_type, mode, cues in lexicon.modes:
        if cue_type == event_type and cues & words:
            return mode
    return None


def _adjusted_type(
    best: _Trigger, triggers: list[_Trigger], flags: list[str], lexicon: Lexicon
) -> tuple[str, list[str]]:
    """The codebook's readings of a trigger under promise, refusal and future (data/event_cues.json)."""
    event_type = best.row.type
    if best.row is _INTENT_ROW:
        governed = [t for t in triggers if t is not best and t.token in best.token.subtree]
        if governed and min(governed, key=lambda t: t.rank).row.type in lexicon.cue("conflict_types"):
            return "THREATEN", flags  # "prepared to impose martial law": readiness to use force is a threat
    if (
        event_type == "AGREE"
        and best.row.trigger in lexicon.cue("concession_promises")
        and any(
            t.row.type in lexicon.cue("concession_types") and t.token in best.token.subtree and t is not best
            for t in triggers
        )
    ):
        return "CONCEDE", flags  # "promised to release the detainees"
    if (
        "negation" in flags
        and event_type in lexicon.cue("refusable_types")
        and ("future" in flags or "hypothetical" in flags)
    ):
        return "REJECT", [f for f in flags if f not in {"negation", "hypothetical", "future"}]
    if event_type in lexicon.cue("conflict_types") and any(
        t.lower_ in lexicon.cue("threat_marks") and t.dep_ == "mark" for t in best.frame.subtree
    ):
        return "THREATEN", [f for f in flags if f not in {"future", "hypothetical"}]  # "will withdraw unless"
    future_types: dict[str, str] = lexicon.cues.get("future_types", {})
    if "future" in flags and event_type in future_types:
        return future_types[event_type], flags
    return event_type, flags


def _contexts(row: TriggerRow, sentence_text: str, words: set[str], lexicon: Lexicon) -> tuple[str, ...]:
    found = [row.context] if row.context else []
    lowered = sentence_text.lower()
    for context, cues in lexicon.contexts:
        if context in found:
            continue
        if not cues.isdisjoint(words) or any(" " in cue and cue in lowered for cue in cues):
            found.append(context)
    return tuple(found)


_CLAUSE_BOUNDARIES = frozenset({"relcl", "acl", "advcl", "ccomp", "csubj", "parataxis"})


def _clause_path(token: Token, anchors: set[int]) -> int | None:
    """How many clause boundaries lie between ``token`` and the nearest anchor above it (None: none above)."""
    crossed = 0
    current = token
    for _ in range(40):
        if current.i in anchors:
            return crossed
        if current.head.i == current.i:
            return None
        if current.dep_ in _CLAUSE_BOUNDARIES:
            crossed += 1
        current = current.head
    return None


def _places(
    trigger: _Trigger,
    sentence: Span,
    mentions: Sequence[Mention],
    lexicon: Lexicon,
    taken: list[tuple[int, int]],
    actor_spans: list[tuple[int, int]],
) -> tuple[Argument, ...]:
    """Place mentions of the trigger's clause, best first: after "in/at/near..." on the trigger itself,
    then anywhere in its clause (its parties' "students in Abuja" too), then a dateline ("LAGOS, June 3").
    A place inside another clause ("amid fears that the war in Kordia will spread") is not where it was."""
    preps = lexicon.cue("place_prepositions")
    places: list[tuple[int, Argument]] = []
    doc = sentence.doc
    anchors = {trigger.token.i, trigger.frame.i, *(g.i for g in _governors(trigger.frame, None))}
    for mention in mentions:
        if mention.label not in _PLACE_LABELS:
            continue
        if not (sentence.start_char <= mention.start < sentence.end_char):
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        prep = head.head if head.dep_ in {"pobj", "compound"} else None
        while prep is not None and prep.dep_ in {"pobj", "compound", "conj"} and prep.head.i != prep.i:
            prep = prep.head
        after_prep = prep is not None and prep.dep_ == "prep" and prep.lower_ in preps
        if after_prep and prep.head.i in anchors:
            score = 0
        else:
            crossed = _clause_path(head, anchors)
            if crossed == 0:
                score = 1 if after_prep else 2
            elif mention.start == sentence.start_char and doc[span.end : span.end + 1].text.startswith(","):
                score = 3  # a dateline
            else:
                continue
        if any(s <= mention.start <= s + 4 and mention.end == e for s, e in actor_spans):
            continue  # the actor itself is not where it acted ("Chile deployed troops to ...")
        if score > 0 and any(s <= mention.start and mention.end <= e for s, e in taken) and not after_prep:
            score = 4  # a party itself ("attacked Kabul") rather than where it happened
        places.append((score, Argument(mention.text, mention.start, mention.end)))
    places.sort(key=lambda p: (p[0], p[1].start))
    return tuple(p for _, p in places)


_SAME_TIME_MARKS = frozenset({"when", "as", "while"})


def _same_time_clause(verb: Token) -> bool:
    """'... were killed when gunmen ambushed a bus on Monday': a 'when' clause happens at the act's time."""
    return verb.dep_ in {"advcl", "conj"} and (
        verb.dep_ == "conj"
        or any(c.dep_ in {"mark", "advmod"} and c.lower_ in _SAME_TIME_MARKS for c in verb.children)
    )


def _dates(
    trigger: _Trigger,
    sentence: Span,
    speech_verb: Token | None,
    taken: list[tuple[int, int]],
    entities: Sequence[Span],
) -> tuple[Argument, ...]:
    found: list[tuple[int, Argument]] = []
    anchors = {trigger.token.i: 0, trigger.frame.i: 0}
    for index, governor in enumerate(_governors(trigger.frame, None)):
        anchors.setdefault(governor.i, index)
    if speech_verb is not None:
        anchors.setdefault(speech_verb.i, 5)
    for entity in entities:
        if not (sentence.start_char <= entity.start_char < sentence.end_char):
            continue
        words = {t.lower_ for t in entity}
        if words & _DURATION_WORDS and not words & {"last", "early", "late", "mid"}:
            continue  # a duration or a vague period: no date to resolve
        if any(s <= entity.start_char and entity.end_char <= e for s, e in taken):
            continue
        head = entity.root
        best = None
        for distance, ancestor in enumerate([head, *head.ancestors]):
            if ancestor.i in anchors:
                best = anchors[ancestor.i] + distance
                break
            if ancestor.tag_.startswith("VB") and ancestor.i != head.i and not _same_time_clause(ancestor):
                break  # the date belongs to another clause's verb ("a programme signed in 2014")
        if best is None:
            continue
        found.append((best, Argument(entity.text, entity.start_char, entity.end_char)))
    found.sort(key=lambda f: f[0])
    return tuple(a for _, a in found)


def _sentence_candidate(
    sentence: Span, doc_id: str, context: _DocContext, lexicon: Lexicon
) -> EventCandidate | None:
    triggers = _find_triggers(sentence, lexicon, context.trigger_positions)
    if not triggers:
        return None
    best = min(triggers, key=lambda t: (t.rank, t.token.i))
    if best.rank > MAX_RANK:
        return None  # only triggers deep in subordinate clauses: the sentence's own act is something else
    frame = best.frame
    speaker_token = _speaker(sentence, lexicon, best.token)
    speaker = _argument(speaker_token, context, lexicon, None) if speaker_token is not None else None
    speech_verb = speaker_token.head if speaker_token is not None else None

    actor_tokens: list[Token] = []
    target_tokens: list[Token] = []
    subject, is_agent = _subject(frame)
    passive_subjects = [c for c in _children(frame, {"nsubjpass"}) if c.i != best.token.i]
    if subject is not None and subject.i != best.token.i:
        actor_tokens.append(subject)
    objects = [c for c in _children(frame, {"dobj"}) if c.i != best.token.i]
    datives = [c for c in _children(frame, {"dative"}) if c.tag_.startswith(("NN", "PRP"))]
    prep_objects = _prep_objects(frame, lexicon.cue("target_prepositions"))
    if best.token is not frame:
        prep_objects += _prep_objects(best.token, lexicon.cue("target_prepositions"))
        if not actor_tokens:
            actor_tokens += _children(best.token, {"poss"})
            actor_tokens += _prep_objects(best.token, lexicon.cue("agent_prepositions"))
    elif best.token.tag_.startswith("NN"):
        actor_tokens += _children(best.token, {"poss"})
        actor_tokens += _prep_objects(best.token, frozenset({"by"}))
        actor_tokens += [
            c
            for c in best.token.children
            if c.dep_ in {"amod", "compound"} and c.ent_type_ in {"NORP", "GPE", "ORG"}
        ]
    if best.row.type == "ASSAULT" and not objects and not passive_subjects:
        # "..., killing at least nine people": the victims are the object of a harmful participle clause
        for child in frame.children:
            if child.dep_ in {"advcl", "xcomp", "conj"} and any(t.token.i == child.i for t in triggers):
                target_tokens += _children(child, {"dobj", "nsubjpass"})
    if best.row.type in lexicon.cue("forces_are_the_actor"):
        if not actor_tokens:
            actor_tokens += passive_subjects + objects
        target_tokens += datives + prep_objects
    else:
        target_tokens += objects + datives + prep_objects + passive_subjects
    lemma = _verb_lemma(frame, lexicon)
    if lemma in lexicon.cue("receiving_verbs"):
        givers = _prep_objects(frame, frozenset({"from"}))
        actor_tokens, target_tokens = givers, actor_tokens
    if best.row.trigger == "host":
        actor_tokens, target_tokens = target_tokens[:1], actor_tokens
    actors = _arguments(actor_tokens, context, lexicon, speaker)
    targets = _arguments(target_tokens, context, lexicon, speaker)
    if not targets:
        targets = _deep_target(frame, best.token, actors, speaker, context, lexicon)
    if not actors and is_agent is False and subject is None and speaker is None:
        actors = ()
    words = {t.lower_ for t in sentence}
    taken = [(a.start, a.end) for a in (*actors, *targets)]
    event_type, flags = _adjusted_type(best, triggers, _flags(best, sentence, lexicon, speech_verb), lexicon)
    if speaker is not None and any(
        c.dep_ == "aux" and c.lower_ in lexicon.cue("demand_modals") for c in frame.children
    ):
        # "the minister said Libya must hand over the suspects": the speaker demands it of the subject
        event_type, flags = "REQUEST", [f for f in flags if f not in {"future", "hypothetical"}]
        actors, targets = (speaker,), actors
    return EventCandidate(
        doc_id=doc_id,
        sentence_start=sentence.start_char,
        sentence_end=sentence.end_char,
        trigger=best.row.trigger,
        trigger_start=best.token.idx,
        trigger_end=best.token.idx + len(best.token.text),
        type=event_type,
        mode=_mode(best.row, event_type, words, lexicon),
        context=_contexts(best.row, context.text[sentence.start_char : sentence.end_char], words, lexicon),
        flags=tuple(flags),
        actors=actors,
        targets=targets,
        places=_places(
            best, sentence, context.in_sentence(sentence), lexicon, taken, [(a.start, a.end) for a in actors]
        ),
        dates=_dates(best, sentence, speech_verb, taken, context.date_entities),
        speaker=speaker,
        rank=best.rank,
    )


_DEEP_TARGET_DEPS = frozenset({"dobj", "dative", "nsubj", "nsubjpass", "pobj"})
_DEEP_TARGET_PREPS = frozenset(
    {"to", "against", "on", "at", "with", "for", "into", "from", "by", "toward", "towards"}
)
#: How far below the frame the target of a governed act is looked for.
_DEEP_TARGET_DEPTH = 4


def _deep_target(
    frame: Token,
    trigger: Token,
    actors: tuple[Argument, ...],
    speaker: Argument | None,
    context: _DocContext,
    lexicon: Lexicon,
) -> tuple[Argument, ...]:
    """The first party named inside the act a verbal trigger governs: "threatened to cut electricity to X",
    "demanded that the US cancel ...", "rejected calls by Belarus", "offered to hand over to Britain"."""
    taken = [(a.start, a.end) for a in actors] + ([(speaker.start, speaker.end)] if speaker else [])
    queue = [(child, 1) for child in frame.children if child.dep_ not in {"nsubj", "punct", "aux", "neg"}]
    while queue:
        token, depth = queue.pop(0)
        if any(s <= token.idx < e for s, e in taken) or token.i == trigger.i:
            continue
        usable = token.dep_ in _DEEP_TARGET_DEPS and token.tag_.startswith(("NN", "PRP"))
        if usable and token.dep_ == "pobj":
            usable = token.head.lower_ in _DEEP_TARGET_PREPS
        if usable:
            argument = _argument(token, context, lexicon, speaker)
            if argument is not None:
                return (argument,)
        if depth < _DEEP_TARGET_DEPTH:
            queue.extend(
                (child, depth + 1) for child in token.children if child.dep_ not in {"punct", "relcl"}
            )
    return ()


def _arguments(
    tokens: list[Token], context: _DocContext, lexicon: Lexicon, speaker: Argument | None
) -> tuple[Argument, ...]:
    found: list[Argument] = []
    for token in tokens:
        argument = _argument(token, context, lexicon, speaker)
        if argument is not None and all(a.start != argument.start for a in found):
            found.append(argument)
    return tuple(found)


def find_event_candidates(
    doc: Doc, doc_id: str, mentions: Sequence[Mention], lexicon: Lexicon | None = None
) -> list[EventCandidate]:
    """The coded event candidate of every sentence of ``doc`` that reports one."""
    lexicon = lexicon or load_lexicon()
    context = _DocContext(doc, mentions, lexicon.trigger_words)
    found = []
    for sentence in doc_sentences(doc):
        candidate = _sentence_candidate(sentence, doc_id, context, lexicon)
        if candidate is not None:
            found.append(candidate)
    return found


def candidate_from_dict(row: dict[str, Any]) -> EventCandidate:
    """The inverse of ``dataclasses.asdict`` on an :class:`EventCandidate` (as stored with an analysis)."""

    def args(values: Iterable[dict[str, Any]]) -> tuple[Argument, ...]:
        return tuple(Argument(**value) for value in values)

    speaker = row.get("speaker")
    return EventCandidate(
        **{
            **row,
            "context": tuple(row["context"]),
            "flags": tuple(row["flags"]),
            "actors": args(row["actors"]),
            "targets": args(row["targets"]),
            "places": args(row.get("places", ())),
            "dates": args(row.get("dates", ())),
            "speaker": Argument(**speaker) if speaker else None,
        }
    )
