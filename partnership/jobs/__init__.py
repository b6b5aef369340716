"""Background work: one queue of jobs in the database, run by ``flask worker run``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the job table and the ``flask worker ...`` commands."""
    from partnership.jobs import models  # noqa: F401  (the table, for migrations)
