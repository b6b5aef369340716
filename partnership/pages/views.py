"""The home page per role, the accessibility statement, health check and asset files."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user
from werkzeug.wrappers import Response

from config import BASE_DIR
from partnership.access import requires
from partnership.extensions import db
from partnership.pages.assurance import assurance_overview
from partnership.policy import Role, readable
from partnership.register.models import Partnership

bp = Blueprint("pages", __name__)
GOVUK_ASSETS = BASE_DIR / "static" / "build" / "assets"


@bp.route("/")
@requires("view", "home")
def home() -> str:
    """Show the signed-in user what needs them, by role."""
    partnerships = (db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                       .order_by(Partnership.name)).all()
                    if current_user.role is Role.ADMIN else [])
    return render_template("pages/home.html", user=current_user, partnerships=partnerships)


@bp.route("/assurance")
@requires("view", "home")
def assurance() -> str:
    """Show where each partnership's assurance work stands, with a way into each part."""
    return render_template("pages/assurance.html", overview=assurance_overview())


@bp.route("/accessibility-statement")
def accessibility() -> str:
    """Publish the accessibility statement (public)."""
    return render_template("pages/accessibility.html")


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """Report whether the app can reach its database (public, no detail on failure)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/assets/<path:filename>")
def assets(filename: str) -> Response:
    """Serve GOV.UK Frontend's fonts and images where its stylesheet expects them."""
    return send_from_directory(GOVUK_ASSETS, filename, max_age=86400)
