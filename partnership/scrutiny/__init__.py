"""Independent scrutiny: the yearly plan, activities, findings and responses."""

from __future__ import annotations

from flask import Flask, url_for

from partnership.policy import attachable


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.evidence.owners import owner_page
    from partnership.scrutiny import models
    from partnership.scrutiny.views import bp

    app.register_blueprint(bp)
    attachable("scrutiny_activity", models.ScrutinyActivity, "report")
    owner_page("scrutiny_activity", lambda activity: url_for(
        "scrutiny.activity", slug=activity.plan.partnership.slug, activity_id=activity.id,
        _anchor="findings"))
