"""Pages for drafting, signing off, publishing, reading and comparing the arrangements."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.accounts.forms import ConfirmForm
from partnership.arrangements import sections, services
from partnership.arrangements.document import draft_html, draft_pdf_request_of
from partnership.arrangements.figures import MAX_BYTES
from partnership.arrangements.forms import (
    CompareForm,
    FigureForm,
    MoveForm,
    NarrativeSectionForm,
    SignOffRoundForm,
)
from partnership.arrangements.models import ArrangementsVersion, Figure, NarrativeSection
from partnership.audit.services import record_event
from partnership.documents.delivery import pdf_response
from partnership.documents.renders import DocumentBuild
from partnership.editing import EditConflict, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError, NotFound
from partnership.publishing import workflow
from partnership.publishing.views import (
    publish_from_form,
    published_file_response,
    sign_from_form,
)
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, render_error, run_service

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
        sections=sections.entries(partnership),
        coverage=sections.coverage(partnership, clock.today()),
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


def _section(partnership: Partnership, section_id: int) -> NarrativeSection:
    try:
        return sections.section_of(partnership, section_id)
    except NotFound:
        abort(404)


def _overview(slug: str, anchor: str | None = None) -> str:
    return url_for("arrangements.overview", slug=slug, _anchor=anchor)


@bp.route("/sections/new", methods=["GET", "POST"])
@requires("edit", "arrangements")
def section_new(slug: str) -> str | Response:
    """Add a narrative section at the end, free or covering one statutory topic."""
    partnership = partnership_or_404(slug)
    form = NarrativeSectionForm()
    if form.validate_on_submit():
        with run_service(form, default="title") as step:
            row = sections.add_section(partnership, form.title.data or "", form.topic.data,
                                       form.markdown.data or "")
            title = row.title
        if step.done:
            flash(f"{title} added", "success")
            return redirect(_overview(slug, "sections"))
    return render_template("arrangements/section_edit.html", form=form, section_form=form,
                           partnership=partnership, section=None, figure_form=None)


@bp.route("/sections/<int:section_id>", methods=["GET", "POST"])
@requires("edit", "arrangements")
def section_edit(slug: str, section_id: int) -> str | Response | tuple[str, int]:
    """Edit a section's title, topic and text, without overwriting someone else's edit."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, section_id)
    form = NarrativeSectionForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
        form.topic.data = row.topic.value if row.topic else ""
    back = _overview(slug, f"section-{row.id}")
    if form.validate_on_submit():
        try:
            changed = sections.edit_section(row, form.version.data, form.title.data or "",
                                            form.topic.data, form.markdown.data or "")
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.title} was changed while you "
                                         "were editing")
        except DomainError as refusal:
            refused(form, refusal, default="title")
        else:
            if changed:
                flash(f"{row.title} saved", "success")
            return redirect(back)
    return render_template("arrangements/section_edit.html", form=form, section_form=form,
                           partnership=partnership, section=row, figure_form=FigureForm())


@bp.route("/sections/<int:section_id>/remove", methods=["GET", "POST"])
@requires("edit", "arrangements")
def section_remove(slug: str, section_id: int) -> str | Response:
    """Ask, then remove a section (and its figures) from the narrative."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, section_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = row.title
        sections.remove_section(row)
        db.session.commit()
        flash(f"{title} removed", "success")
        return redirect(_overview(slug, "sections"))
    return render_template("arrangements/section_remove.html", form=form,
                           partnership=partnership, section=row)


@bp.route("/sections/<int:section_id>/move", methods=["POST"])
@requires("edit", "arrangements")
def section_move(slug: str, section_id: int) -> Response:
    """Move a section one place up or down."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, section_id)
    form = MoveForm()
    if form.validate_on_submit():
        with run_service() as step:
            moved = sections.move_section(row, form.direction.data or "")
        if step.done and moved:
            flash(f"{row.title} moved {form.direction.data}", "success")
    return redirect(_overview(slug, f"section-{row.id}"))


@bp.route("/sections/<int:section_id>/figures", methods=["POST"])
@requires("edit", "arrangements")
def figure_new(slug: str, section_id: int) -> str | Response:
    """Add a picture to a section: refused next to its field, with nothing saved, if the
    file or its text will not do."""
    partnership = partnership_or_404(slug)
    row = _section(partnership, section_id)
    figure_form = FigureForm()
    if figure_form.validate_on_submit():
        upload = figure_form.image.data
        with run_service(figure_form, default="image") as step:
            sections.add_figure(row, upload.read(MAX_BYTES + 1), figure_form.alt.data or "",
                                figure_form.caption.data or "")
        if step.done:
            flash(f"Figure added to {row.title}", "success")
            return redirect(url_for("arrangements.section_edit", slug=slug,
                                    section_id=row.id, _anchor="figures"))
    form = NarrativeSectionForm(obj=row, formdata=None)
    form.version.data = str(row.version)
    form.topic.data = row.topic.value if row.topic else ""
    return render_template("arrangements/section_edit.html", form=figure_form,
                           section_form=form, partnership=partnership, section=row,
                           figure_form=figure_form)


@bp.route("/figures/<int:figure_id>/remove", methods=["POST"])
@requires("edit", "arrangements")
def figure_remove(slug: str, figure_id: int) -> Response:
    """Take a figure out of its section."""
    partnership = partnership_or_404(slug)
    figure = db.session.get(Figure, figure_id)
    if figure is None or figure.partnership_id != partnership.id:
        abort(404)
    row = figure.section
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            sections.remove_figure(figure)
        if step.done:
            flash(f"Figure removed from {row.title}", "success")
    return redirect(url_for("arrangements.section_edit", slug=slug, section_id=row.id,
                            _anchor="figures"))


@bp.route("/figures/<sha256>.png")
@requires("view", "arrangements")
def figure_image(slug: str, sha256: str) -> Response:
    """Send a picture one of the partnership's figures shows, as PNG and nothing else."""
    partnership = partnership_or_404(slug)
    data = sections.image_in(partnership, sha256) if len(sha256) == 64 else None
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/png")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="figure-{sha256[:12]}.png"'
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Say next to the file field that the picture is too big (other pages: the error page)."""
    if request.endpoint != "arrangements.figure_new" or not current_user.is_authenticated:
        return render_error(413), 413
    slug = (request.view_args or {}).get("slug", "")
    partnership = partnership_or_404(slug)
    row = _section(partnership, int((request.view_args or {}).get("section_id", 0)))
    figure_form = FigureForm(formdata=None)  # the body is never read
    figure_form.image.errors = [f"The picture must be {MAX_BYTES // (1024 * 1024)} MB or "
                                "smaller"]
    form = NarrativeSectionForm(obj=row, formdata=None)
    form.version.data = str(row.version)
    return render_template("arrangements/section_edit.html", form=figure_form,
                           section_form=form, partnership=partnership, section=row,
                           figure_form=figure_form), 413


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
