"""The reading room: every published document in one place, to read, download and compare.

The scrutineer's partnerships come first. Published arrangements versions are read and
compared through the arrangements pages, action plans through the learning pages (each of
which audits its own views); published yearly reports are read here, from what was stored
when they were published. Nothing here edits anything, and every page and download here is
written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from partnership.access import authorize, requires
from partnership.arrangements.models import ArrangementsVersion
from partnership.audit.services import record_event
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.publishing.views import published_file_response
from partnership.reading_room import services
from partnership.reports.models import YearlyReport
from partnership.web import query_id, show_problems

bp = Blueprint("reading_room", __name__, url_prefix="/reading-room")

# Where a draft report is read (the yearly report's pages), tried in this order: the
# document as a reader gets it, else the report's page.
DRAFT_ENDPOINTS = ("reports.read", "reports.detail")


def maybe_url(endpoint: str, **values: Any) -> str | None:
    """Build a URL to another feature's page, or None while that page does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def draft_url(report: YearlyReport) -> str | None:
    """Where a draft yearly report is read, if the report pages offer it."""
    for endpoint in DRAFT_ENDPOINTS:
        url = maybe_url(endpoint, slug=report.partnership.slug, report_id=report.id)
        if url:
            return url
    return None


def assessment_url(report: YearlyReport) -> str | None:
    """Where the scrutineer writes their assessment in a draft report."""
    return maybe_url("reports.assessment", slug=report.partnership.slug, report_id=report.id)


@bp.app_context_processor
def reading_room_helpers() -> dict[str, Any]:
    """Give the reading room's templates (and the scrutineer's home page) their helpers."""
    return {"reading_room_draft_url": draft_url,
            "reading_room_assessment_url": assessment_url}


@bp.app_template_global()
def reading_room_assessments() -> list[services.Shelf]:
    """For the scrutineer's home page: their partnerships and the drafts they assess."""
    return services.assessments_to_write(current_user)


class ReportChoiceField(SelectField):
    """A choice of published report, with an error message in plain words."""

    def pre_validate(self, form: FlaskForm) -> None:
        """Refuse anything that is not one of the reports offered."""
        if self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError("Select a published report from the list")


class ReportCompareForm(FlaskForm):
    """Two published reports of one partnership to compare (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    older = ReportChoiceField("Earlier report", widget=GovSelect(), coerce=int,
                              validators=[InputRequired("Select the earlier report")])
    newer = ReportChoiceField("Later report", widget=GovSelect(), coerce=int,
                              validators=[InputRequired("Select the later report")])
    submit = SubmitField("Compare", widget=GovSubmitInput())

    def validate_newer(self, field: SelectField) -> None:
        """Refuse comparing a report with itself."""
        if field.data == self.older.data:
            raise ValidationError("Select two different reports")


def _report_label(report: YearlyReport) -> str:
    published = f", published {long_date(report.published_on)}" if report.published_on else ""
    return f"{report.title}{published}"


def _version_label(version: ArrangementsVersion) -> str:
    published = f", published {long_date(version.published_at)}" if version.published_at else ""
    return f"{version.title}{published}"


def compare_items(records: list[Any], selected: int) -> list[dict[str, Any]]:
    """The options of a compare form's select: published reports or versions, one chosen."""
    return [{"value": record.id, "selected": index == selected,
             "text": (_report_label(record) if isinstance(record, YearlyReport)
                      else _version_label(record))}
            for index, record in enumerate(records)]


@bp.route("")
@requires("view", "reading_room")
def index() -> str:
    """Every partnership's published documents, drafts and action plans the user may read."""
    shelves = services.shelves(current_user)
    html = render_template("reading_room/index.html", shelves=shelves,
                           compare_items=compare_items)
    # After the page is drawn: the audit row's commit expires what the page loaded.
    record_event("view", record_type="reading_room")
    return html


def _published(published_id: int) -> YearlyReport:
    """A published report (a draft or a missing id is 404: the room lists only published)."""
    found = services.published_report(published_id)
    if found is None:
        abort(404)
    authorize("view", found)
    return found


@bp.route("/reports/<int:published_id>")
@requires("view", "reading_room")
def report(published_id: int) -> Response:
    """Read a published yearly report in the browser, as it was published (audited)."""
    found = _published(published_id)
    html = services.report_html(found)
    record_event("view", record_type="yearly_report", record_id=published_id)
    return Response(html, mimetype="text/html")


@bp.route("/reports/<int:published_id>.pdf")
@requires("view", "reading_room")
def report_pdf(published_id: int) -> Response:
    """Read a published report's stored PDF, or download it with ?download=1 (audited)."""
    found = _published(published_id)
    return published_file_response(found, download=request.args.get("download") == "1",
                                   back=url_for("reading_room.report", published_id=found.id),
                                   back_text="Back to the report")


@bp.route("/reports/compare")
@requires("view", "reading_room")
def compare() -> str:
    """Compare two published reports of a partnership: key figures and narrative changes."""
    form = ReportCompareForm(formdata=request.args if request.args else None)
    first = services.published_report(request.args.get("older", 0, type=query_id))
    partnership = first.partnership if first is not None else None
    reports = services.published_reports(partnership.id) if partnership is not None else []
    form.older.choices = form.newer.choices = [(r.id, _report_label(r)) for r in reports]
    older = newer = comparison = None
    if request.args and form.validate():
        try:
            older, newer, comparison = services.compare(form.older.data, form.newer.data)
        except DomainError as refusal:  # nothing was changed: nothing to roll back
            show_problems(form, [refusal], default="newer")
    html = render_template("reading_room/compare.html", form=form, partnership=partnership,
                           older=older, newer=newer, comparison=comparison)
    if older is not None and newer is not None:
        record_event("view", record_type="yearly_report", record_id=f"{older.id}-{newer.id}",
                     changes={"compared": [older.id, newer.id]})
    return html
