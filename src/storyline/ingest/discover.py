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


def discover(paths: Iterable[str | Path]) -> Iterator[Path | ReadError]:
    """Every file named by ``paths``: directories recursively (hidden files skipped), globs expanded.

    A path that names nothing, or a directory with no files, is reported as a :class:`ReadError`.
    """
    for given in paths:
        text = str(given)
        path = Path(text)
        if path.is_file():
            yield path
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
