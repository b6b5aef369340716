"""Working on actions together: comments, requests for a new target date and their
decisions, and changing several actions in one step from the list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.views import safe_next
from partnership.actions import services
from partnership.actions.forms import (
    BulkUpdateForm,
    CommentForm,
    DateDecisionForm,
    DateRequestForm,
    WithdrawForm,
)
from partnership.actions.models import Action
from partnership.actions.views.blueprint import bp
from partnership.actions.views.tracker import date_request_page, detail_page
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.web import refused, run_service


def _back(action: Action, anchor: str = "comments") -> str:
    return url_for(".detail", action_id=action.id, _anchor=anchor)


@bp.route("/<int:action_id>/comments", methods=["POST"])
@requires("comment", "actions")
def comment(action_id: int) -> Response | tuple[str, int]:
    """Add a comment to an action."""
    action = services.action_or_404(action_id)
    authorize("comment", action)
    form = CommentForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            services.add_comment(action, current_user, form.body.data or "")
        if step.done:
            flash("Comment added", "success")
            return redirect(_back(action))
    return detail_page(action, comment_form=form)


@bp.route("/<int:action_id>/target-date", methods=["GET", "POST"])
@requires("request_date", "actions")
def date_request(action_id: int) -> str | Response:
    """Ask the owning body's chair or the team for a new target date."""
    action = services.action_or_404(action_id)
    authorize("request_date", action)
    form = DateRequestForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            asked = services.request_target_date(action, current_user, form.requested_due.data,
                                                 form.reason.data or "")
        if step.done:
            flash(f"Request sent: a new target date of {long_date(asked.requested_due)}, "
                  "waiting for a decision", "success")
            return redirect(_back(action))
    return date_request_page(action, form)


@bp.route("/<int:action_id>/target-date/withdraw", methods=["POST"])
@requires("request_date", "actions")
def date_withdraw(action_id: int) -> Response:
    """Withdraw the action's request for a new target date."""
    action = services.action_or_404(action_id)
    authorize("request_date", action)
    if WithdrawForm().validate_on_submit():
        with run_service() as step:
            services.withdraw_date_request(action, current_user)
        if step.done:
            flash("Request withdrawn", "success")
    return redirect(_back(action))


@bp.route("/<int:action_id>/target-date/decide", methods=["POST"])
@requires("decide_date", "actions")
def date_decide(action_id: int) -> Response | tuple[str, int]:
    """Approve or decline the pending request for a new target date, with reasons."""
    action = services.action_or_404(action_id)
    authorize("decide_date", action)
    form = DateDecisionForm()
    if services.pending_date_request(action) is None:
        flash("No request for a new target date is waiting for a decision", "info")
        return redirect(_back(action))
    if form.validate_on_submit():
        with run_service(form, default="decision") as step:
            decided = services.decide_date_request(
                action, int(form.request.data) if (form.request.data or "").isdigit() else None,
                current_user, form.decision.data == "approve", form.decision_reason.data or "")
        if step.done:
            flash(f"Request {decided.status.label.lower()}", "success")
            return redirect(_back(action))
    return detail_page(action, decision_form=form)


@bp.route("/bulk", methods=["GET", "POST"])
@requires("edit", "actions")
def bulk() -> str | Response:
    """Change the owner, lead, target date or status of the actions selected in the list,
    in one step: every action changes, or none does."""
    ids = [int(raw) for raw in request.values.getlist("action") if raw.isdigit()
           and len(raw) < 10]
    actions = services.selected_actions(ids)
    form = BulkUpdateForm(**services.bulk_options(actions, current_user))
    refusals: list[tuple[str, str]] = []
    # The versions the actions were selected at ride along, so a change made meanwhile is
    # caught as in a single edit.
    versions = {a.id: request.form.get(f"version-{a.id}") or str(a.version) for a in actions}
    back = safe_next(request.values.get("back")) or url_for(".index")
    if request.method == "POST" and form.validate_on_submit():
        try:
            changed = services.bulk_update(actions, versions, form.changes(), current_user)
        except services.BulkRefused as refusal:
            db.session.rollback()
            refusals = refusal.rows
        except DomainError as problem:
            refused(form, problem, "status")
        else:
            db.session.commit()
            flash(f"{len(changed)} action{'s' if len(changed) != 1 else ''} changed", "success")
            return redirect(back)
    return render_template("actions/bulk.html", form=form, actions=actions, refusals=refusals,
                           versions=versions, back=back)
