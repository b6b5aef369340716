"""Build the demo data and the synthetic benchmark data.

A load is one transaction: nothing here or in what it calls commits (a commit part-way is
refused), so the caller commits once at the end, or rolls back and leaves the database as
it was.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from partnership import derived
from partnership.accounts.models import User
from partnership.accounts.passwords import hash_password
from partnership.audit.models import AuditEvent
from partnership.database import utcnow
from partnership.demo.accounts import (
    DEMO_ACCOUNTS,
    DemoAccount,
    serve_demo_partnerships,
    serve_synthetic_partnerships,
)
from partnership.demo.assurance import load_demo_assurance, load_synthetic_assurance
from partnership.demo.establishments import load_demo_establishments
from partnership.demo.referrals import load_demo_referrals
from partnership.demo.register import load_demo_register, load_synthetic_register
from partnership.demo.reports import load_demo_reports, load_synthetic_reports
from partnership.demo.reviews import (
    load_demo_reviews,
    load_synthetic_learning,
    load_synthetic_reviews,
)
from partnership.demo.thresholds import load_demo_thresholds
from partnership.demo.tracker import load_demo_tracker, load_synthetic_tracker
from partnership.extensions import db
from partnership.policy import Role

# The stages of a demo load, in order, as :func:`load_demo` reports them.
STAGES = ("accounts", "register", "plans and actions", "meetings", "case reviews",
          "assurance", "published documents")

Progress = Callable[[str], None]


class DemoLoadError(RuntimeError):
    """Something tried to commit while the demo was loading."""


@contextmanager
def one_transaction() -> Iterator[None]:
    """Refuse any commit while the demo loads, so that a failed load leaves nothing behind."""
    session = db.session()

    def refuse(session: Session) -> None:
        if session.in_nested_transaction():
            return  # releasing a savepoint commits nothing
        raise DemoLoadError("The demo is loaded in one transaction: nothing may commit part-way")

    sa.event.listen(session, "before_commit", refuse)
    try:
        yield
    finally:
        sa.event.remove(session, "before_commit", refuse)


def accounts_already_there() -> list[DemoAccount]:
    """Return the demo accounts whose email an account in the database already has."""
    emails = {account.email.lower() for account in DEMO_ACCOUNTS}
    taken = set(db.session.scalars(
        sa.select(sa.func.lower(User.email)).where(sa.func.lower(User.email).in_(emails))))
    return [account for account in DEMO_ACCOUNTS if account.email.lower() in taken]


def _demo_users() -> tuple[list[User], int]:
    """Create the demo accounts not there yet; return every demo account and how many are new.

    An account already there is kept as it is (its password and role untouched) and linked
    to its person in the register like a new one.
    """
    kept = {account.email for account in accounts_already_there()}
    new = [account for account in DEMO_ACCOUNTS if account.email not in kept]
    # One hash after another: each already runs on every core (argon2id with 4 lanes), and
    # hashing side by side in threads measured no faster on two cores.
    users = [
        User(email=account.email, name=account.name, role=account.role,
             password_hash=hash_password(account.password))
        for account in new
    ]
    db.session.add_all(users)
    db.session.flush()
    existing = list(db.session.scalars(
        sa.select(User).where(sa.func.lower(User.email).in_({e.lower() for e in kept})))
    ) if kept else []
    return users + existing, len(users)


def _next_stage(stage: Progress) -> None:
    """Save the plans and actions before the meetings start (so each stage's time is its own)."""
    db.session.flush()
    stage("meetings")


def load_demo(today: dt.date | None = None, progress: Progress | None = None,
              until: str | None = None) -> dict[str, int]:
    """Create the demo accounts, the demo register (accounts linked to people), and the
    business plans, actions, meetings, case reviews, arrangements versions and yearly
    reports dated relative to ``today``, saying each stage as it starts (see STAGES).

    ``until`` names the last stage to load (the rest are left out): a test of the case
    reviews on some day needs neither the assurance records nor the published documents."""
    if until is not None and until not in STAGES:
        raise ValueError(f"until must be one of {', '.join(STAGES)}")
    last = STAGES.index(until) if until else len(STAGES) - 1

    def reached(name: str) -> bool:
        return STAGES.index(name) > last

    stage = progress or (lambda _name: None)
    with one_transaction():
        stage("accounts")
        users, created = _demo_users()
        counts = {"accounts": created}
        if reached("register"):
            return counts
        stage("register")
        counts.update(load_demo_register(users))
        for what, added in load_demo_establishments().items():  # adds to the register's
            counts[what] = counts.get(what, 0) + added
        serve_demo_partnerships(users)
        if reached("plans and actions"):
            return counts
        stage("plans and actions")
        counts.update(load_demo_tracker(today, starting_meetings=lambda: _next_stage(stage)))
        if reached("case reviews"):
            return counts
        stage("case reviews")
        counts.update(load_demo_reviews(today))
        if reached("assurance"):
            return counts
        stage("assurance")
        for what, added in load_demo_assurance(today).items():  # adds people, accounts
            counts[what] = counts.get(what, 0) + added
        counts.update(load_demo_referrals(today))
        if reached("published documents"):
            return counts
        stage("published documents")
        counts.update(load_demo_reports(today))
        counts.update(load_demo_thresholds(today))
        derived.refresh_all(today)  # lists page by the kept ratings and urgency from the start
    return counts


def load_synthetic(scale: int, today: dt.date | None = None, progress: Progress | None = None
                   ) -> dict[str, int]:
    """Load the demo plus ``scale`` x (a partnership with a plan, ~900 actions, ~5,000
    progress updates and ~260 meetings; 20 cases across the review stages; 50 users; 2,000
    audit events)."""
    with one_transaction():
        return _add_synthetic(load_demo(today, progress), scale, today)


def _add_synthetic(counts: dict[str, int], scale: int, today: dt.date | None
                   ) -> dict[str, int]:
    """Add the synthetic partnerships, tracker, reviews, assurance records, arrangements
    versions and report, users and audit events to the demo."""
    counts.update(load_synthetic_register(scale))
    serve_synthetic_partnerships()
    counts.update(load_synthetic_tracker(today))
    counts.update(load_synthetic_reviews(today))
    counts.update(load_synthetic_learning(scale, today))
    counts.update(load_synthetic_assurance(scale, today))
    counts.update(load_synthetic_reports(scale, today))
    derived.refresh_all(today)
    rng = random.Random(scale)  # noqa: S311 - synthetic data, not security
    one_hash = hash_password("synthetic account password never used")
    roles = list(Role)
    users = [
        {
            "email": f"user{i}@synthetic.example",
            "name": f"Synthetic User {i}",
            "role": roles[i % len(roles)],
            "password_hash": one_hash,
            "version": 1,
            "disabled": False,
            "must_change_password": False,
            "created_at": utcnow(),
            "password_changed_at": utcnow(),
        }
        for i in range(50 * scale)
    ]
    db.session.execute(sa.insert(User), users)
    now = utcnow()
    actions = ["create", "update", "sign-in", "sign-out", "view", "refused"]
    events = [
        {
            "at": now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365)),
            "user_id": None,
            "actor": f"user{rng.randrange(50 * scale)}@synthetic.example",
            "role": roles[i % len(roles)].value,
            "action": actions[i % len(actions)],
            "record_type": "user_account",
            "record_id": str(rng.randrange(1, 50 * scale)),
            "outcome": "success",
            "request_id": None,
            "client_addr": "127.0.0.1",
            "changes": None,
        }
        for i in range(2000 * scale)
    ]
    db.session.execute(sa.insert(AuditEvent), events)
    counts.update({"synthetic users": len(users), "audit events": len(events)})
    return counts
