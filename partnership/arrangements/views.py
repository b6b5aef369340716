"""Pages for drafting, signing off, publishing, reading and comparing the arrangements."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.accounts.forms import ConfirmForm
from partnership.arrangements import services
from partnership.arrangements.document import draft_html, draft_pdf_request_of
from partnership.arrangements.forms import CompareForm, NarrativeSectionForm, SignOffRoundForm
from partnership.arrangements.models import ArrangementsVersion, Section
from partnership.audit.services import record_event
from partnership.documents.delivery import pdf_response
from partnership.documents.renders import DocumentBuild
from partnership.editing import EditConflict, apply_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.publishing import workflow
from partnership.publishing.views import (
    publish_from_form,
    published_file_response,
    sign_from_form,
)
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import run_service

bp = Blueprint("arrangements", __name__, url_prefix="/partnerships/<slug>/arrangements")


def _version(partnership: Partnership, version_id: int) -> ArrangementsVersion:
    version = db.get_or_404(ArrangementsVersion, version_id)
    if version.partnership_id != partnership.id:
        abort(404)
    return version


def _compare_form(partnership: Partnership, *, formdata: object = None) -> CompareForm:
    published = services.published_versions(partnership)
    form = CompareForm(formdata=formdata)
    choices = [(v.id, f"{v.title} ({long_date(v.published_at.date())})")
               for v in published if v.published_at]
    form.older.choices = form.newer.choices = choices
    if formdata is None and len(published) >= 2:
        form.older.data, form.newer.data = published[1].id, published[0].id
    return form


@bp.route("")
@requires("view", "arrangements")
def overview(slug: str) -> str:
    """Show the draft's sign-off status, its narrative sections and every version."""
    partnership = partnership_or_404(slug)
    current_round = services.open_round(partnership)
    lines = workflow.sign_off_lines(current_round) if current_round else []
    return render_template(
        "arrangements/overview.html",
        partnership=partnership,
        narrative=services.narrative(partnership),
        current_round=current_round,
        round_lines=lines,
        round_waiting=workflow.waiting_words(lines),
        latest=services.latest_published(partnership),
        versions=services.versions(partnership),
        compare_form=_compare_form(partnership),
    )


@bp.route("/preview")
@requires("view", "arrangements")
def preview(slug: str) -> Response:
    """Show the current draft as the document a reader would get, marked DRAFT."""
    return Response(draft_html(partnership_or_404(slug)), mimetype="text/html")


@bp.route("/draft.pdf")
@requires("view", "arrangements")
def draft_pdf(slug: str) -> Response:
    """Download the current draft as a PDF rendered by the worker (audited as an export
    when it is sent; until then the page says it is being prepared)."""
    partnership = partnership_or_404(slug)
    # Built and rendered by the worker: the page only queues it.
    build = DocumentBuild(draft_pdf_request_of,
                          {"partnership_id": partnership.id, "day": clock.today().isoformat()})
    response = pdf_response(build, services.draft_filename(partnership), download=True,
                            back_url=url_for("arrangements.overview", slug=slug),
                            back_text="Back to the arrangements")
    if response.status_code == 200:
        record_event("export", record_type="partnership", record_id=partnership.id,
                     changes={"document": "arrangements draft PDF"})
    return response


@bp.route("/sections/<section>", methods=["GET", "POST"])
@requires("edit", "arrangements")
def section_edit(slug: str, section: str) -> str | Response | tuple[str, int]:
    """Write one narrative section in Markdown, without overwriting someone else's edit."""
    partnership = partnership_or_404(slug)
    try:
        chosen = Section(section)
    except ValueError:
        abort(404)
    row = services.narrative_section(partnership, chosen)
    form = NarrativeSectionForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
    if form.validate_on_submit():
        values = {"markdown": (form.markdown.data or "").replace("\r\n", "\n")}
        back = url_for("arrangements.overview", slug=slug, _anchor=f"section-{section}")
        try:
            if apply_edit(row, form.version.data, values):
                services.commit_section(row, values)
                flash(f"{row.section.title} saved", "success")
            return redirect(back)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{chosen.title} was changed while you were editing")
    return render_template("arrangements/section_edit.html", form=form,
                           partnership=partnership, section=chosen)


