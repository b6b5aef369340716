"""Pages of the publishing workflow: deputies; and the steps every signed document's pages
take the same way (sign, publish, serve the published file)."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import record_event
from partnership.extensions import db
from partnership.policy import can
from partnership.publishing import deputies, workflow
from partnership.publishing.documents import document_of
from partnership.publishing.forms import DelegationForm, SignOffForm
from partnership.publishing.models import Delegation
from partnership.register.models import Person, Representative
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import run_service

bp = Blueprint("publishing", __name__, url_prefix="/partnerships/<slug>/deputies")
PREPARING_SECONDS = 3


# --- the steps every signed document takes (called from each document's own routes) -------


def sign_from_form(version: Any, back: str) -> Response:
    """Sign the draft as it reads now, with the form's comment; refusals come back as a
    message on the version's page."""
    form = SignOffForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    title = document_of(version).title(version)
    with run_service() as step:
        workflow.sign(version, current_user, form.comment.data or "")
    if step.done:
        flash(f"You have signed off “{title}”", "success")
    return redirect(back)


def publish_from_form(version: Any, back: str) -> Response:
    """Publish a draft every partner signed as it reads now (from a confirm button)."""
    if ConfirmForm().validate_on_submit():
        title = document_of(version).title(version)
        with run_service() as step:
            workflow.publish(version)
        if step.done:
            flash(f"“{title}” is published", "success")
    return redirect(back)


def published_file_response(version: Any, *, download: bool, back: str,
                            back_text: str) -> Response:
    """Send a published version's stored file, or say it is being made (it is, once), or
    that it could not be made (with a way to try again)."""
    document = document_of(version)
    data = workflow.published_file(version)
    if data is None:
        if request.args.get("retry") == "1" and workflow.file_state(version).failed:
            workflow.retry_file(version)
            db.session.commit()
        state = workflow.file_state(version)
        here = request.path + ("?download=1" if download else "")
        context = {"title": ("The PDF could not be made" if state.failed
                             else "This PDF is being prepared"),
                   "state": state, "filename": document.file_name(version),
                   "back_url": back, "back_text": back_text, "refresh_url": here,
                   "refresh_seconds": PREPARING_SECONDS,
                   "retry_url": here + ("&" if download else "?") + "retry=1"}
        page = render_template("documents/preparing.html", **context)
        if state.failed:
            return Response(page, status=500)
        response = Response(page, status=202)
        response.headers["Retry-After"] = str(PREPARING_SECONDS)
        return response
    record_event("export" if download else "view", record_type=version.__tablename__,
                 record_id=version.id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=download,
                     download_name=document.file_name(version), etag=version.sha256,
                     last_modified=version.published_at)


# --- deputies ---------------------------------------------------------------------------------


@bp.route("")
@requires("view", "deputies")
def index(slug: str) -> str:
    """List who may sign off for each partner's representatives, and since when."""
    partnership = partnership_or_404(slug)
    return render_template("publishing/deputies.html", partnership=partnership,
                           rows=deputies.delegations(partnership),
                           confirm=ConfirmForm())


def _may_delegate(post: Representative) -> bool:
    """A representative names their own deputy; the team may record it for anyone."""
    return can(current_user, "edit", Delegation(lead_id=post.person_id))


def _lead_choices(partnership: Any) -> list[tuple[Any, str]]:
    today = clock.today()
    choices: list[tuple[Any, str]] = [("", "Select who is delegating")]
    for post in deputies.lead_posts(partnership, today):
        if _may_delegate(post):
            title = post.title or post.person.job_title
            who = f"{post.person.name}, {title}" if title else post.person.name
            choices.append((post.id, f"{who} ({post.partner.name_on(today)})"))
    return choices


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "deputies")
def new(slug: str) -> str | Response:
    """Name a deputy who may sign off for one of the partners' representatives."""
    partnership = partnership_or_404(slug)
    form = DelegationForm()
    form.lead.choices = _lead_choices(partnership)
    form.deputy.choices = [("", "Select the deputy"), *deputies.deputy_choices()]
    if form.validate_on_submit():
        lead = db.session.get(Representative, form.lead.data) if form.lead.data else None
        deputy = db.session.get(Person, form.deputy.data) if form.deputy.data else None
        if lead is not None and not _may_delegate(lead):
            authorize("edit", Delegation(lead_id=lead.person_id))
        with run_service(form, default="lead") as step:
            delegation = deputies.add_delegation(partnership, lead, deputy,
                                                 form.starts_on.data, form.ends_on.data,
                                                 current_user)
        if step.done:
            flash(f"{delegation.deputy.name} may now sign off for {delegation.lead.name}",
                  "success")
            return redirect(url_for("publishing.index", slug=slug))
    return render_template("publishing/deputy_new.html", partnership=partnership, form=form)


@bp.route("/<int:delegation_id>/end", methods=["POST"])
@requires("edit", "deputies")
def end(slug: str, delegation_id: int) -> Response:
    """End a delegation today."""
    partnership = partnership_or_404(slug)
    delegation = db.get_or_404(Delegation, delegation_id)
    if delegation.partnership_id != partnership.id:
        abort(404)
    authorize("edit", delegation)
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            deputies.end_delegation(delegation)
        if step.done:
            flash(f"{delegation.deputy.name} may no longer sign off for "
                  f"{delegation.lead.name} after today", "success")
    return redirect(url_for("publishing.index", slug=slug))
