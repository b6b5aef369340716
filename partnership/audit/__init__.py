"""The audit trail: every change, sign-in, refusal, view of a restricted record and export."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the search page and the change recorder."""
    from partnership.access import record_refusals_with
    from partnership.audit.services import install_listeners, record_event
    from partnership.audit.views import bp

    install_listeners()
    record_refusals_with(record_event)
    app.register_blueprint(bp)