@bp.route("/versions/new", methods=["GET", "POST"])
@requires("edit", "arrangements")
def version_new(slug: str) -> str | Response:
    """Start a sign-off round: a draft version the three partners are asked to sign off."""
    partnership = partnership_or_404(slug)
    form = SignOffRoundForm()
    if request.method == "GET":
        form.title.data = services.default_title(partnership, clock.today())
    if form.validate_on_submit():
        with run_service(form, default="title") as step:
            version = services.start_round(partnership, form.title.data or "")
        if step.done:
            flash(f"Sign-off round started for “{version.title}”", "success")
            return redirect(url_for("arrangements.version_detail", slug=slug,
                                    version_id=version.id))
    return render_template("arrangements/version_new.html", form=form,
                           partnership=partnership)


@bp.route("/versions/<int:version_id>")
@requires("view", "arrangements")
def version_detail(slug: str, version_id: int) -> str:
    """Show one version: its sign-offs, what is still needed, and its PDF once published."""
    partnership = partnership_or_404(slug)
    version = _version(partnership, version_id)
    return render_template(
        "arrangements/version_detail.html",
        partnership=partnership,
        version=version,
        panel=workflow.panel(version, current_user),
        published=version.published,
    )


@bp.route("/versions/<int:version_id>/sign-off", methods=["POST"])
@requires("sign_off", "arrangements")
def version_sign_off(slug: str, version_id: int) -> Response:
    """Sign a draft off, as it reads now, for the partner the user signs for."""
    version = _version(partnership_or_404(slug), version_id)
    return sign_from_form(version, _detail(version))


@bp.route("/versions/<int:version_id>/publish", methods=["POST"])
@requires("publish", "arrangements")
def version_publish(slug: str, version_id: int) -> Response:
    """Publish a draft all three partners have signed off as it reads now."""
    version = _version(partnership_or_404(slug), version_id)
    return publish_from_form(version, _detail(version))


def _detail(version: ArrangementsVersion) -> str:
    return url_for("arrangements.version_detail", slug=version.partnership.slug,
                   version_id=version.id)


@bp.route("/versions/<int:version_id>/withdraw", methods=["POST"])
@requires("edit", "arrangements")
def version_withdraw(slug: str, version_id: int) -> Response:
    """Close a sign-off round without publishing it."""
    version = _version(partnership_or_404(slug), version_id)
    title = version.title
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("arrangements.version_detail", slug=slug, version_id=version_id))
    with run_service() as step:
        workflow.withdraw(version)
    if not step.done:
        return redirect(url_for("arrangements.version_detail", slug=slug, version_id=version_id))
    flash(f"The sign-off round for “{title}” is withdrawn", "success")
    return redirect(url_for("arrangements.overview", slug=slug))


@bp.route("/versions/<int:version_id>.pdf")
@requires("view", "arrangements")
def version_pdf(slug: str, version_id: int) -> Response:
    """Read a published version's PDF in the browser, or download it with ?download=1."""
    version = _version(partnership_or_404(slug), version_id)
    if not version.published:
        abort(404)
    return published_file_response(version, download=request.args.get("download") == "1",
                                   back=_detail(version), back_text="Back to the version")


@bp.route("/compare")
@requires("view", "arrangements")
def compare(slug: str) -> str:
    """Show what changed in the register between two published versions."""
    partnership = partnership_or_404(slug)
    asked = "older" in request.args or "newer" in request.args
    form = _compare_form(partnership, formdata=request.args if asked else None)
    older = newer = None
    groups = None
    if asked and form.validate():
        older = services.with_snapshot(form.older.data)
        newer = services.with_snapshot(form.newer.data)
        if older is not None and newer is not None:
            groups = services.compare_versions(older, newer)
            record_event("view", record_type="arrangements_version",
                         record_id=f"{older.id}-{newer.id}",
                         changes={"compared": [older.id, newer.id]})
    return render_template("arrangements/compare.html", partnership=partnership, form=form,
                           older=older, newer=newer, groups=groups)
