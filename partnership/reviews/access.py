"""Need-to-know in lists: which cases the signed-in user may know exist.

The rule itself is the policy's (``can(user, "view", case)``); this applies it to every
case at once, so lists, counts, searches and exports leave out the same cases the case
pages refuse with a 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy.orm import selectinload

from partnership.extensions import db
from partnership.policy import Role, can
from partnership.reviews.models import Case


def visible_cases(user: Any) -> list[Case]:
    """Every case the user may see, by reference (two queries, whatever the number)."""
    cases = db.session.scalars(
        sa.select(Case).options(selectinload(Case.members)).order_by(Case.reference, Case.id))
    return [case for case in cases if can(user, "view", case)]


def visible_case_ids(user: Any = None) -> frozenset[int] | None:
    """The ids of the cases whose actions the user may see in lists; None means all of them.

    Outside a request (the command line, the benchmark's set-up) there is no user: all.
    The team sees every case; the scrutineer reads every action plan.
    """
    if user is None:
        if not has_request_context():
            return None
        user = current_user
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.role in (Role.TEAM, Role.SCRUTINEER):
        return None
    if not has_request_context():
        return frozenset(case.id for case in visible_cases(user))
    cache: dict[int, frozenset[int]] = g.setdefault("visible_case_ids", {})
    if user.id not in cache:
        cache[user.id] = frozenset(case.id for case in visible_cases(user))
    return cache[user.id]
