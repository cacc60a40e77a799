"""The array walk's window reaches the automaton's deepest states: texts ending in every path of
``AUTOMATON_DEPTH`` bytes (the only states whose window's first byte decides them), after other bytes."""

from __future__ import annotations

from collections import Counter

import numpy as np

from storyline.language_model import AUTOMATON_DEPTH, raw_identifier


def _walk(moves: np.ndarray, rows: np.ndarray, output: np.ndarray, text: bytes) -> list[tuple[int, int]]:
    """py3langid's byte-at-a-time walk: each feature and its count, in order of first occurrence."""
    state, counts = 0, Counter[int]()
    for byte in text:
        state = int(moves[rows[state] + byte])
        if output[state] >= 0:
            counts[int(output[state])] += 1
    return list(counts.items())


def _deepest_paths(moves: np.ndarray, rows: np.ndarray) -> list[bytes]:
    """A byte path from the start to each state ``AUTOMATON_DEPTH`` transitions deep (breadth first)."""
    parent = np.full(len(rows), -1)
    via = np.zeros(len(rows), dtype=np.int64)
    parent[0] = 0
    frontier = np.array([0])
    for _ in range(AUTOMATON_DEPTH):
        to = moves[rows[frontier][:, None] + np.arange(256)[None, :]].astype(np.int64)
        origin = np.repeat(frontier, 256)
        byte = np.tile(np.arange(256), len(frontier))
        to = to.ravel()
        new = parent[to] < 0
        reached, first = np.unique(to[new], return_index=True)  # each new state once, by its first path
        parent[reached] = origin[new][first]
        via[reached] = byte[new][first]
        frontier = reached
    paths = []
    for state in frontier.tolist():
        path = []
        while state:
            path.append(int(via[state]))
            state = int(parent[state])
        paths.append(bytes(reversed(path)))
    return paths


def test_features_at_the_deepest_states_are_py3langids() -> None:
    model = raw_identifier()
    moves, rows, output = model._moves, model._rows, model._output
    deepest = _deepest_paths(moves, rows)
    assert deepest  # else the window's first byte would never matter
    # the first byte of each such window decides the state: changing it leaves the deepest state
    assert all(len(path) == AUTOMATON_DEPTH for path in deepest)
    assert any(_end(moves, rows, bytes([p[0] ^ 1]) + p[1:]) != _end(moves, rows, p) for p in deepest)
    for path in deepest:
        for before in (b"", b"\x00", b"x", b" \xff", b"\xc3" * 7):
            for after in (b"", b"\x01", b"a"):
                text = before + path + after
                features, counts = model.features(text)
                ours = list(zip(features.tolist(), counts.tolist(), strict=True))
                assert ours == _walk(moves, rows, output, text)


def _end(moves: np.ndarray, rows: np.ndarray, text: bytes) -> int:
    state = 0
    for byte in text:
        state = int(moves[rows[state] + byte])
    return state
