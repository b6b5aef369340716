"""The job queue runs each job once: idempotent keys, claims, retries and dead workers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.jobs import services
from partnership.jobs.models import Job, JobStatus
from tests.support.clock import pin_clock

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _stopped_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, START)


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[..., None]], None]:
    """Register a handler for this test only."""

    def add(kind: str, function: Callable[[dict[str, Any]], None]) -> None:
        monkeypatch.setitem(services._handlers, kind, function)

    return add


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id, populate_existing=True)
    assert job is not None
    return job


def test_enqueueing_the_same_key_twice_gives_one_job(ctx: None) -> None:
    first = services.enqueue("digest", {"week": 1}, key="digest:2026-03-02")
    second = services.enqueue("digest", {"week": 1}, key="digest:2026-03-02")
    other = services.enqueue("digest", {"week": 2}, key="digest:2026-03-09")
    unkeyed = [services.enqueue("digest"), services.enqueue("digest")]
    db.session.commit()

    assert first.id == second.id
    assert other.id != first.id
    assert unkeyed[0].id != unkeyed[1].id
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 4


def test_a_lost_race_for_a_key_gives_the_winners_job_and_keeps_the_callers_work(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        winner = services.enqueue("digest", key="digest:race").id
        db.session.commit()
    with app.app_context():
        services.enqueue("note", key="the caller's own work")
        # The other request inserted its job after this one looked for the key.
        lookups: list[str] = []
        original = services.job_with_key

        def late(key: str) -> Job | None:
            lookups.append(key)
            return None if len(lookups) == 1 else original(key)

        monkeypatch.setattr(services, "job_with_key", late)
        found = services.enqueue("digest", key="digest:race")
        db.session.commit()

        assert found.id == winner
        assert lookups == ["digest:race", "digest:race"]
        assert set(db.session.scalars(sa.select(Job.key))) == {
            "digest:race", "the caller's own work"}


def test_a_job_runs_its_handler_once_and_is_done(ctx: None, register: Any) -> None:
    seen: list[dict[str, Any]] = []
    register("note", seen.append)
    job = services.enqueue("note", {"n": 1}, key="note:1")
    db.session.commit()

    assert services.run_pending() == 1
    assert services.run_pending() == 0

    assert seen == [{"n": 1}]
    done = _job(job.id)
    assert done.status is JobStatus.DONE
    assert (done.attempts, done.locked_by, done.error) == (1, None, None)
    assert done.finished_at == START


def test_a_claimed_job_is_not_claimed_again(ctx: None) -> None:
    first = services.enqueue("note", key="a")
    second = services.enqueue("note", key="b")
    db.session.commit()

    held = services.claim("worker one")
    other = services.claim("worker two")
    nothing = services.claim("worker three")

    assert held is not None and other is not None
    assert {held.id, other.id} == {first.id, second.id}
    assert nothing is None
    assert _job(held.id).locked_by == "worker one"
    assert _job(other.id).locked_by == "worker two"


def test_two_workers_at_once_run_each_job_once(app: Flask, register: Any) -> None:
    runs: list[tuple[int, str]] = []
    lock = threading.Lock()
    gate = threading.Barrier(2)

    def note(payload: dict[str, Any]) -> None:
        with lock:
            runs.append((payload["n"], threading.current_thread().name))

    register("note", note)
    with app.app_context():
        for n in range(20):
            services.enqueue("note", {"n": n}, key=f"note:{n}")
        db.session.commit()

    def work(name: str) -> None:
        with app.app_context():
            gate.wait()
            services.run_pending(worker=name)

    threads = [threading.Thread(target=work, args=(name,), name=name)
               for name in ("worker one", "worker two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(n for n, _ in runs) == list(range(20))
    with app.app_context():
        statuses = db.session.scalars(sa.select(Job.status)).all()
        assert set(statuses) == {JobStatus.DONE}


def test_a_failed_job_is_retried_later_then_given_up(
        ctx: None, register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: dict[int, int] = {}

    def flaky(payload: dict[str, Any]) -> None:
        attempt = attempts[payload["succeed_on"]] = attempts.get(payload["succeed_on"], 0) + 1
        if attempt < payload["succeed_on"]:
            raise RuntimeError(f"attempt {attempt} failed")

    register("flaky", flaky)
    recovers = services.enqueue("flaky", {"succeed_on": 2}, key="recovers")
    gives_up = services.enqueue("flaky", {"succeed_on": 99}, key="gives-up", max_attempts=2)
    db.session.commit()

    assert services.run_pending() == 2
    waiting = _job(recovers.id)
    assert waiting.status is JobStatus.QUEUED
    assert waiting.attempts == 1
    assert waiting.error == "RuntimeError: attempt 1 failed"
    assert waiting.run_after == START + services.retry_delay(1)
    assert services.run_pending() == 0, "nothing is due before its retry time"

    pin_clock(monkeypatch, START + dt.timedelta(hours=1))
    assert services.run_pending() == 2
    assert _job(recovers.id).status is JobStatus.DONE
    failed = _job(gives_up.id)
    assert failed.status is JobStatus.FAILED
    assert failed.attempts == 2
    assert failed.error == "RuntimeError: attempt 2 failed"

    services.requeue(failed)
    db.session.commit()
    requeued = _job(gives_up.id)
    assert (requeued.status, requeued.attempts, requeued.error) == (JobStatus.QUEUED, 0, None)


def test_a_job_of_an_unknown_kind_fails_and_says_so(ctx: None) -> None:
    job = services.enqueue("nobody-handles-this", max_attempts=1)
    db.session.commit()

    services.run_pending()

    failed = _job(job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and "nobody-handles-this" in failed.error


def test_a_job_held_by_a_dead_worker_is_taken_back_and_run(
        ctx: None, register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    register("note", seen.append)
    job = services.enqueue("note", {"n": 1})
    db.session.commit()
    assert services.claim("worker that dies") is not None

    assert services.recover_stale() == 0, "a job claimed a moment ago is not stale"
    assert services.run_pending() == 0, "a claimed job is not run by anyone else"

    pin_clock(monkeypatch, START + dt.timedelta(hours=1))
    assert services.recover_stale() == 1
    recovered = _job(job.id)
    assert recovered.status is JobStatus.QUEUED
    assert recovered.error is not None and "worker that dies" in recovered.error

    assert services.run_pending() == 1
    assert seen == [{"n": 1}]
    assert _job(job.id).status is JobStatus.DONE


def test_a_dead_workers_job_that_has_had_its_attempts_fails(
        ctx: None, monkeypatch: pytest.MonkeyPatch) -> None:
    job = services.enqueue("note", max_attempts=1)
    db.session.commit()
    services.claim("worker that dies")

    pin_clock(monkeypatch, START + dt.timedelta(hours=1))
    services.recover_stale()

    assert _job(job.id).status is JobStatus.FAILED


def test_a_worker_presumed_dead_that_finishes_late_commits_nothing(
        app: Flask, register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The work of a job taken back is committed once: by the worker that holds it."""

    def record(payload: dict[str, Any]) -> None:
        worker = threading.current_thread().name
        if worker == "slow worker":
            # While the slow worker runs, it is presumed dead and another runs the job.
            pin_clock(monkeypatch, START + dt.timedelta(hours=1))
            rescuer = threading.Thread(target=rescue, name="rescuer")
            rescuer.start()
            rescuer.join()
        services.enqueue("effect", key=f"effect of {worker}")

    def rescue() -> None:
        with app.app_context():
            assert services.recover_stale() == 1
            assert services.run_one("rescuer") is not None

    register("record", record)
    with app.app_context():
        job_id = services.enqueue("record", key="the job").id
        db.session.commit()

    def slow() -> None:
        with app.app_context():
            services.run_one("slow worker")

    worker = threading.Thread(target=slow, name="slow worker")
    worker.start()
    worker.join()

    with app.app_context():
        keys = set(db.session.scalars(sa.select(Job.key)))
        assert keys == {"the job", "effect of rescuer"}
        finished = _job(job_id)
        assert finished.status is JobStatus.DONE
        assert finished.attempts == 2


