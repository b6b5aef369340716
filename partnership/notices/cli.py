"""``flask notices mail-sink`` (the development mail sink), ``flask notices sweep``,
``flask notices deliver``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from partnership.extensions import db
from partnership.notices import mail, services

notices_cli = AppGroup("notices", help="Notices, digests and mail.")


@notices_cli.command("mail-sink")
@click.option("--host", default="127.0.0.1")
@click.option("--port", type=int, default=None, help="Default: MAIL_PORT.")
@click.option("--folder", type=click.Path(path_type=Path), default=None,
              help="Where to write each message (default: instance/mail).")
def mail_sink(host: str, port: int | None, folder: Path | None) -> None:
    """Run a local SMTP server that writes each message it receives to a file (development)."""
    from partnership.notices.sink import run_sink

    folder = folder or Path(current_app.instance_path) / "mail"
    port = port or int(current_app.config["MAIL_PORT"])
    click.echo(f"Mail sink on {host}:{port}, writing to {folder} (Ctrl-C to stop).", err=True)
    run_sink(host, port, folder)


@notices_cli.command("sweep")
def sweep() -> None:
    """Make the immediate notices now (what the scheduled sweep does)."""
    told = services.sweep_notices()
    db.session.commit()
    click.echo(f"{told} notice(s).")


@notices_cli.command("deliver")
def deliver() -> None:
    """Send what is due in the outbox now."""
    sent, failed = mail.deliver_due()
    click.echo(f"{sent} sent, {failed} failed.")
