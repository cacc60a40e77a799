"""The FastAPI application: the REST API under ``/api``, the web UI at ``/``, static files under ``/static``.

Read-only unless ``allow_ingest``; every request reads on a connection of its own (see
:class:`storyline.query.Reader`), so a running ingest never blocks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import storyline
from storyline.query import QueryError
from storyline.query.reader import DatabaseMissingError
from storyline.serve import api, web
from storyline.serve.security import DEFAULT_MAX_BODY_BYTES, SecurityMiddleware

STATIC = Path(__file__).parent / "static"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg")))
    return "; ".join(parts) or "invalid request"


def create_app(db: str | Path, allow_ingest: bool = False, max_body: int = DEFAULT_MAX_BODY_BYTES) -> Any:
    """The app over the database ``db``; ``allow_ingest`` adds ``POST /api/ingest`` (file uploads)."""
    app = FastAPI(
        title="Storyline",
        version=storyline.__version__,
        description="Search, browse and export a Storyline record. See docs/serve.md.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.db = Path(db)
    app.state.allow_ingest = allow_ingest

    async def query_error(request: Request, exc: Exception) -> Response:
        status = 503 if isinstance(exc, DatabaseMissingError) else 400
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return web.html_error(request, status, str(exc))

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        message = _validation_message(exc)
        if _wants_json(request):
            errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
            return JSONResponse({"detail": message, "errors": errors}, status_code=422)
        return web.html_error(request, 400, message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if _wants_json(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return web.html_error(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(QueryError, query_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.include_router(api.router)
    if allow_ingest:
        from storyline.serve import upload

        app.include_router(upload.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, max_body=max_body)
    return app


#: How ``storyline serve --workers N`` hands its settings to each worker process.
DB_VARIABLE = "STORYLINE_SERVE_DB"
INGEST_VARIABLE = "STORYLINE_SERVE_ALLOW_INGEST"


def app_from_environment() -> Any:
    """The app for one of several uvicorn worker processes (they import it by name, so settings travel in
    the environment)."""
    import os

    return create_app(os.environ[DB_VARIABLE], allow_ingest=os.environ.get(INGEST_VARIABLE) == "1")
