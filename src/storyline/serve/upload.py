"""``POST /api/ingest`` (only with ``serve --allow-ingest``): store uploaded files, run the stages.

A client's file name is never used as a path: it must be a plain name (no folder, no ``..``, no control
characters); the bytes go to a fresh temporary folder, are ingested from there and the folder is removed.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile

import storyline

router = APIRouter(prefix="/api")
#: A plain file name: letters, digits, dot, dash, underscore; not starting with a dot.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")
#: Files per upload.
MAX_FILES = 100


def checked_name(name: str | None) -> str:
    """``name`` if it is a plain file name, else a 400 naming it (path traversal and odd names refused)."""
    if not name or not _PLAIN_NAME.fullmatch(name) or ".." in name:
        raise HTTPException(
            status_code=400, detail=f"file name {name!r} refused: use a plain name like a.html"
        )
    return name


@router.post("/ingest", summary="Upload files to ingest, then run every stage (needs --allow-ingest)")
def ingest(request: Request, files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
    if len(files) > MAX_FILES:
        raise HTTPException(status_code=400, detail=f"more than {MAX_FILES} files in one upload")
    names = [checked_name(f.filename) for f in files]
    if len(set(names)) != len(names):
        raise HTTPException(status_code=400, detail="two uploaded files have the same name")
    with tempfile.TemporaryDirectory(prefix="storyline-upload-") as folder:
        for name, upload in zip(names, files, strict=True):
            with (Path(folder) / name).open("wb") as out:
                while chunk := upload.file.read(1 << 20):
                    out.write(chunk)
        try:
            with storyline.open(request.app.state.db) as sl:
                report = sl.ingest([folder])
                stages = sl.process()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise HTTPException(
                    status_code=409, detail="another writer holds the database; try again when it is done"
                ) from exc
            raise
    return {
        "summary": report.summary(),
        "new": report.new,
        "errors": [str(e).replace(folder, "upload") for e in report.errors],
        "stages": stages,
    }
