"""Finding codes among distinct keys: whether each is held, and where."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.link.blocks import found_places


@pytest.mark.parametrize("seed", range(6))
def test_found_places_as_a_lookup_table(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = rng.permutation(rng.choice(10_000, size=int(rng.integers(1, 3_000)), replace=False))
    # Held codes and missing ones (below, between and above the keys), in no order, some asked twice.
    wanted = rng.integers(-50, 10_050, size=4_000)
    held, place = found_places(keys, wanted)
    where = {int(key): n for n, key in enumerate(keys.tolist())}
    assert held.tolist() == [int(w) in where for w in wanted.tolist()]
    assert place[held].tolist() == [where[int(w)] for w in wanted[held].tolist()]


def test_found_places_among_no_keys() -> None:
    held, place = found_places(np.zeros(0, dtype=np.int64), np.array([3, 1]))
    assert held.tolist() == [False, False]
    assert len(place) == 2


def test_found_places_of_equal_keys_is_the_first() -> None:
    # The call sites pass distinct keys; with equal ones the answer is still one place: the first.
    held, place = found_places(np.array([5, 3, 5, 5]), np.array([5, 3, 4]))
    assert held.tolist() == [True, True, False]
    assert place[:2].tolist() == [0, 1]
    keys = np.random.default_rng(3).integers(0, 20, 2000)  # long enough for an unstable sort to show
    wanted = np.arange(20)
    held, place = found_places(keys, wanted)
    firsts = [int(np.flatnonzero(keys == w)[0]) for w in wanted]
    assert held.all() and place.tolist() == firsts
