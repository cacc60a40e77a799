"""Turn the paths a user gives (files, directories, globs) into the files to read."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyline.model import ReadError

_GLOB_CHARS = set("*?[")


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not _is_hidden(path, directory):
            yield path


def _is_special(path: Path) -> bool:
    """A device, FIFO or socket: reading one can block for ever (a FIFO, ``/dev/stdin``) or never end
    (``/dev/zero``), so only regular files are read."""
    return path.is_block_device() or path.is_char_device() or path.is_fifo() or path.is_socket()


def discover(paths: Iterable[str | Path]) -> Iterator[Path | ReadError]:
    """Every regular file named by ``paths``: directories recursively (hidden files skipped), globs expanded.

    A path that names nothing, a directory with no files, or a device, FIFO or socket is reported as a
    :class:`ReadError`; special files met inside directories and globs are skipped.
    """
    for given in paths:
        text = str(given)
        path = Path(text)
        if path.is_file():
            yield path
        elif _is_special(path):
            yield ReadError(text, "not a regular file (a device, FIFO or socket): not read")
        elif path.is_dir():
            files = list(_walk(path))
            if not files:
                yield ReadError(text, "directory has no readable files")
            yield from files
        elif _GLOB_CHARS & set(text):
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                yield ReadError(text, "pattern matches no files")
            yield from files
        else:
            yield ReadError(text, "no such file or directory")
