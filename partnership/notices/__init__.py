"""Telling people what is due: weekly digests, immediate notices, the notification centre,
mail through an outbox, and the scheduled jobs that run each of them once.

Notices sits above the features: it reads their records and rules (``sources``), and no
feature imports it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages, the jobs and their schedules, and the listener."""
    from partnership.notices import models  # noqa: F401  (the tables, for migrations)
    from partnership.notices.assignments import install_listener
    from partnership.notices.cli import notices_cli
    from partnership.notices.schedules import register_schedules
    from partnership.notices.views import bp, unread_for_header

    app.register_blueprint(bp)
    app.cli.add_command(notices_cli)
    register_schedules()
    install_listener()
    app.jinja_env.globals.update(notices_unread=unread_for_header)
