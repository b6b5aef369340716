"""User accounts, sign-in and server-side sessions."""

from __future__ import annotations

from flask import Flask, session

from partnership.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Register the blueprint, the CLI and the session-backed user loader."""
    from partnership.accounts import services
    from partnership.accounts.cli import users_cli
    from partnership.accounts.models import User
    from partnership.accounts.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """Accept the cookie only while its server-side session is live."""
        live = services.session_for(session.get("sid"))
        user = db.session.get(User, live.user_id) if live else None
        if user is None or str(user.id) != user_id or not user.is_active:
            session.clear()
            return None
        return user
