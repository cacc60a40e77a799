"""The py3langid model, read once per process and shared by the two ways the pipeline asks it.

Cleaning asks for the likeliest language of a page's prose (raw scores: it picks a stopword list);
describing asks for the language of the clean body with a normalised confidence (it stores the answer only
when sure). Both are the same model: reading it (an xz-compressed array file) costs ~0.8 CPU-s, so each
identifier built its own copy in every process that cleaned pages, twice per pool worker. Here it is read
once and both identifiers share its arrays; their answers are those of separately loaded identifiers.

Scoring is py3langid's, computed faster (:class:`ArrayIdentifier`): the two steps that were ~90% of its
time per page are done on whole arrays, with the same numbers out, bit for bit.
"""

from __future__ import annotations

import sys
from array import array
from functools import cache
from typing import Any, TypeVar

import numpy as np
from py3langid.langid import MODEL_FILE, RAW_FLOOR, LanguageIdentifier

from storyline.derived_cache import cached_table, inputs_digest, packed_strings, unpacked_strings

#: The most bytes from the start state to any state of py3langid's byte automaton (0.4's model; a test
#: recomputes it). The automaton is Aho-Corasick's: its state after any input is the longest suffix of the
#: input that is a node of its trie, so it depends only on the input's last ``AUTOMATON_DEPTH`` bytes.
AUTOMATON_DEPTH = 6
#: States of the model that depth was verified on (py3langid 0.4's bundled model). Another model (a
#: different release, ``from_modelpath``) is scored by py3langid's own loop: the window could be too short.
VERIFIED_STATES = 104_583

Identifier = TypeVar("Identifier", bound=LanguageIdentifier)


class ArrayIdentifier(LanguageIdentifier):
    """py3langid's identifier with its per-byte loop and its half-precision gather done on arrays.

    py3langid walks its automaton one byte at a time in Python (~0.4 µs a byte, the model's 39 MB
    transition table missing the cache at every step) and widens the gathered float16 rows to float32
    element by element (~0.3 ms a text). Here every position's state is found at once: the state after a
    byte is the state reached from the start by the ``AUTOMATON_DEPTH`` bytes ending there, so
    ``AUTOMATON_DEPTH`` gathers over all positions replace the loop; rows are widened through a 65,536-entry
    table of every float16's float32 value. Features keep the order of their first occurrence (the order of
    py3langid's ``Counter``), so the product sums in the same order and the scores are the same bits.
    """

    __slots__ = ("_float16_values", "_moves", "_output", "_rows", "_start_moves", "_verified")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # any other model is scored by py3langid's own loop (``_raw_score``): these arrays stay unmade
        self._verified = len(self.tk_output) == VERIFIED_STATES
        if not self._verified:
            return
        # a view of py3langid's array (its item size, 'H' or 'I', follows the model's size): nothing copied
        self._moves: np.ndarray = np.asarray(self.tk_nextmove)
        self._rows: np.ndarray = np.asarray(self._rowbase, dtype=np.int64)
        self._output: np.ndarray = np.asarray(self.tk_output, dtype=np.int64)  # one feature per state
        first = int(self._rows[0])
        self._start_moves: np.ndarray = self._moves[first : first + 256].astype(np.int64)
        self._float16_values: np.ndarray = (
            np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
        )

    def features(self, text: bytes) -> tuple[np.ndarray, np.ndarray]:
        """The automaton's output features over ``text`` and how often each occurs, in order of first
        occurrence (py3langid's ``visit_counts``, as arrays)."""
        moves, rows, output, start = self._moves, self._rows, self._output, self._start_moves
        codes = np.frombuffer(text, dtype=np.uint8).astype(np.int64)
        head = min(len(codes), AUTOMATON_DEPTH - 1)
        state, first = 0, []
        for code in codes[:head].tolist():  # the first bytes: fewer than a window before them
            state = int(moves[rows[state] + code])
            first.append(state)
        windows = len(codes) - head
        # np.take rather than indexing with arrays: the same gathers, with less of the indexing machinery
        # around each (~13% of this function on 3,000-byte samples)
        states = np.take(start, codes[:windows])
        for step in range(1, AUTOMATON_DEPTH):
            states = np.take(moves, np.take(rows, states) + codes[step : step + windows])
        found = np.concatenate([output[np.asarray(first, dtype=np.int64)], np.take(output, states)])
        return features_in_order(found[found >= 0])

    def _raw_score(self, text: bytes) -> np.ndarray:
        if not self._verified:
            return super()._raw_score(text)
        features, counts = self.features(text)
        if len(features):
            table = self.nb_ptc
            half = table.dtype == np.float16
            # each float16's float32 value looked up by np.take (a quarter faster than indexing with the
            # rows' bits, the same values in the same C-ordered matrix, so the product is the same bits)
            widened = (
                np.take(self._float16_values, table.view(np.uint16)[features]) if half else table[features]
            )
            return np.log1p(counts.astype(np.float32)) @ widened + self.nb_pc
        fill = 0.0 if self._norm_probs else RAW_FLOOR  # as py3langid: no features, no preference
        return np.full(len(self.nb_classes), fill, dtype=np.float32)


