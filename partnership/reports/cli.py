"""``flask report``: render a yearly report from the command line (being written)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

report_cli = AppGroup("report", help="Yearly reports.")


@report_cli.command("yearly")
@click.argument("slug")
def yearly(slug: str) -> None:
    """Render the draft yearly report of a partnership to a PDF."""
    raise click.ClickException(f"not written yet ({slug})")
