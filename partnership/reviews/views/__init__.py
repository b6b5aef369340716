"""Case review pages: one module per area, each with its own blueprint named ``bp``.

The helpers here are shared by every case review page: find a record after asking the
policy (a refusal is a 404), go back to the case, show problems and conflicts in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from flask import flash, redirect, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from partnership.access import authorize
from partnership.editing import EditConflict, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.enums import LabelledEnum
from partnership.reviews.models import Case


def case_for(verb: str, case_id: int) -> Case:
    """Ask about the realm, find the case (404 if none), ask about the case itself."""
    authorize(verb, "cases", hide=True)
    case = db.get_or_404(Case, case_id)
    authorize(verb, case)
    return case


def record_for(verb: str, model: type, record_id: int) -> Any:
    """Ask about the realm, find a record of a case (404 if none), ask about it."""
    authorize(verb, "cases", hide=True)
    record = db.get_or_404(model, record_id)
    authorize(verb, record)
    return record


def to_case(case: Case, anchor: str, message: str | None = None) -> Response:
    """Back to the case page at a section, with a success banner if something was saved."""
    if message:
        flash(message, "success")
    return redirect(url_for("cases.detail", case_id=case.id, _anchor=anchor))


def shown(value: Any) -> Any:
    """A stored value in words, for the conflict page."""
    if value is None or value == "":
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, dt.date):
        return long_date(value)
    if hasattr(value, "__table__") and hasattr(value, "name"):
        return value.name
    return value


def conflict_page(form: FlaskForm, conflict: EditConflict, names: Iterable[str],
                  mine: dict[str, Any], theirs: Callable[[str], Any], *,
                  title: str, cancel_url: str) -> tuple[str, int]:
    """Show this user's values beside the saved ones (in words) for the form's fields."""
    db.session.rollback()
    record = conflict.obj
    names = list(names)
    snapshot = SimpleNamespace(id=record.id, version=record.version,
                               **{name: shown(theirs(name)) for name in names})
    return render_conflict(EditConflict(snapshot, {name: shown(mine[name]) for name in names}),
                           form, title=title, cancel_url=cancel_url)
