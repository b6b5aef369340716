"""Multi-agency case audits: sample, graded returns, moderation, findings and actions."""

from __future__ import annotations

from flask import Flask

from partnership.policy import attachable


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.case_audits import models
    from partnership.case_audits.views import bp

    app.register_blueprint(bp)
    attachable("audit_return", models.AuditReturn, "complete")
