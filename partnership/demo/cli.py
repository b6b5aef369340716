"""``flask --app wsgi demo load [--scale N]`` and ``demo accounts``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.demo.loader import load_demo, load_synthetic
from partnership.extensions import db
from partnership.register.models import Partnership

demo_cli = AppGroup("demo", help="Load fictional demo data.")


@demo_cli.command("load")
@click.option("--scale", type=click.IntRange(min=1), default=None,
              help="Load a synthetic data set N times the size of one partnership (benchmarks).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing if the database has any account or partnership.")
def load(scale: int | None, if_empty: bool) -> None:
    """Load the demo partnership (or a scaled synthetic data set) into this database."""
    if current_app.config["STRICT_START"]:
        raise click.ClickException("Demo data is never loaded into a production database")
    has_data = any(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                   for model in (User, Partnership))
    if has_data and if_empty:
        click.echo("Database already has data; demo data not loaded.")
        return
    if has_data:
        raise click.ClickException("Database is not empty; demo data goes into an empty one")
    with acting_as("demo-loader"):
        counts = load_synthetic(scale) if scale else load_demo()
        db.session.commit()
    click.echo("Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items()))


@demo_cli.command("accounts")
def accounts() -> None:
    """Print how to sign in as each demo role."""
    click.echo("Sign in at the address above with any of these demo accounts:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.label:<34} {account.email:<28} {account.password}")
