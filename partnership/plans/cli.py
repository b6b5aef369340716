"""``flask --app wsgi plans ...``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from partnership import clock
from partnership.audit.services import acting_as, record_event
from partnership.documents.pdf import RenderError
from partnership.extensions import db
from partnership.plans import services
from partnership.plans.document import plan_pdf
from partnership.plans.models import Plan

plans_cli = AppGroup("plans", help="Render business plans.")


@plans_cli.command("pdf")
@click.argument("plan_id", type=int)
@click.option("--year", type=int, default=None,
              help="The reporting year, as the year it starts in (default: the current one).")
@click.option("--out", "out", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the PDF.")
def pdf(plan_id: int, year: int | None, out: Path) -> None:
    """Render a reporting year of a business plan to a PDF, as of today."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"No plan with the id {plan_id}")
    today = clock.today()
    if year is None:
        year = services.default_year(plan, today)
    elif year not in plan.years:
        raise click.ClickException(
            f"{year} is outside the plan's period, {services.period_label(plan)}")
    try:
        rendered = plan_pdf(plan, year, today)
    except RenderError as error:
        raise click.ClickException(f"Could not render the PDF: {error}") from None
    out.write_bytes(rendered.data)
    with acting_as("cli"):
        record_event("export", record_type="plan", record_id=plan.id,
                     changes={"document": "business plan PDF "
                                          f"{services.plan_year_label(plan, year)}"})
    click.echo(f"Wrote {out} ({rendered.pages} pages, {len(rendered.data) // 1024} KB)")