def features_in_order(found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``found`` (non-negative integers) in order of first occurrence, and how often
    each occurs: ``np.unique``'s values, indices of first occurrence and counts, ordered by those indices.

    Made with one sort of each value and its position packed into one integer (the value above the
    position's bits): the keys are distinct, so numpy's default sort (vectorised, unstable) orders them
    as a stable sort would, and each value's run starts at its first position. ``np.unique`` with
    ``return_index`` sorts with the slower stable kind, then its firsts were sorted stably again: 0.31-0.34
    CPU s per 1,000 describing samples against 0.19-0.20 here.
    """
    if not len(found):
        return found, np.zeros(0, dtype=np.intp)
    shift = len(found).bit_length()
    keys = np.sort((found.astype(np.int64, copy=False) << shift) | np.arange(len(found), dtype=np.int64))
    values = keys >> shift
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    counts = np.diff(starts, append=len(keys))
    order = np.argsort(keys[starts] & ((1 << shift) - 1))  # distinct positions: any sort orders them alike
    return values[starts][order], counts[order]


@cache
def raw_identifier() -> ArrayIdentifier:
    """The identifier with raw naive-Bayes scores (what ``py3langid.classify`` uses).

    py3langid's model file is xz-compressed, and decompressing it is most of the ~0.9 CPU s it takes to
    read: its arrays are kept uncompressed in the derived-table cache after the first read
    (:mod:`storyline.derived_cache`), so later runs read them in a few tens of milliseconds.
    """
    return cached_table(
        "py3langid-model",
        inputs_digest("py3langid-model", ["py3langid", "numpy"], [sys.modules[__name__]]),
        lambda: ArrayIdentifier.from_model_file(MODEL_FILE),
        model_arrays,
        identifier_from_arrays,
    )


def model_arrays(model: LanguageIdentifier) -> dict[str, np.ndarray]:
    """``model``'s arrays as py3langid's model file holds them, for the cache."""
    return {
        "ptc": np.asarray(model.nb_ptc),
        "pc": np.asarray(model.nb_pc),
        "classes": packed_strings(list(model.nb_classes)),
        "class_count": np.array(len(model.nb_classes)),
        "nextmove": np.asarray(model.tk_nextmove),
        "row": np.asarray(model.tk_row),
        "output": np.asarray(model.tk_output, dtype=np.int64),
    }


def identifier_from_arrays(arrays: dict[str, np.ndarray]) -> ArrayIdentifier:
    """The raw identifier on :func:`model_arrays`' arrays, each of the type py3langid's own reader gives
    (lists, and stdlib arrays for the automaton's tables); ValueError for arrays of another layout."""
    classes = unpacked_strings(arrays["classes"], int(arrays["class_count"]))
    return ArrayIdentifier(
        arrays["ptc"],
        arrays["pc"],
        classes,
        _stdlib_array(arrays["nextmove"]),
        arrays["output"].tolist(),
        tk_row=_stdlib_array(arrays["row"]),
    )


def _stdlib_array(values: np.ndarray) -> array:
    """An unsigned numpy array as the stdlib array of its item size (what py3langid's reader makes)."""
    codes = {array(code).itemsize: code for code in "LIH"}  # by size; "I" wins over "L" where both are 4
    code = codes.get(values.dtype.itemsize)
    if code is None or values.dtype.kind != "u":
        raise ValueError(f"no unsigned stdlib array for {values.dtype}")
    made = array(code)
    made.frombytes(np.ascontiguousarray(values).tobytes())
    return made


def on_arrays_of(model: LanguageIdentifier, kind: type[Identifier], *, norm_probs: bool) -> Identifier:
    """An identifier of class ``kind`` on ``model``'s arrays (nothing read or copied again)."""
    return kind(
        model.nb_ptc,
        model.nb_pc,
        model.nb_classes,
        model.tk_nextmove,
        model.tk_output,
        norm_probs=norm_probs,
        tk_row=model.tk_row,
    )


@cache
def normalised_identifier() -> ArrayIdentifier:
    """The identifier with probabilities normalised to 0..1, on the raw one's arrays (not read again)."""
    return on_arrays_of(raw_identifier(), ArrayIdentifier, norm_probs=True)
