"""`flask worker run` (the background worker), `flask worker drain`, `flask worker status`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from partnership.jobs import schedule, services
from partnership.jobs.worker import Worker, starting

worker_cli = AppGroup("worker", help="The background worker: renders documents, runs jobs.")


@worker_cli.command("run")
@click.option("--name", default=None, help="Name shown on the jobs it holds "
                                           "(default: host:process id).")
@click.option("--poll", "poll_seconds", type=float, default=None,
              help="Seconds to wait when no job is due (default: JOB_POLL_SECONDS).")
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=True,
              help="Also run the scheduler, which enqueues the scheduled jobs (default: on; "
                   "several may run, each occurrence still runs once).")
def run(name: str | None, poll_seconds: float | None, with_scheduler: bool) -> None:
    """Run jobs until SIGTERM or Ctrl-C (finishing the job under way first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = Worker(app, name, poll_seconds=poll_seconds)
    worker.install_signal_handlers()
    starting()
    scheduler = schedule.Scheduler(app) if with_scheduler else None
    if scheduler is not None:
        scheduler.start()
    click.echo(f"Worker {worker.name} is running jobs (Ctrl-C to stop).", err=True)
    try:
        worker.run()
    finally:
        if scheduler is not None:
            scheduler.stop()


@worker_cli.command("schedules")
def schedules() -> None:
    """List the scheduled jobs and when each runs next."""
    for item in schedule.schedules():
        upcoming = schedule.next_run(item)
        when = f"{upcoming:%Y-%m-%d %H:%M %Z}" if upcoming else "never"
        click.echo(f"{item.name}: {item.description} (next: {when})")


@worker_cli.command("drain")
def drain() -> None:
    """Run every job that is due now, then stop."""
    ran = services.run_pending()
    click.echo(f"Ran {ran} job{'' if ran == 1 else 's'}.")


@worker_cli.command("status")
def status() -> None:
    """Show how many jobs are queued, running, done and failed."""
    for state, number in services.counts().items():
        click.echo(f"{state.label}: {number}")
