"""``flask --app wsgi report yearly SLUG [--period 2024-25] --out FILE``: the draft as a PDF."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from partnership.audit.services import acting_as, record_event
from partnership.clock import today
from partnership.documents.pdf import RenderedPdf, RenderError
from partnership.extensions import db
from partnership.kernel.dates import parse_year_label, reporting_year, year_label, year_span
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_by_slug
from partnership.reports import assemble as assembling
from partnership.reports import services
from partnership.reports.content import ReportDocument
from partnership.reports.document import report_pdf
from partnership.reports.models import YearlyReport
from partnership.web import offline_request_context

report_cli = AppGroup("report", help="Yearly reports.")


def period_of(partnership: Partnership, label: str | None, day: dt.date
              ) -> tuple[dt.date, dt.date]:
    """Return the reporting year a label names ("2024-25", or with an en dash), or by default the
    partnership's last complete reporting year before ``day``."""
    start_month = partnership.year_start_month
    if label is None:
        return year_span(reporting_year(day, start_month) - 1, start_month)
    year = parse_year_label(label)
    if year is None:
        raise click.BadParameter(f"{label!r} is not a reporting year such as 2024-25",
                                 param_hint="--period")
    return year_span(year, start_month)


def draft_of(partnership: Partnership, start: dt.date, end: dt.date,
             day: dt.date) -> ReportDocument:
    """Assemble the draft: the live figures, with the saved narrative of the period's report
    (and its scrutineer's assessment and current sign-offs) when there is one."""
    report = db.session.scalars(sa.select(YearlyReport).where(
        YearlyReport.partnership_id == partnership.id, YearlyReport.period_start == start,
        YearlyReport.period_end == end)).first()
    if report is not None:
        return services.draft_document(report, day)
    content = assembling.assemble(partnership, start, end, day)
    return ReportDocument(title=services.default_title(partnership, start, end),
                          status=services.DRAFT_STATUS, draft=True, content=content,
                          narrative={}, assessment=None, sign_offs=[], published=None)


def render_draft(partnership: Partnership, start: dt.date, end: dt.date,
                 day: dt.date) -> RenderedPdf:
    """Render the period's draft as a PDF (inside a request context, so links resolve)."""
    with offline_request_context():
        return report_pdf(draft_of(partnership, start, end, day))


@report_cli.command("yearly")
@click.argument("slug")
@click.option("--period", default=None,
              help='The reporting year, e.g. "2024-25" (default: the last complete one).')
@click.option("--out", "out", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the PDF.")
def yearly(slug: str, period: str | None, out: Path) -> None:
    """Render the draft yearly report of a partnership to a PDF."""
    partnership = partnership_by_slug(slug)
    if partnership is None:
        raise click.ClickException(
            f"No partnership with the slug {slug!r}: `flask register list` shows them")
    day = today()
    start, end = period_of(partnership, period, day)
    label = year_label(reporting_year(start, partnership.year_start_month),
                       partnership.year_start_month)
    started = time.perf_counter()
    try:
        rendered = render_draft(partnership, start, end, day)
    except RenderError as error:
        raise click.ClickException(f"Could not render the PDF: {error}") from None
    seconds = time.perf_counter() - started
    out.write_bytes(rendered.data)
    with acting_as("cli"):
        record_event("export", record_type="partnership", record_id=partnership.id,
                     changes={"document": f"yearly report {label} draft PDF"})
    click.echo(f"Wrote {out}: the draft yearly report {label}, "
               f"{rendered.pages} pages in {seconds:.1f} s ({len(rendered.data) // 1024} KB)")
