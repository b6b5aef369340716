"""Content-addressed renders, made by the worker."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the render table and the render-document job handler."""
    from partnership.documents import models  # noqa: F401
