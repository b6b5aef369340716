"""Pages for writing, signing off, publishing and reading the threshold document."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import record_event
from partnership.documents.delivery import pdf_response
from partnership.editing import EditConflict, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError, NotFound
from partnership.publishing import workflow
from partnership.publishing.views import (
    publish_from_form,
    published_file_response,
    sign_from_form,
)
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.thresholds import services
from partnership.thresholds.document import draft_html, draft_pdf_request
from partnership.thresholds.forms import MoveForm, SectionForm, ThresholdRoundForm
from partnership.thresholds.models import ThresholdSection, ThresholdVersion
from partnership.web import refused, run_service

bp = Blueprint("thresholds", __name__, url_prefix="/partnerships/<slug>/thresholds")


def _version(partnership: Partnership, version_id: int) -> ThresholdVersion:
    version = db.get_or_404(ThresholdVersion, version_id)
    if version.partnership_id != partnership.id:
        abort(404)
    return version


def _section(partnership: Partnership, section_id: int) -> ThresholdSection:
    try:
        return services.section_of(partnership, section_id)
    except NotFound:
        abort(404)


def _overview(slug: str, anchor: str | None = None) -> str:
    return url_for("thresholds.overview", slug=slug, _anchor=anchor)


def _detail(version: ThresholdVersion) -> str:
    return url_for("thresholds.version_detail", slug=version.partnership.slug,
                   threshold_version_id=version.id)


@bp.route("")
@requires("view", "thresholds")
def overview(slug: str) -> str:
    """Show the sections, the open sign-off round and every version."""
    partnership = partnership_or_404(slug)
    current_round = services.open_round(partnership)
    lines = workflow.sign_off_lines(current_round) if current_round else []
    return render_template(
        "thresholds/overview.html", partnership=partnership,
        sections=services.entries(partnership), current_round=current_round,
        round_lines=lines, round_waiting=workflow.waiting_words(lines),
        latest=services.latest_published(partnership), versions=services.versions(partnership),
        confirm=ConfirmForm(), suggested=services.STARTING_STRUCTURE)


@bp.route("/preview")
@requires("view", "thresholds")
def preview(slug: str) -> Response:
    """Show the draft as a reader would get it, marked DRAFT."""
    return Response(draft_html(partnership_or_404(slug)), mimetype="text/html")


@bp.route("/draft.pdf")
@requires("view", "thresholds")
def draft_pdf(slug: str) -> Response:
    """Download the draft as a PDF rendered by the worker (audited as an export when sent)."""
    partnership = partnership_or_404(slug)
    response = pdf_response(draft_pdf_request(partnership),
                            services.draft_filename(partnership), download=True,
                            back_url=_overview(slug), back_text="Back to the threshold document")
    if response.status_code == 200:
        record_event("export", record_type="partnership", record_id=partnership.id,
                     changes={"document": "threshold document draft PDF"})
    return response


@bp.route("/sections/suggested", methods=["POST"])
@requires("edit", "thresholds")
def sections_suggested(slug: str) -> Response:
    """Start an empty document with the suggested sections, for the team to rewrite."""
    partnership = partnership_or_404(slug)
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            services.start_with_suggested_sections(partnership)
        if step.done:
            flash("The suggested sections are added: rewrite each in your partnership's words",
                  "success")
    return redirect(_overview(slug))


@bp.route("/sections/new", methods=["GET", "POST"])
@requires("edit", "thresholds")
def section_new(slug: str) -> str | Response:
    """Add a section at the end of the document."""
    partnership = partnership_or_404(slug)
    form = SectionForm()
    if form.validate_on_submit():
        with run_service(form, default="heading") as step:
            row = services.add_section(partnership, form.heading.data or "",
                                       form.markdown.data or "")
            heading = row.heading
        if step.done:
            flash(f"{heading} added", "success")
            return redirect(_overview(slug, "sections"))
    return render_template("thresholds/section_form.html", form=form, partnership=partnership,
                           section=None)


@bp.route("/sections/<int:threshold_section_id>", methods=["GET", "POST"])
@requires("edit", "thresholds")
def section_edit(slug: str, threshold_section_id: int) -> str | Response | tuple[str, int]:
    """Edit a section's heading and text, without overwriting someone else's edit."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, threshold_section_id)
    form = SectionForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
    back = _overview(slug, f"section-{row.id}")
    if form.validate_on_submit():
        try:
            changed = services.edit_section(row, form.version.data, form.heading.data or "",
                                            form.markdown.data or "")
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.heading} was changed while you "
                                         "were editing")
        except DomainError as refusal:
            refused(form, refusal, default="heading")
        else:
            if changed:
                flash(f"{row.heading} saved", "success")
            return redirect(back)
    return render_template("thresholds/section_form.html", form=form, partnership=partnership,
                           section=row)


