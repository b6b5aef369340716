"""Pages for the yearly report: start, write, sign off, publish, read and send copies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.audit.services import record_event
from partnership.clock import UK_TIME
from partnership.documents.delivery import pdf_response
from partnership.documents.markdown import render_markdown
from partnership.documents.renders import DocumentBuild
from partnership.editing import EditConflict, apply_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.policy import can
from partnership.publishing import workflow
from partnership.publishing.views import (
    publish_from_form,
    published_file_response,
    sign_from_form,
)
from partnership.register.services.partnerships import partnership_or_404
from partnership.reports import claims, services
from partnership.reports import document as rendering
from partnership.reports.forms import (
    CopySentForm,
    ReportNarrativeForm,
    ReportSettingsForm,
    StartReportForm,
)
from partnership.reports.models import ReportSection, YearlyReport
from partnership.web import refused, run_service, show_problems

bp = Blueprint("reports", __name__, url_prefix="/partnerships/<slug>/reports")


def _report(slug: str, report_id: int, verb: str = "view") -> YearlyReport:
    """Return the partnership's report if the user may ``verb`` it (403 otherwise)."""
    partnership = partnership_or_404(slug)
    report = db.get_or_404(YearlyReport, report_id)
    if report.partnership_id != partnership.id:
        abort(404)
    authorize(verb, report)
    return report


@bp.route("")
@requires("view", "reports")
def index(slug: str) -> str:
    """List the partnership's yearly reports, with the next deadline."""
    partnership = partnership_or_404(slug)
    day = clock.today()
    return render_template(
        "reports/index.html",
        partnership=partnership,
        reports=services.reports_of(partnership),
        deadline=services.deadline_of(partnership, day),
        settings=services.settings_of(partnership),
        services=services,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "reports")
def new(slug: str) -> str | Response:
    """Start a draft report on a period (the last complete reporting year by default)."""
    partnership = partnership_or_404(slug)
    form = StartReportForm()
    if request.method == "GET":
        start, end = services.default_period(partnership, clock.today())
        form.period_start.data, form.period_end.data = start, end
        form.title.data = services.default_title(partnership, start, end)
    if form.validate_on_submit():
        with run_service(form, default="period_start") as step:
            report = services.start_report(partnership, **form.values())
        if step.done:
            flash(f"“{report.title}” started", "success")
            return redirect(url_for("reports.detail", slug=slug, report_id=report.id))
    return render_template("reports/new.html", form=form, partnership=partnership)


@bp.route("/settings", methods=["GET", "POST"])
@requires("edit", "reports")
def settings(slug: str) -> str | Response | tuple[str, int]:
    """Change when reports are due, when the home page warns and who gets copies."""
    partnership = partnership_or_404(slug)
    row = services.settings_of(partnership)
    authorize("edit", row)
    form = ReportSettingsForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
    back = url_for("reports.index", slug=slug)
    if form.validate_on_submit():
        values = form.values()
        problems = services.settings_problems(values)
        show_problems(form, problems, default="recipients")
        if not problems:
            try:
                if apply_edit(row, form.version.data, values):
                    services.save_settings(row, values)
                    flash("Yearly report settings saved", "success")
                return redirect(back)
            except EditConflict as conflict:
                return render_conflict(conflict, form, cancel_url=back,
                                       title="The settings were changed while you were editing")
    return render_template("reports/settings.html", form=form, partnership=partnership)


def _detail_context(report: YearlyReport, **extra: Any) -> dict[str, Any]:
    """Everything the report page shows; a draft is assembled once for all of it."""
    day = clock.today()
    document = services.document_of(report, day)
    draft = None if report.published else workflow.Draft(
        services.signed_content(document), services.content_digest(document))
    panel = workflow.panel(report, current_user, day, draft)
    partnership = report.partnership
    settings_row = services.settings_of(partnership)
    rows = services.narrative_rows(report)
    due = services.publication_due(partnership, report.period_end, settings_row)
    # A published report's narrative is what was signed: only a draft is checked.
    disagreeing = [] if report.published else claims.mismatches(document)
    context = {
        "partnership": partnership,
        "report": report,
        "period": services.report_label(report),
        "due": due,
        "due_words": services.days_words((due - day).days),
        "parts": services.part_summaries(document),
        "mismatches": disagreeing,
        "copies": services.copies_by_recipient(report, settings_row),
        "panel": panel,
        "sections": [
            {"section": section, "row": rows.get(section),
             "html": render_markdown(rows[section].markdown) if section in rows else "",
             "updated": (rows[section].updated_at.astimezone(UK_TIME).date()
                         if section in rows and rows[section].updated_at else None)}
            for section in ReportSection],
        "may_edit": not report.published and can(current_user, "edit", report),
        "may_assess": not report.published and can(current_user, "assess", report),
        "copies_missing": services.copies_missing(report, settings_row),
        "copies_due": (report.published_on + dt.timedelta(
            days=settings_row.copies_within_days)) if report.published_on else None,
        "copy_form": None,
    }
    if report.published and can(current_user, "edit", report):
        context["copy_form"] = CopySentForm()
    context.update(extra)
    return context


