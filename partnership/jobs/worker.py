"""The worker process: claim a due job, run it, and sleep a moment when there is none.

Several workers may run at once, on one machine or many: the queue gives each job to one of
them (see :mod:`partnership.jobs.services`). SIGTERM or SIGINT asks the worker to stop; it
finishes the job it is running first (a render is stopped by its own time limit), so a
systemd stop or Ctrl-C never leaves a job half done.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.jobs import services

log = logging.getLogger(__name__)

FINISHED_KEPT = dt.timedelta(days=30)

_starting: list[Callable[[], None]] = []


def when_starting(hook: Callable[[], None]) -> None:
    """Run ``hook`` as a worker process starts (``flask worker run``): a feature readies
    what its jobs need (the documents start their warm render processes)."""
    if hook not in _starting:
        _starting.append(hook)


def starting() -> None:
    """Run the hooks of a worker process that is starting."""
    for hook in _starting:
        hook()


class Worker:
    """Run jobs until told to stop."""

    def __init__(self, app: Flask, name: str | None = None, *,
                 poll_seconds: float | None = None) -> None:
        self.app = app
        self.name = name or services.worker_name()
        self.poll_seconds = (poll_seconds if poll_seconds is not None
                             else app.config["JOB_POLL_SECONDS"])
        self.stopping = threading.Event()
        self.jobs_run = 0

    def stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        """Ask the loop to stop after the job it is running."""
        if signum is not None:
            log.info("worker %s: %s received, stopping after the current job", self.name,
                     signal.Signals(signum).name)
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        """Stop cleanly on SIGTERM (systemd, make) and SIGINT (Ctrl-C)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)

    def run(self) -> int:
        """Loop until stopped; return the number of jobs run."""
        log.info("worker %s started", self.name)
        last_recovery = last_tidy = 0.0
        while not self.stopping.is_set():
            ran = False
            try:
                with self.app.app_context():
                    # Taking back jobs from dead workers is cheap, but once a minute is enough.
                    if time.monotonic() - last_recovery > 60:
                        services.recover_stale()
                        last_recovery = time.monotonic()
                    # Finished jobs are kept a while (their keys still refuse a second
                    # enqueue), then dropped so the queue stays small.
                    if time.monotonic() - last_tidy > 3600:
                        services.forget_finished(FINISHED_KEPT)
                        db.session.commit()
                        last_tidy = time.monotonic()
                    ran = services.run_one(self.name) is not None
            except sa.exc.OperationalError as error:
                # The database went away (restart, failover): wait and try again.
                log.warning("worker %s: database unavailable (%s); retrying", self.name,
                            str(error).splitlines()[0])
                self.stopping.wait(max(self.poll_seconds, 5.0))
                continue
            except Exception:
                # A fault outside any job's handler (those are recorded on the job): keep
                # serving the queue rather than leave it unattended.
                log.exception("worker %s: unexpected error; carrying on", self.name)
                self.stopping.wait(max(self.poll_seconds, 5.0))
                continue
            if ran:
                self.jobs_run += 1
            else:
                self.stopping.wait(self.poll_seconds)
        log.info("worker %s stopped after %d job(s)", self.name, self.jobs_run)
        return self.jobs_run

    def start_in_thread(self) -> threading.Thread:
        """Run the loop in a daemon thread (the browser tests' live server); ``stop`` ends it."""
        thread = threading.Thread(target=self.run, name=f"worker {self.name}", daemon=True)
        thread.start()
        return thread