@bp.route("/sections/<int:threshold_section_id>/remove", methods=["GET", "POST"])
@requires("edit", "thresholds")
def section_remove(slug: str, threshold_section_id: int) -> str | Response:
    """Ask, then remove a section from the document."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, threshold_section_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        heading = row.heading
        services.remove_section(row)
        db.session.commit()
        flash(f"{heading} removed", "success")
        return redirect(_overview(slug, "sections"))
    return render_template("thresholds/section_remove.html", form=form,
                           partnership=partnership, section=row)


@bp.route("/sections/<int:threshold_section_id>/move", methods=["POST"])
@requires("edit", "thresholds")
def section_move(slug: str, threshold_section_id: int) -> Response:
    """Move a section one place up or down."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, threshold_section_id)
    form = MoveForm()
    if form.validate_on_submit():
        with run_service() as step:
            moved = services.move_section(row, form.direction.data or "")
        if step.done and moved:
            flash(f"{row.heading} moved {form.direction.data}", "success")
    return redirect(_overview(slug, f"section-{row.id}"))


@bp.route("/versions/new", methods=["GET", "POST"])
@requires("edit", "thresholds")
def version_new(slug: str) -> str | Response:
    """Start a sign-off round: a draft version the three partners are asked to sign off."""
    partnership = partnership_or_404(slug)
    form = ThresholdRoundForm()
    if request.method == "GET":
        form.title.data = services.default_title(partnership, clock.today())
    if form.validate_on_submit():
        with run_service(form, default="title") as step:
            version = services.start_round(partnership, form.title.data or "")
            title, version_id = version.title, version.id
        if step.done:
            flash(f"Sign-off round started for “{title}”", "success")
            return redirect(url_for("thresholds.version_detail", slug=slug,
                                    threshold_version_id=version_id))
    return render_template("thresholds/version_new.html", form=form, partnership=partnership)


@bp.route("/versions/<int:threshold_version_id>")
@requires("view", "thresholds")
def version_detail(slug: str, threshold_version_id: int) -> str:
    """Show one version: its sign-offs, what changed for a partner who must sign again, and
    its PDF once published."""
    partnership = partnership_or_404(slug)
    version = _version(partnership, threshold_version_id)
    return render_template("thresholds/version_detail.html", partnership=partnership,
                           version=version, panel=workflow.panel(version, current_user))


@bp.route("/versions/<int:threshold_version_id>/sign-off", methods=["POST"])
@requires("sign_off", "thresholds")
def version_sign_off(slug: str, threshold_version_id: int) -> Response:
    """Sign a draft off, as it reads now, for the partner the user signs for."""
    version = _version(partnership_or_404(slug), threshold_version_id)
    return sign_from_form(version, _detail(version))


@bp.route("/versions/<int:threshold_version_id>/publish", methods=["POST"])
@requires("publish", "thresholds")
def version_publish(slug: str, threshold_version_id: int) -> Response:
    """Publish a draft all three partners have signed off as it reads now."""
    version = _version(partnership_or_404(slug), threshold_version_id)
    return publish_from_form(version, _detail(version))


@bp.route("/versions/<int:threshold_version_id>/withdraw", methods=["POST"])
@requires("edit", "thresholds")
def version_withdraw(slug: str, threshold_version_id: int) -> Response:
    """Close a sign-off round without publishing it."""
    version = _version(partnership_or_404(slug), threshold_version_id)
    title, back = version.title, _detail(version)
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    with run_service() as step:
        workflow.withdraw(version)
    if not step.done:
        return redirect(back)
    flash(f"The sign-off round for “{title}” is withdrawn", "success")
    return redirect(_overview(slug))


@bp.route("/versions/<int:threshold_version_id>.pdf")
@requires("view", "thresholds")
def version_pdf(slug: str, threshold_version_id: int) -> Response:
    """Read a published version's PDF in the browser, or download it with ?download=1."""
    version = _version(partnership_or_404(slug), threshold_version_id)
    if not version.published:
        abort(404)
    return published_file_response(version, download=request.args.get("download") == "1",
                                   back=_detail(version), back_text="Back to the version")