@bp.route("/<int:report_id>")
@requires("view", "reports")
def detail(slug: str, report_id: int) -> str:
    """Show a report: its period and deadline, what each part is filled from, the narrative,
    the partners' sign-off, publishing and (once published) the copies sent."""
    report = _report(slug, report_id)
    return render_template("reports/detail.html", **_detail_context(report))


@bp.route("/<int:report_id>/read")
@requires("view", "reports")
def read(slug: str, report_id: int) -> Response:
    """Read the report in the browser as the document a reader gets (a draft marked DRAFT)."""
    report = _report(slug, report_id)
    html = rendering.report_html(services.document_of(report), for_pdf=False)
    record_event("view", record_type="yearly_report", record_id=report.id,
                 changes={"document": "yearly report HTML" if report.published
                          else "yearly report draft HTML"})
    return Response(html, mimetype="text/html")


@bp.route("/<int:report_id>.pdf")
@requires("view", "reports")
def pdf(slug: str, report_id: int) -> Response:
    """The report's PDF: the published one as stored (read in the browser, or downloaded with
    ?download=1), or the draft as it reads now, rendered by the worker (always downloaded);
    every one sent is audited."""
    report = _report(slug, report_id)
    if report.published:
        return published_file_response(report, download=request.args.get("download") == "1",
                                       back=url_for("reports.detail", slug=slug,
                                                    report_id=report.id),
                                       back_text="Back to the report")

    # The draft is assembled and rendered by the worker: until then the page says it is
    # being prepared.
    build = DocumentBuild(rendering.draft_pdf_request_of,
                          {"report_id": report.id, "day": clock.today().isoformat()})
    response = pdf_response(build, services.pdf_filename(report), download=True,
                            back_url=url_for("reports.detail", slug=slug, report_id=report.id),
                            back_text="Back to the report")
    if response.status_code == 200:
        record_event("export", record_type="yearly_report", record_id=report.id,
                     changes={"document": "yearly report draft PDF"})
    return response


def _edit_section(report: YearlyReport, section: ReportSection) -> str | Response | tuple[str, int]:
    """Write a section in Markdown without overwriting someone else's edit."""
    back = url_for("reports.detail", slug=report.partnership.slug, report_id=report.id,
                   _anchor=f"section-{section.value}")
    row = services.narrative_row(report, section)
    form = ReportNarrativeForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
    if not report.published and form.validate_on_submit():
        values = {"markdown": (form.markdown.data or "").replace("\r\n", "\n")}
        try:
            if apply_edit(row, form.version.data, values):
                services.save_narrative(row, values, current_user)
                flash(f"{section.title} saved", "success")
            return redirect(back)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{section.title} was changed while you were editing")
        except DomainError as refusal:
            refused(None, refusal)
            return redirect(back)
    if report.published and request.method == "POST":
        flash(f"“{report.title}” is published and cannot be changed.", "error")
        return redirect(back)
    return render_template("reports/section_edit.html", form=form, report=report,
                           partnership=report.partnership, section=section, back=back)


@bp.route("/<int:report_id>/sections/<section>", methods=["GET", "POST"])
@requires("edit", "reports")
def section_edit(slug: str, report_id: int, section: str) -> str | Response | tuple[str, int]:
    """The team writes one of the narrative sections (not the scrutineer's assessment)."""
    report = _report(slug, report_id, "edit")
    try:
        chosen = ReportSection(section)
    except ValueError:
        abort(404)
    if chosen is ReportSection.ASSESSMENT:
        authorize("assess", report)  # only the scrutineer writes it (at reports.assessment)
    return _edit_section(report, chosen)


@bp.route("/<int:report_id>/assessment", methods=["GET", "POST"])
@requires("assess", "reports")
def assessment(slug: str, report_id: int) -> str | Response | tuple[str, int]:
    """The independent scrutineer of the partnership writes their assessment."""
    report = _report(slug, report_id, "assess")
    return _edit_section(report, ReportSection.ASSESSMENT)


