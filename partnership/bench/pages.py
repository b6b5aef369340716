"""The pages the benchmark measures. A feature with a key page adds it to ``PAGES``.

``url`` is a path, or a callable that builds the path from the loaded data; it is called
once, inside an app context, before any request is timed. ``role`` is the role to sign in
as (one of the demo accounts), or None for a page seen before signing in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role


@dataclass(frozen=True)
class BenchPage:
    """One page to time."""

    name: str
    role: Role | None
    url: str | Callable[[], str]

    def resolve(self) -> str:
        """Return the page's path (calls ``url`` if it is a builder)."""
        return self.url() if callable(self.url) else self.url


def first_synthetic_user() -> str:
    """The detail page of the first synthetic account."""
    user_id = db.session.scalar(
        sa.select(User.id).where(User.email.like("%@synthetic.example")).order_by(User.id).limit(1)
    )
    if user_id is None:
        raise LookupError("no synthetic user: was the data loaded with --scale?")
    return f"/users/{user_id}"


def first_body() -> str:
    """The demo county's first body (its main board)."""
    from partnership.register.models import Body, Partnership

    body_id = db.session.scalar(
        sa.select(Body.id).join(Partnership, Body.partnership_id == Partnership.id)
        .where(Partnership.slug == "wscp").order_by(Body.position, Body.id).limit(1)
    )
    if body_id is None:
        raise LookupError("no demo county: was the demo loaded?")
    return f"/partnerships/wscp/bodies/{body_id}"


def audit_filtered() -> str:
    """The audit log filtered by one action over the last 90 days."""
    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=90)
    return f"/audit?action=update&date_from={start.isoformat()}&date_to={today.isoformat()}"


PAGES: list[BenchPage] = [
    BenchPage("home", Role.TEAM, "/"),
    BenchPage("home", Role.CHAIR, "/"),
    BenchPage("home", Role.SCRUTINEER, "/"),
    BenchPage("home", Role.ADMIN, "/"),
    BenchPage("users list", Role.ADMIN, "/users"),
    BenchPage("users list page 2", Role.ADMIN, "/users?page=2"),
    BenchPage("user detail", Role.ADMIN, first_synthetic_user),
    BenchPage("audit log", Role.TEAM, "/audit"),
    BenchPage("audit log filtered", Role.TEAM, audit_filtered),
    BenchPage("audit log page 10", Role.TEAM, "/audit?page=10"),
    BenchPage("sign-in page", None, "/sign-in"),
    BenchPage("partnerships", Role.SCRUTINEER, "/partnerships"),
    BenchPage("partnership overview", Role.CHAIR, "/partnerships/wscp"),
    BenchPage("partnership on a past date", Role.CHAIR, "/partnerships/wscp?on=2022-05-01"),
    BenchPage("structure chart SVG", Role.CHAIR, "/partnerships/wscp/structure.svg"),
    BenchPage("agencies", Role.TEAM, "/partnerships/wscp/agencies"),
    BenchPage("bodies", Role.TEAM, "/partnerships/wscp/bodies"),
    BenchPage("main board", Role.TEAM, first_body),
    BenchPage("people", Role.TEAM, "/people"),
    BenchPage("arrangements", Role.TEAM, "/partnerships/wscp/arrangements"),
    BenchPage("arrangements preview", Role.SCRUTINEER, "/partnerships/wscp/arrangements/preview"),
]
