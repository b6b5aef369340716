"""Pages that belong to no one feature: home, accessibility statement, health check."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages blueprint and the template helpers every page uses."""
    from partnership.audit.history import changes_in_words, history_in_words
    from partnership.pages.links import link_to, may_follow, may_open
    from partnership.pages.navigation import navigation_for
    from partnership.pages.views import bp
    from partnership.policy import can

    app.register_blueprint(bp)
    # Globals, not context: macros imported without context call them too.
    app.jinja_env.globals.update(may_follow=may_follow, may_open=may_open, link_to=link_to,
                                 history_in_words=history_in_words,
                                 changes_in_words=changes_in_words)

    @app.context_processor
    def layout_helpers() -> dict[str, object]:
        return {"can": can, "navigation_for": navigation_for,
                "service_name": app.config["SERVICE_NAME"]}