def _back(report: YearlyReport) -> str:
    return url_for("reports.detail", slug=report.partnership.slug, report_id=report.id,
                   _anchor="sign-off")


@bp.route("/<int:report_id>/sign-off", methods=["POST"])
@requires("sign_off", "reports")
def sign_off(slug: str, report_id: int) -> Response:
    """Sign the report off, as it reads now, for the partner the user signs for."""
    report = _report(slug, report_id, "sign_off")
    return sign_from_form(report, _back(report))


@bp.route("/<int:report_id>/publish", methods=["POST"])
@requires("publish", "reports")
def publish(slug: str, report_id: int) -> Response:
    """Publish a report all three partners have signed off as it reads now."""
    report = _report(slug, report_id, "publish")
    return publish_from_form(report, _back(report))


@bp.route("/<int:report_id>/copies", methods=["POST"])
@requires("edit", "reports")
def copy_new(slug: str, report_id: int) -> str | Response:
    """Record a copy of the published report sent to someone."""
    report = _report(slug, report_id, "edit")
    back = url_for("reports.detail", slug=slug, report_id=report.id, _anchor="copies")
    if not report.published:
        flash(f"Copies of “{report.title}” are recorded once it is published.", "error")
        return redirect(back)
    form = CopySentForm()
    if form.validate_on_submit():
        with run_service(form, default="recipient") as step:
            copy = services.add_copy(report, form.recipient.data or "", form.sent_on.data,
                                     form.how.data or "", current_user)
        if step.done:
            flash(f"Copy sent to {copy.recipient} recorded", "success")
            return redirect(back)
    return render_template("reports/detail.html",
                           **_detail_context(report, copy_form=form, form=form))


# --- the families' version and the scrutineer's statement: made from the same content ------

COMPANIONS = {
    "families": ("the families' version", rendering.families_html,
                 rendering.families_pdf_request, rendering.draft_families_request_of,
                 "families"),
    "statement": ("the scrutineer's statement", rendering.statement_html,
                  rendering.statement_pdf_request, rendering.draft_statement_request_of,
                  "scrutineer-statement"),
}


def _companion_html(slug: str, report_id: int, kind: str) -> Response:
    report = _report(slug, report_id)
    words, html_of, _, _, _ = COMPANIONS[kind]
    html = html_of(services.document_of(report), for_pdf=False)
    record_event("view", record_type="yearly_report", record_id=report.id,
                 changes={"document": f"{words} HTML"})
    return Response(html, mimetype="text/html")


def _companion_pdf(slug: str, report_id: int, kind: str) -> Response:
    report = _report(slug, report_id)
    words, _, request_of, build_of, file_word = COMPANIONS[kind]
    name = services.pdf_filename(report).replace("yearly-report", f"yearly-report-{file_word}")
    back = url_for("reports.detail", slug=slug, report_id=report.id)
    # A published report's companions are printed from the snapshot it stored, so they say
    # exactly what was signed and published; a draft's are assembled by the worker.
    built: Any = (request_of(services.document_of(report)) if report.published
                  else DocumentBuild(build_of, {"report_id": report.id,
                                                "day": clock.today().isoformat()}))
    response = pdf_response(built, name, download=request.args.get("download") == "1",
                            back_url=back, back_text="Back to the report")
    if response.status_code == 200:
        record_event("export", record_type="yearly_report", record_id=report.id,
                     changes={"document": f"{words} PDF"})
    return response


@bp.route("/<int:report_id>/families")
@requires("view", "reports")
def families(slug: str, report_id: int) -> Response:
    """Read the short version for children, young people and families."""
    return _companion_html(slug, report_id, "families")


@bp.route("/<int:report_id>/families.pdf")
@requires("view", "reports")
def families_pdf(slug: str, report_id: int) -> Response:
    """The families' version as a PDF (a published report's from its stored snapshot)."""
    return _companion_pdf(slug, report_id, "families")


@bp.route("/<int:report_id>/scrutineer-statement")
@requires("view", "reports")
def statement(slug: str, report_id: int) -> Response:
    """Read the independent scrutineer's assessment as a statement of its own."""
    return _companion_html(slug, report_id, "statement")


@bp.route("/<int:report_id>/scrutineer-statement.pdf")
@requires("view", "reports")
def statement_pdf(slug: str, report_id: int) -> Response:
    """The scrutineer's statement as a PDF (a published report's from its stored snapshot)."""
    return _companion_pdf(slug, report_id, "statement")
