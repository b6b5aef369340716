"""Pages for the yearly report: start, write, sign off, publish, read and send copies."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import record_event
from partnership.clock import UK_TIME
from partnership.documents.markdown import render_markdown
from partnership.editing import EditConflict, apply_edit, render_conflict
from partnership.extensions import db
from partnership.policy import can
from partnership.register.services.partnerships import partnership_or_404
from partnership.reports import services
from partnership.reports.forms import (
    CopySentForm,
    ReportNarrativeForm,
    ReportSettingsForm,
    StartReportForm,
)
from partnership.reports.models import ReportSection, YearlyReport

bp = Blueprint("reports", __name__, url_prefix="/partnerships/<slug>/reports")


def _report(slug: str, report_id: int, verb: str = "view") -> YearlyReport:
    """Return the partnership's report if the user may ``verb`` it (403 otherwise)."""
    partnership = partnership_or_404(slug)
    report = db.get_or_404(YearlyReport, report_id)
    if report.partnership_id != partnership.id:
        abort(404)
    authorize(verb, report)
    return report


def _show_problem(form: FlaskForm, problem: services.ReportProblem, default: str) -> None:
    """Put a broken rule's message next to its field (or the default field)."""
    name = problem.field if problem.field and problem.field in form else default
    form[name].errors = [*form[name].errors, str(problem)]


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
        try:
            report = services.start_report(partnership, **form.values())
        except services.ReportProblem as problem:
            db.session.rollback()
            _show_problem(form, problem, "period_start")
        else:
            db.session.commit()
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
        for problem in problems:
            _show_problem(form, problem, "recipients")
        if not problems:
            try:
                if apply_edit(row, form.version.data, values):
                    services.save_settings(row, values)
                    flash("Yearly report settings saved", "success")
                return redirect(back)
            except EditConflict as conflict:
                db.session.rollback()
                return render_conflict(conflict, form, cancel_url=back,
                                       title="The settings were changed while you were editing")
    return render_template("reports/settings.html", form=form, partnership=partnership)


def _detail_context(report: YearlyReport, **extra: Any) -> dict[str, Any]:
    """Everything the report page shows; a draft is assembled once for all of it."""
    day = clock.today()
    document = services.document_of(report, day)
    digest = None if report.published else services.content_digest(document)
    lines = services.sign_off_lines(report, digest, day)
    post = services.post_to_sign(current_user, report, lines, day)
    partnership = report.partnership
    settings_row = services.settings_of(partnership)
    rows = services.narrative_rows(report)
    due = services.publication_due(partnership, report.period_end, settings_row)
    context = {
        "partnership": partnership,
        "report": report,
        "period": services.report_label(report),
        "due": due,
        "due_words": services.days_words((due - day).days),
        "parts": services.part_summaries(document),
        "lines": lines,
        "waiting": services.waiting_words(lines),
        "post_to_sign": post,
        "signing_again": post is not None and any(
            line.stale and line.partner.id == post.partner_id for line in lines),
        "ready": services.ready_to_publish(report, lines),
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
    from partnership.reports import document as rendering

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
    ?download=1), or the draft made now (always downloaded); every one is audited."""
    report = _report(slug, report_id)
    if report.published:
        download = request.args.get("download") == "1"
        data = services.published_pdf(report)
        record_event("export" if download else "view", record_type="yearly_report",
                     record_id=report.id)
        return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=download,
                         download_name=services.pdf_filename(report), etag=report.sha256,
                         last_modified=report.published_at)
    data = services.draft_pdf(report)
    record_event("export", record_type="yearly_report", record_id=report.id,
                 changes={"document": "yearly report draft PDF"})
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=services.pdf_filename(report))


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
            db.session.rollback()
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{section.title} was changed while you were editing")
        except services.WorkflowRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
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


def _take_step(report: YearlyReport, step: Callable[[], object], done: str) -> Response:
    """Run one workflow step from a confirm button; show a refusal as a message."""
    if ConfirmForm().validate_on_submit():
        try:
            step()
        except services.WorkflowRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(url_for("reports.detail", slug=report.partnership.slug,
                            report_id=report.id))


@bp.route("/<int:report_id>/sign-off", methods=["POST"])
@requires("sign_off", "reports")
def sign_off(slug: str, report_id: int) -> Response:
    """Sign the report off, as it reads now, for the partner the user represents."""
    report = _report(slug, report_id, "sign_off")
    return _take_step(report, lambda: services.sign_off(report, current_user),
                      f"You have signed off “{report.title}”")


@bp.route("/<int:report_id>/publish", methods=["POST"])
@requires("publish", "reports")
def publish(slug: str, report_id: int) -> Response:
    """Publish a report all three partners have signed off as it reads now."""
    report = _report(slug, report_id, "publish")
    return _take_step(report, lambda: services.publish(report),
                      f"“{report.title}” is published")


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
        try:
            copy = services.add_copy(report, form.recipient.data or "", form.sent_on.data,
                                     form.how.data or "", current_user)
        except services.ReportProblem as problem:
            db.session.rollback()
            _show_problem(form, problem, "recipient")
        else:
            db.session.commit()
            flash(f"Copy sent to {copy.recipient} recorded", "success")
            return redirect(back)
    return render_template("reports/detail.html",
                           **_detail_context(report, copy_form=form, form=form))
