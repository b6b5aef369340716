"""The pages of evidence: download a file, remove one, and the partnership's quota.

A file is downloaded only by someone who may see the record it is attached to (anyone else
gets 404, as for a hidden record), always as an attachment with the type read from its
content, never cached, and every download is written to the audit trail.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.views import safe_next
from partnership.evidence import services
from partnership.evidence.models import EvidenceFile
from partnership.evidence.owners import page_of
from partnership.kernel.errors import NotFound
from partnership.policy import can
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import run_service

bp = Blueprint("evidence", __name__, url_prefix="/evidence")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the evidence pages their way of writing sizes."""
    return {"human_size": services.human_size}


@bp.record_once
def _partnership_pages(state: Any) -> None:
    """The quota page sits under its partnership (/partnerships/<slug>/evidence), outside the
    blueprint's prefix, and is still one of its endpoints."""
    state.app.add_url_rule("/partnerships/<slug>/evidence", "evidence.quota", quota)


def content_disposition(filename: str) -> str:
    """``attachment`` with the name twice: plain ASCII for old clients, and UTF-8 (RFC 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _file(file_id: int, verb: str = "view") -> EvidenceFile:
    """The file, if the user may see its record (404 otherwise) and may ``verb`` it (403)."""
    evidence = services.file_or_404(file_id)
    if evidence.removed_at is not None:
        abort(404)
    authorize("view", evidence, hide=True)
    if verb != "view":
        authorize(verb, evidence)
    return evidence


@bp.route("/<int:file_id>")
@requires("view", "evidence")
def download(file_id: int) -> Response:
    """Send the file's bytes to someone who may see its record, and audit it."""
    evidence = _file(file_id)
    try:
        stream = services.open_file(evidence)
    except NotFound:
        abort(404)
    services.record_download(evidence)
    response = send_file(stream, mimetype=evidence.media_type, conditional=False, etag=False,
                         last_modified=None, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(evidence.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:file_id>/remove", methods=["POST"])
def remove(file_id: int) -> Response:
    """Remove a file from its record (the row and the audit trail keep what it was)."""
    authorize("view", "evidence")  # signed in, before anything is looked up
    evidence = _file(file_id, "attach")
    # A button: the CSRF token (checked for every POST) and the page to go back to.
    back = safe_next(request.form.get("next")) or page_of(evidence) or url_for("pages.home")
    if FlaskForm().validate_on_submit():
        with run_service() as step:
            services.remove(evidence, current_user)
        if step.done:
            flash(f"File removed: {evidence.filename}", "success")
    return redirect(back)


@requires("manage", "evidence")
def quota(slug: str) -> str:
    """The partnership's evidence files against its quota: by kind of record, largest first."""
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    largest = services.largest_files(partnership.id)
    return render_template(
        "evidence/quota.html", partnership=partnership, usage=services.usage(partnership.id),
        by_kind=services.usage_by_kind(partnership.id), largest=largest,
        pages={evidence.id: page_of(evidence) for evidence in largest},
        can_remove={evidence.id: can(current_user, "attach", evidence)
                    for evidence in largest})
