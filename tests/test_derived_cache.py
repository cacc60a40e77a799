"""Derived tables kept on disk: read back equal, made again when missing, damaged or of other inputs, and
never in the way of a run (cache off, folder unwritable)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from storyline import derived_cache
from storyline.derived_cache import (
    CACHE_DIR_VARIABLE,
    cached_table,
    inputs_digest,
    packed_strings,
    unpacked_strings,
)
from storyline.events import places
from storyline.extract import gazetteer
from storyline.language_model import (
    MODEL_FILE,
    ArrayIdentifier,
    identifier_from_arrays,
    model_arrays,
    raw_identifier,
)

TEXTS = [
    "The ministry said on Tuesday that talks would resume next week in Geneva.",
    "Die Regierung hat am Dienstag neue Gespräche angekündigt.",
    "Le gouvernement a annoncé mardi la reprise des négociations.",
    "",
    "12345 !!!",
]


class Maker:
    """A table maker that counts its calls."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.calls = 0

    def __call__(self) -> list[str]:
        self.calls += 1
        return list(self.values)


def to_arrays(table: list[str]) -> dict[str, np.ndarray]:
    return {"strings": packed_strings(table), "count": np.array(len(table))}


def from_arrays(arrays: dict[str, np.ndarray]) -> list[str]:
    return unpacked_strings(arrays["strings"], int(arrays["count"]))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_table_is_made_once_then_read_back_equal(folder: Path) -> None:
    maker = Maker(["Osh", "", "Jalālābād", "naïve\tname"])
    first = cached_table("words", "abc123", maker, to_arrays, from_arrays)
    second = cached_table("words", "abc123", maker, to_arrays, from_arrays)
    assert first == second == maker.values
    assert maker.calls == 1
    assert [p.name for p in folder.iterdir()] == ["words-abc123.npz"]  # no temporary file left


def test_a_damaged_file_is_made_again_and_replaced(folder: Path) -> None:
    maker = Maker(["one", "two"])
    cached_table("words", "d1", maker, to_arrays, from_arrays)
    kept = folder / "words-d1.npz"
    for damage in (kept.read_bytes()[:100], b"not a zip file", b""):
        kept.write_bytes(damage)
        assert cached_table("words", "d1", maker, to_arrays, from_arrays) == ["one", "two"]
    assert maker.calls == 4
    assert cached_table("words", "d1", maker, to_arrays, from_arrays) == ["one", "two"]
    assert maker.calls == 4  # mended: read again


def test_arrays_of_another_layout_are_made_again(folder: Path) -> None:
    folder.mkdir()
    np.savez(folder / "words-l1.npz", strings=packed_strings(["a", "b"]), count=np.array(3))
    maker = Maker(["a", "b"])
    assert cached_table("words", "l1", maker, to_arrays, from_arrays) == ["a", "b"]
    assert maker.calls == 1


def test_other_versions_of_a_table_are_removed_and_other_tables_kept(folder: Path) -> None:
    cached_table("words", "old1", Maker(["x"]), to_arrays, from_arrays)
    cached_table("words-more", "keep1", Maker(["y"]), to_arrays, from_arrays)
    cached_table("words", "new2", Maker(["z"]), to_arrays, from_arrays)
    assert sorted(p.name for p in folder.iterdir()) == ["words-more-keep1.npz", "words-new2.npz"]


def test_with_the_cache_off_nothing_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_VARIABLE, "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    maker = Maker(["a"])
    for _ in range(2):
        assert cached_table("words", "off", maker, to_arrays, from_arrays) == ["a"]
    assert maker.calls == 2
    assert list(tmp_path.iterdir()) == []


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert derived_cache.cache_dir() == tmp_path / "storyline"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert derived_cache.cache_dir() == tmp_path / "home" / ".cache" / "storyline"


def test_no_home_directory_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(CACHE_DIR_VARIABLE)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert derived_cache.cache_dir() is None
    maker = Maker(["a"])
    assert cached_table("words", "h", maker, to_arrays, from_arrays) == ["a"]


def test_an_unwritable_folder_leaves_the_table_made_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(blocker / "cache"))  # a folder under a file: cannot be made
    maker = Maker(["a"])
    assert cached_table("words", "w", maker, to_arrays, from_arrays) == ["a"]
    assert cached_table("words", "w", maker, to_arrays, from_arrays) == ["a"]
    assert maker.calls == 2


def test_a_string_holding_the_separator_is_not_kept(folder: Path) -> None:
    maker = Maker(["bad\x00name"])
    assert cached_table("words", "nul", maker, to_arrays, from_arrays) == ["bad\x00name"]
    assert not folder.exists() or not any(folder.iterdir())


