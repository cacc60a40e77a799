"""Exceptions that front ends catch and report, kept free of heavy imports."""

from __future__ import annotations


class ModelNotInstalledError(RuntimeError):
    """A model package the pipeline needs is missing from the environment (the message names it)."""
