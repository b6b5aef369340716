"""``flask --app wsgi evidence check [--delete-stray]``: is the evidence folder in step with
the database? (After a restore from backup, say, or a server that stopped mid-upload.)"""

from __future__ import annotations

import time

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from partnership.evidence import store
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db

evidence_cli = AppGroup("evidence", help="Check the evidence files' folder.")

# A stray file younger than this may belong to an upload still in its transaction.
STRAY_AFTER_SECONDS = 3600


@evidence_cli.command("check")
@click.option("--delete-stray", is_flag=True,
              help="Delete files that no kept row names (older than an hour).")
def check(delete_stray: bool) -> None:
    """List kept files whose bytes are missing, and stray files no row names."""
    folder = store.folder()
    kept = dict(db.session.execute(
        sa.select(EvidenceFile.stored_name, EvidenceFile.id)
        .where(EvidenceFile.removed_at.is_(None))).all())
    missing = sorted(file_id for name, file_id in kept.items() if not store.exists(name))
    cutoff = time.time() - STRAY_AFTER_SECONDS
    stray = sorted(path for path in folder.iterdir()
                   if path.is_file() and path.name not in kept
                   and path.stat().st_mtime < cutoff)
    for file_id in missing:
        click.echo(f"missing: evidence file {file_id} has no bytes in {folder}")
    for path in stray:
        click.echo(f"{'deleted' if delete_stray else 'stray'}: {path.name}")
        if delete_stray:
            path.unlink(missing_ok=True)
    click.echo(f"{len(kept)} files kept, {len(missing)} missing, {len(stray)} stray")
    if missing:
        raise SystemExit(1)
