"""``storyline serve``: a REST API and a server-rendered web UI over one database (see docs/serve.md)."""

from storyline.serve.app import create_app

__all__ = ["create_app"]
