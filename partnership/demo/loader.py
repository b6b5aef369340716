"""Build the demo data and the synthetic benchmark data."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.accounts.passwords import hash_password
from partnership.audit.models import AuditEvent
from partnership.database import utcnow
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.demo.register import load_demo_register, load_synthetic_register
from partnership.demo.reports import load_demo_reports
from partnership.demo.reviews import load_demo_reviews, load_synthetic_reviews
from partnership.demo.tracker import load_demo_tracker, load_synthetic_tracker
from partnership.extensions import db
from partnership.policy import Role


def load_demo(today: dt.date | None = None) -> dict[str, int]:
    """Create the demo accounts, the demo register (accounts linked to people), and the
    business plans, actions, meetings, case reviews, arrangements versions and yearly
    reports dated relative to ``today``."""
    users = [
        User(
            email=account.email,
            name=account.name,
            role=account.role,
            password_hash=hash_password(account.password),
        )
        for account in DEMO_ACCOUNTS
    ]
    db.session.add_all(users)
    db.session.flush()
    return {"accounts": len(users), **load_demo_register(users), **load_demo_tracker(today),
            **load_demo_reviews(today), **load_demo_reports(today)}


def load_synthetic(scale: int, today: dt.date | None = None) -> dict[str, int]:
    """Load the demo plus ``scale`` x (a partnership with a plan, ~900 actions, ~5,000
    progress updates and ~260 meetings; 20 cases across the review stages; 50 users; 2,000
    audit events)."""
    counts = load_demo(today)
    counts.update(load_synthetic_register(scale))
    counts.update(load_synthetic_tracker(today))
    counts.update(load_synthetic_reviews(today))
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
