"""``flask --app wsgi demo load [--scale N] [--if-empty]`` and ``demo accounts``."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from partnership.audit.services import acting_as
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.demo.loader import STAGES, accounts_already_there, load_demo, load_synthetic
from partnership.extensions import db
from partnership.register import chart
from partnership.register.models import Partnership

demo_cli = AppGroup("demo", help="Load fictional demo data.")
# What a reader waits for longest: the published documents are rendered as PDFs.
STAGE_HINTS = {"published documents": " (PDFs of the arrangements and the yearly report)"}


class StageClock:
    """Print each stage of the load as it starts, and how long it took when it ends."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stage_started: float | None = None

    def __call__(self, stage: str) -> None:
        """Finish the stage under way and start ``stage``."""
        self.finish()
        number = STAGES.index(stage) + 1 if stage in STAGES else "?"
        click.echo(f"  {number}/{len(STAGES)} {stage}{STAGE_HINTS.get(stage, '')}…", nl=False)
        self.stage_started = time.perf_counter()

    def finish(self) -> None:
        """End the stage under way, if any, with its time."""
        if self.stage_started is not None:
            click.echo(f" {time.perf_counter() - self.stage_started:.1f} s")
            self.stage_started = None

    def interrupted(self) -> None:
        """End the stage under way as failed."""
        if self.stage_started is not None:
            click.echo(" failed")
            self.stage_started = None

    @property
    def total(self) -> float:
        """Seconds since the load began."""
        return time.perf_counter() - self.started


@contextmanager
def said_once(logger: logging.Logger, said: bool) -> Iterator[None]:
    """Keep a logger's warnings off the progress lines when the command has said it already."""
    level = logger.level
    if said:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@demo_cli.command("load")
@click.option("--scale", type=click.IntRange(min=1), default=None,
              help="Load a synthetic data set N times the size of one partnership (benchmarks).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing if the database already holds a register (any partnership).")
def load(scale: int | None, if_empty: bool) -> None:
    """Load the demo partnerships (or a scaled synthetic data set) into a database with none.

    Accounts already in the database are kept; a demo account whose email is taken is not
    created again. The load is one transaction: if it fails, nothing is saved.
    """
    if current_app.config["STRICT_START"]:
        raise click.ClickException("Demo data is never loaded into a production database")
    partnerships = db.session.scalar(sa.select(sa.func.count()).select_from(Partnership)) or 0
    if partnerships and if_empty:
        click.echo("The database already holds a register; demo data not loaded.")
        return
    if partnerships:
        raise click.ClickException(
            f"The database already holds a register ({partnerships} "
            f"partnership{'s' if partnerships != 1 else ''}); the demo goes only into a "
            "database without one")
    kept = accounts_already_there()
    no_graphviz = chart.dot_program() is None
    if no_graphviz:
        click.echo("  Graphviz is not installed: the demo's documents show the structure as a "
                   "list (install graphviz for the chart).")
    clock = StageClock()
    with acting_as("demo-loader"), said_once(chart.log, no_graphviz):
        try:
            counts = (load_synthetic(scale, progress=clock) if scale
                      else load_demo(progress=clock))
            db.session.commit()
        except BaseException:
            clock.interrupted()
            db.session.rollback()
            click.echo("The demo was not loaded: nothing was saved, so the database is as it "
                       "was.", err=True)
            raise
    clock.finish()
    for account in kept:
        click.echo(f"  {account.email} already exists: kept as it is, not created again")
    click.echo("Loaded " + ", ".join(f"{n} {what}" for what, n in counts.items())
               + f" in {clock.total:.1f} s")


@demo_cli.command("accounts")
def accounts() -> None:
    """Print how to sign in as each demo role."""
    click.echo("Sign in at the address above with any of these demo accounts:")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role.label:<34} {account.email:<28} {account.password}")
