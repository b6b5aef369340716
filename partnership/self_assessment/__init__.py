"""Section 11 and schools self-assessment rounds, from launch to moderation."""

from __future__ import annotations

from flask import Flask

from partnership.policy import attachable


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.self_assessment import models
    from partnership.self_assessment.views import bp

    app.register_blueprint(bp)
    attachable("assessment_return", models.AssessmentReturn, "complete")