def test_packed_strings_round_trip_and_check_their_count() -> None:
    for strings in ([], [""], ["", ""], ["a", "", "ü—日本"], ["x"] * 1000):
        assert unpacked_strings(packed_strings(strings), len(strings)) == strings
    with pytest.raises(ValueError):
        unpacked_strings(packed_strings(["a", "b"]), 3)
    with pytest.raises(ValueError):
        packed_strings(["a\x00b"])


def _module_from(path: Path, source: str) -> ModuleType:
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_digest_moves_with_the_code_the_name_and_the_packages(tmp_path: Path) -> None:
    module = _module_from(tmp_path / "maker_one.py", "X = 1\n")
    base = inputs_digest("t", ["numpy"], [module])
    assert inputs_digest("t", ["numpy"], [module]) == base
    assert inputs_digest("u", ["numpy"], [module]) != base
    assert inputs_digest("t", ["numpy", "pyarrow"], [module]) != base
    assert inputs_digest("t", ["no-such-package-here"], [module]) != inputs_digest("t", [], [module])
    _module_from(tmp_path / "maker_one.py", "X = 2\n")
    assert inputs_digest("t", ["numpy"], [module]) != base


def test_the_language_model_read_back_is_py3langids_own(folder: Path) -> None:
    own = ArrayIdentifier.from_model_file(MODEL_FILE)
    read_back = identifier_from_arrays(model_arrays(own))
    for name in ("nb_classes", "tk_nextmove", "tk_row", "tk_output", "_rowbase", "_verified"):
        assert getattr(read_back, name) == getattr(own, name), name
    assert read_back.tk_nextmove.typecode == own.tk_nextmove.typecode
    assert read_back.tk_row.typecode == own.tk_row.typecode
    for name in ("nb_ptc", "nb_pc"):
        ours, theirs = getattr(read_back, name), getattr(own, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    for text in TEXTS:
        assert read_back.classify(text) == own.classify(text)
    with pytest.raises(ValueError):
        identifier_from_arrays({**model_arrays(own), "row": np.asarray(own.tk_row).astype(np.int16)})


def test_the_language_model_is_kept_once_and_read_by_later_processes(folder: Path) -> None:
    raw_identifier.cache_clear()
    try:
        first = raw_identifier()
        assert [p.name.split("-")[0] for p in folder.iterdir()] == ["py3langid"]
        raw_identifier.cache_clear()
        second = raw_identifier()  # read from the file this time
        assert second is not first
        for text in TEXTS:
            assert second.classify(text) == first.classify(text)
    finally:
        raw_identifier.cache_clear()


def test_the_gazetteer_read_back_is_the_one_made() -> None:
    made = gazetteer._made_gazetteer()
    read_back = gazetteer.gazetteer_from_arrays(gazetteer.gazetteer_arrays(made))
    assert read_back == made and list(read_back) == list(made)
    assert len(made) > 100_000 and made["osh"].kind in ("city", "region")


def test_the_city_table_read_back_is_the_one_made() -> None:
    cities, states = places._made_gazetteer()
    read_cities, read_states = places.place_table_from_arrays(places.place_table_arrays((cities, states)))
    assert read_cities == cities and read_states == states
    assert read_cities.names() == cities.names() and len(cities.names()) > 100_000
    for name in ("osh", "london", "paris", "springfield"):
        found = read_cities.get(name)
        assert found and found == cities.get(name)
        populations = [city.population for city in found]
        assert populations == sorted(populations, reverse=True)
    assert read_cities.get("no such place anywhere") is None
    assert states["texas"] == ("USA", None, None)


def test_the_city_table_is_the_dict_it_was_made_from() -> None:
    made = {
        "a": (places._City("A", "KGZ", 1.0, 2.0, 30),),
        "b": (places._City("B", "FRA", 3.0, 4.0, 20),) * 2,
    }
    table = places.CityTable.of(made)
    assert table.names() == ["a", "b"]
    assert table.get("a") == made["a"] and table.get("b") == made["b"] and table.get("c") is None
    assert table != places.CityTable.of({"b": made["b"], "a": made["a"]})  # order is part of the table


def test_a_city_table_of_inconsistent_arrays_is_refused() -> None:
    arrays = places.CityTable.of({"a": (places._City("A", "KGZ", 1.0, 2.0, 30),)}).arrays()
    for broken in (
        {**arrays, "counts": np.array([2])},
        {**arrays, "counts": np.array([0]), "rows": np.array([], dtype=np.int64)},
        {**arrays, "rows": np.array([5])},
        {**arrays, "rows": np.array([-1])},
    ):
        with pytest.raises(ValueError):
            places.CityTable.from_arrays(broken)
