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
