"""Searching the audit trail."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from partnership import policy
from partnership.access import requires
from partnership.audit.forms import AuditSearchForm
from partnership.audit.services import AuditFilter, search_statement
from partnership.extensions import db
from partnership.web import query_id

bp = Blueprint("audit", __name__)


@bp.route("/audit")
@requires("view", "audit_log")
def search() -> tuple[str, int]:
    """Search the audit log by user, record, action and date."""
    form = AuditSearchForm(request.args)
    valid = form.validate() if request.args else True
    criteria = AuditFilter()
    if valid:
        criteria = AuditFilter(
            actor=form.actor.data or None,
            action=form.action.data or None,
            record_type=form.record_type.data or None,
            record_id=form.record_id.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    served = None if policy.serves_all(current_user) else policy.served(current_user)
    page = db.paginate(search_statement(criteria, served), per_page=current_app.config["PAGE_SIZE"],
                       page=request.args.get("page", 1, type=query_id), count=True)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/search.html", form=form, page=page, args=args), 200
