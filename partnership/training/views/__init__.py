"""The training programme's pages: one blueprint for a partnership's programme
(``/partnerships/<slug>/training``) and one for the landing page across partnerships
(``/training``). ``programme`` holds courses, sessions, attendance, evaluations and
follow-ups; ``uptake`` the uptake table, expected places, follow-ups due, settings and the
import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize
from partnership.kernel.dates import long_date, year_label
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.training.services.programme import objective_label

bp = Blueprint("training", __name__, url_prefix="/partnerships/<slug>/training")
bp_all = Blueprint("training_all", __name__, url_prefix="/training")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the programme's pages their way of writing dates, years and priorities."""
    return {"long_date": long_date, "year_label": year_label,
            "objective_label": objective_label}


def partnership_for(slug: str) -> Partnership:
    """The partnership whose programme it is (404 if the reader does not serve it)."""
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def user() -> Any:
    """The signed-in user."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def try_again(message: str, back: str) -> Response:
    """Say a button's form could not be used, and go back."""
    flash(message, "error")
    return redirect(back)


def session_url(slug: str, session_id: int) -> str:
    """A session's page."""
    return url_for("training.session", slug=slug, training_session_id=session_id)


from partnership.training.views import programme, uptake  # noqa: E402,F401 - routes on bp
