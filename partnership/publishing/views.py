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
from partnership.kernel.dates import long_date
from partnership.policy import can
from partnership.publishing import deputies, published, workflow
from partnership.publishing.documents import SignedDocument, document_for, document_of
from partnership.publishing.forms import DelegationForm, PaperVersionForm, SignOffForm
from partnership.publishing.models import Delegation
from partnership.register.models import Person, Representative
from partnership.register.services.partnerships import partners_in_order, partnership_or_404
from partnership.web import run_service

bp = Blueprint("publishing", __name__, url_prefix="/partnerships/<slug>/deputies")
# Every signed document's versions, whatever their kind: as published, and entered from paper.
signed = Blueprint("signed", __name__, url_prefix="/partnerships/<slug>/signed")
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


# --- a version as published, in the browser; a version entered from paper ------------------


def _signed_version(slug: str, document: str, version_id: int) -> tuple[SignedDocument, Any]:
    """Find a version of a kind of signed document in the partnership (404 otherwise)."""
    partnership = partnership_or_404(slug)
    try:
        adapter = document_for(document)
    except (KeyError, ValueError):
        abort(404)
    version = db.get_or_404(adapter.model, version_id)
    if adapter.partnership(version).id != partnership.id:
        abort(404)
    return adapter, version


@signed.route("/<document>/<int:version_id>")
@requires("view", "publishing")
def page(slug: str, document: str, version_id: int) -> Response:
    """Read a published version in the browser exactly as it was published (the HTML its PDF
    is made from); ``?file=`` serves a file the page shows, such as the structure chart."""
    adapter, version = _signed_version(slug, document, version_id)
    authorize("view", version)
    if not version.published:
        abort(404)
    kept = workflow.published_page(version)
    name = request.args.get("file")
    if name is not None:
        body = published.page_file(kept, name)
        if body is None:
            abort(404)
        return Response(body, mimetype=published.media_type(name))
    record_event("view", record_type=version.__tablename__, record_id=version.id,
                 changes={"document": "published page"})
    return Response(published.page_html(adapter, version, kept), mimetype="text/html")


@signed.route("/<document>/<int:version_id>/paper", methods=["GET", "POST"])
@requires("record_paper", "publishing")
def paper(slug: str, document: str, version_id: int) -> str | Response:
    """Publish a draft as of an earlier date with the signatures it carried on paper."""
    adapter, version = _signed_version(slug, document, version_id)
    authorize("record_paper", version)
    partnership = adapter.partnership(version)
    partners = partners_in_order(partnership)
    form = PaperVersionForm()
    names = [partner.name_on(clock.today()) for partner in partners]
    form.name_partners(names)
    if version.published:
        if request.method == "POST":
            flash(f"“{adapter.title(version)}” is published already.", "error")
            return redirect(adapter.url(version))
    elif form.validate_on_submit():
        papers = [workflow.PaperSignature(partner, form[f"signed_by_{n}"].data or "",
                                          form[f"role_{n}"].data or "",
                                          form[f"signed_on_{n}"].data)
                  for n, partner in enumerate(partners[:workflow.PARTNERS_WHO_SIGN], start=1)]
        with run_service(form, default="published_on") as step:
            workflow.publish_on_paper(version, form.published_on.data, papers, current_user)
        if step.done:
            flash(f"“{adapter.title(version)}” is published, dated "
                  f"{long_date(version.published_on)}, with its paper signatures", "success")
            return redirect(adapter.url(version))
    return render_template("publishing/paper.html", partnership=partnership, form=form,
                           version=version, adapter=adapter,
                           partner_names=names[:workflow.PARTNERS_WHO_SIGN])
