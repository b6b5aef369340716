"""``flask --app wsgi arrangements ...``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from partnership.arrangements.document import draft_pdf
from partnership.audit.services import acting_as, record_event
from partnership.documents.pdf import RenderError
from partnership.register.services.partnerships import partnership_by_slug

arrangements_cli = AppGroup("arrangements", help="Render the arrangements document.")


@arrangements_cli.command("pdf")
@click.argument("slug")
@click.option("--out", "out", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the PDF.")
def pdf(slug: str, out: Path) -> None:
    """Render a partnership's current draft arrangements (marked DRAFT, as of today) to a PDF."""
    partnership = partnership_by_slug(slug)
    if partnership is None:
        raise click.ClickException(
            f"No partnership with the slug {slug!r}: `flask register list` shows them")
    try:
        data = draft_pdf(partnership)
    except RenderError as error:
        raise click.ClickException(f"Could not render the PDF: {error}") from None
    out.write_bytes(data)
    with acting_as("cli"):
        record_event("export", record_type="partnership", record_id=partnership.id,
                     changes={"document": "arrangements draft PDF"})
    click.echo(f"Wrote {out} ({len(data) // 1024} KB)")
