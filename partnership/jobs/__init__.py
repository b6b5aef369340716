"""Background work: one queue of jobs in the database, run by ``flask worker run``.

Features register the handlers for their kinds of job with
:func:`partnership.jobs.services.handler` when the app is created; this package imports
nothing from them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the job table and the ``flask worker ...`` commands."""
    from partnership.jobs import models  # noqa: F401  (the table, for migrations)
    from partnership.jobs.cli import worker_cli

    app.cli.add_command(worker_cli)
