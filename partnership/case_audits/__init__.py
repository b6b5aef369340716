"""Multi-agency case audits: sample, graded returns, moderation, findings and actions."""

from __future__ import annotations

from flask import Flask

from partnership.policy import attachable


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.case_audits import models, services
    from partnership.case_audits.views import bp, everywhere

    app.register_blueprint(bp)
    app.register_blueprint(everywhere)
    # The agency lead's home page lists the returns their agency still has to send.
    app.jinja_env.globals.update(audits_waiting=services.waiting_for)
    attachable("audit_return", models.AuditReturn, "complete")
