"""Pages that belong to no one feature: home, accessibility statement, health check."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages blueprint and the template helpers every page uses."""
    from partnership.pages.navigation import navigation_for
    from partnership.pages.views import bp
    from partnership.policy import can

    app.register_blueprint(bp)

    @app.context_processor
    def layout_helpers() -> dict[str, object]:
        return {"can": can, "navigation_for": navigation_for,
                "service_name": app.config["SERVICE_NAME"]}
