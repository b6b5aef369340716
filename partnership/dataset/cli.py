"""``flask --app wsgi dataset import-values``: import a spreadsheet of figures from the command
line, checked row by row exactly as the import page checks it (any problem: nothing saved)."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from partnership.audit.services import acting_as
from partnership.dataset.services import imports
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership

dataset_cli = AppGroup("dataset", help="Import figures into a partnership's dataset.")


@dataset_cli.command("import-values")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partnership", "slug", required=True,
              help="The partnership's short web name (its slug), e.g. eastvale.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
def import_values(file: Path, slug: str, dry_run: bool) -> None:
    """Import figures from a CSV or XLSX file; any bad row means nothing is imported."""
    partnership = db.session.scalar(sa.select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise click.ClickException(f"There is no partnership {slug!r}")
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    with file.open("rb") as stream:
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise click.ClickException(f"{file.name} is larger than {limit // (1024 * 1024)} MB")
    try:
        checked = imports.check_values(partnership, None, file.name, content)
    except DomainError as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    if checked.problems:
        for problem in checked.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{file.name} was not imported: {len(checked.problems)} "
                                   "problem(s); nothing was changed")
    for summary in checked.summaries.values():
        click.echo(f"{summary.indicator.reference}: {summary.new} new, {summary.corrected} "
                   f"corrected, {summary.unchanged} unchanged")
    if dry_run:
        click.echo(f"{len(checked.rows)} figure(s) would be imported (dry run: nothing was "
                   "changed)")
        return
    with acting_as("cli"):
        try:
            saved = imports.apply_values(partnership, None, file.name, checked.rows,
                                         checked.states)
        except DomainError as problem:
            db.session.rollback()
            raise click.ClickException(str(problem)) from None
        db.session.commit()
    click.echo(f"Imported {file.name}: {saved.new} new, {saved.corrected} corrected")
