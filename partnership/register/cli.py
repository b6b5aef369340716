"""``flask --app wsgi register ...``: list, export and import partnership registers."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
import yaml
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from partnership.audit.services import acting_as, record_event
from partnership.extensions import db
from partnership.register.exchange import (
    MAX_FILE_BYTES,
    RegisterImportError,
    export_register,
    read_register,
    read_register_file,
)
from partnership.register.models import Partnership

register_cli = AppGroup("register", help="List, export and import partnership registers.")


@register_cli.command("list")
def list_partnerships() -> None:
    """List every partnership as its slug and name."""
    for partnership in db.session.scalars(sa.select(Partnership).order_by(Partnership.slug)):
        click.echo(f"{partnership.slug}\t{partnership.name}")


@register_cli.command("export")
@click.argument("slug")
def export(slug: str) -> None:
    """Write a partnership's register to standard output as YAML."""
    partnership = db.session.scalars(sa.select(Partnership).where(Partnership.slug == slug)).first()
    if partnership is None:
        raise click.ClickException(
            f"No partnership with the slug {slug!r}: `flask register list` shows them")
    click.echo(yaml.safe_dump(export_register(partnership), sort_keys=False,
                              allow_unicode=True), nl=False)
    with acting_as("cli"):
        record_event("export", record_type="partnership", record_id=partnership.id,
                     changes={"format": "register file"})


@register_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--allow-missing-partnerships", is_flag=True,
              help="Leave out links to partnerships not in this database yet (listed after).")
def import_file(file: Path, allow_missing_partnerships: bool) -> None:
    """Import a partnership's register from a YAML or JSON file; any problem changes nothing."""
    with acting_as("cli"):
        try:
            with file.open("rb") as stream:
                content = stream.read(MAX_FILE_BYTES + 1)
            result = read_register(read_register_file(content),
                                   allow_missing_partnerships=allow_missing_partnerships)
            partnership = result.partnership
            db.session.flush()
            record_event("import", record_type="partnership", record_id=partnership.id,
                         changes={"slug": partnership.slug, "file": file.name,
                                  "left_out": [str(p) for p in result.left_out] or None},
                         commit=False)
            db.session.commit()
        except RegisterImportError as error:
            db.session.rollback()
            for problem in error.problems:
                click.echo(f"{problem.location}: {problem.message}", err=True)
            raise click.ClickException(
                f"{file.name} was not imported: {len(error.problems)} problem(s), "
                "nothing was changed") from None
        except IntegrityError:  # the same slug or collaboration was saved meanwhile
            db.session.rollback()
            raise click.ClickException(
                f"{file.name} was not imported: the database changed while it was being "
                "imported (is another import running?); nothing was changed") from None
    click.echo(f"Imported {partnership.slug}\t{partnership.name}: "
               f"{len(partnership.agencies)} agencies, {len(partnership.bodies)} bodies, "
               f"{len(partnership.scrutineers)} scrutineers, "
               f"{len(partnership.collaborations)} collaborations")
    for problem in result.left_out:
        click.echo(f"Left out: {problem.location}: {problem.message}")