def test_the_worker_stops_when_asked(app: Flask, register: Any) -> None:
    from partnership.jobs.worker import Worker

    seen: list[dict[str, Any]] = []
    register("note", seen.append)
    with app.app_context():
        services.enqueue("note", {"n": 1})
        db.session.commit()
    worker = Worker(app, "thread worker", poll_seconds=0.01)
    thread = worker.start_in_thread()
    deadline = threading.Event()
    for _ in range(500):
        if seen:
            break
        deadline.wait(0.01)
    worker.stop()
    thread.join(timeout=30)

    assert not thread.is_alive()
    assert seen == [{"n": 1}]
    assert worker.jobs_run == 1


def test_the_cli_drains_the_queue_and_counts_jobs(app: Flask, register: Any) -> None:
    seen: list[dict[str, Any]] = []
    register("note", seen.append)
    with app.app_context():
        services.enqueue("note", {"n": 1})
        services.enqueue("note", {"n": 2})
        db.session.commit()
    runner = app.test_cli_runner()

    drained = runner.invoke(args=["worker", "drain"])
    status = runner.invoke(args=["worker", "status"])

    assert drained.exit_code == 0, drained.output
    assert drained.output.strip() == "Ran 2 jobs."
    assert "Done: 2" in status.output
    assert len(seen) == 2


def test_finished_jobs_are_forgotten_after_a_while_but_failed_ones_kept(
        ctx: None, register: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    register("note", lambda payload: None)
    done = services.enqueue("note", key="done").id
    failed = services.enqueue("nobody-handles-this", key="failed", max_attempts=1).id
    db.session.commit()
    services.run_pending()

    assert services.forget_finished(dt.timedelta(days=30)) == 0
    pin_clock(monkeypatch, START + dt.timedelta(days=31))
    assert services.forget_finished(dt.timedelta(days=30)) == 1
    db.session.commit()

    assert db.session.get(Job, done) is None
    assert _job(failed).status is JobStatus.FAILED
