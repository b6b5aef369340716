"""``flask --app wsgi reviews deadlines SLUG``: every open deadline of a partnership's cases,
as CSV for the weekly board papers."""

from __future__ import annotations

import csv
import datetime as dt
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from partnership.clock import today
from partnership.extensions import db
from partnership.register.services.partnerships import partnership_by_slug
from partnership.reviews.models import Case, Stage
from partnership.reviews.services.deadlines import (
    closures_of,
    deadlines_of,
    settings_by_partnership,
)

reviews_cli = AppGroup("reviews", help="Case reviews: deadlines for the board papers.")

HEADER = ("reference", "stage", "deadline", "clock_start", "working_days", "due",
          "working_days_left")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@reviews_cli.command("deadlines")
@click.argument("slug")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count working days left from this date (YYYY-MM-DD) instead of today.")
def deadlines(slug: str, on: dt.datetime | None) -> None:
    """Print every open deadline of the partnership's cases as CSV, soonest first."""
    partnership = partnership_by_slug(slug)
    if partnership is None:
        raise click.ClickException(f"There is no partnership with the slug {slug!r}")
    day = on.date() if on else today()
    settings = settings_by_partnership([partnership.id])[partnership.id]
    closures = closures_of(partnership.id)
    cases = db.session.scalars(
        sa.select(Case).where(Case.partnership_id == partnership.id,
                              Case.stage != Stage.CLOSED))
    found = [d for case in cases for d in deadlines_of(case, settings, closures, day)]
    found.sort(key=lambda d: (d.due, d.reference.lower(), d.name))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(HEADER)
    for d in found:
        writer.writerow((d.reference, d.stage.label, d.name, _iso(d.clock_start),
                         "" if d.working_days is None else d.working_days, _iso(d.due),
                         d.working_days_left))
