"""Import a Python file that belongs to no installed package (the shared scorers in ``../shared/eval``).

Benchmark scripts run as ``python benchmarks/NAME.py``, so this folder is first on ``sys.path`` and they
import this module by name; the floor test that runs ``clean_quality.py`` through ``runpy`` puts the folder
on the path itself.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def import_file(name: str, path: Path) -> ModuleType:
    """The module defined by the file at ``path``, imported under ``name``; a clear exit if it cannot be."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
