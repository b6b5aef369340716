"""Need-to-know in lists: which cases the signed-in user may know exist.

The rule is the policy's: ``visible(user, Case)`` is ``can(user, "view", case)`` said in SQL
(:mod:`partnership.policy`), so lists, counts, searches and exports leave out the same cases
the case pages refuse with a 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from partnership.extensions import db
from partnership.policy import visible
from partnership.reviews.models import Case


def visible_cases(user: Any) -> list[Case]:
    """Every case the user may see, by reference (one query, whatever the number)."""
    return list(db.session.scalars(
        sa.select(Case).where(visible(user, Case)).order_by(Case.reference, Case.id)))
