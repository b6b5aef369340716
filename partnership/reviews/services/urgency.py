"""How urgent each open case is, kept in its row so that the board pages in SQL.

The board puts first the cases with something to chase, then the soonest open deadline
(:func:`partnership.reviews.services.board.board_order`). Both come from a case's standing,
worked out by the same code the board shows (:func:`~partnership.reviews.services.board.
standings`: deadlines in working days, what is overdue, red actions on its recommendations).
This module only stores two facts of it per case, ``chasing`` and ``next_due``, as a keeper
of :mod:`partnership.derived`: again whenever a change to the case or anything of it is
saved, and for every case once a day for the passage of time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from partnership import derived
from partnership.actions.models import Action, ProgressUpdate
from partnership.extensions import db
from partnership.register.models import StatutoryPartner
from partnership.reviews.models import (
    Case,
    ClosureDay,
    LocalReview,
    RapidReview,
    Recommendation,
    Review,
    ReviewSettings,
)
from partnership.reviews.services.board import (
    OPEN_STAGES,
    URGENCY,
    cases_for_refresh,
    standings,
)

NAME = URGENCY
_CHUNK = 200

# A flushed record that reaches a case through one of these columns marks that case.
_LINKS = (("case_id", "case"), ("rapid_review_id", "rapid_review"),
          ("local_review_id", "local_review"), ("review_id", "review"))


def _mark(_session: Session, obj: Any) -> list[Hashable]:
    """The cases whose urgency a flushed change may have moved (as tokens)."""
    if isinstance(obj, Case):
        return [("case", obj.id)]
    if isinstance(obj, Action):
        return [("recommendation", obj.recommendation_id)] if obj.recommendation_id else []
    if isinstance(obj, ProgressUpdate):
        return [("action", obj.action_id)]
    if isinstance(obj, ReviewSettings | ClosureDay | StatutoryPartner):
        return [("partnership", obj.partnership_id)]
    if isinstance(obj, RapidReview | LocalReview | Review | Recommendation) and obj.id:
        kind = {RapidReview: "rapid_review", LocalReview: "local_review", Review: "review",
                Recommendation: "recommendation"}[type(obj)]
        return [(kind, obj.id)]
    for column, kind in _LINKS:
        value = getattr(obj, column, None)
        if isinstance(value, int):
            return [(kind, value)]
    return []


def _case_ids(tokens: set[Hashable]) -> set[int]:
    """The open cases the tokens name."""
    by_kind: dict[str, list[int]] = {}
    for kind, key in tokens:  # type: ignore[misc]
        by_kind.setdefault(kind, []).append(key)
    reached: list[sa.ColumnElement[bool]] = []
    if "case" in by_kind:
        reached.append(Case.id.in_(by_kind["case"]))
    if "partnership" in by_kind:
        reached.append(Case.partnership_id.in_(by_kind["partnership"]))
    if "rapid_review" in by_kind:
        reached.append(Case.id.in_(sa.select(RapidReview.case_id).where(
            RapidReview.id.in_(by_kind["rapid_review"]))))
    if "local_review" in by_kind:
        reached.append(Case.id.in_(sa.select(LocalReview.case_id).where(
            LocalReview.id.in_(by_kind["local_review"]))))
    reviews = sa.select(Review.case_id)
    if "review" in by_kind:
        reached.append(Case.id.in_(reviews.where(Review.id.in_(by_kind["review"]))))
    if "recommendation" in by_kind:
        reached.append(Case.id.in_(reviews.join(
            Recommendation, Recommendation.review_id == Review.id)
            .where(Recommendation.id.in_(by_kind["recommendation"]))))
    if "action" in by_kind:
        reached.append(Case.id.in_(reviews.join(
            Recommendation, Recommendation.review_id == Review.id)
            .join(Action, Action.recommendation_id == Recommendation.id)
            .where(Action.id.in_(by_kind["action"]))))
    if not reached:
        return set()
    return set(db.session.scalars(sa.select(Case.id).where(
        sa.or_(*reached), Case.stage.in_(OPEN_STAGES))))


def refresh(tokens: set[Hashable] | None, today: dt.date) -> int:
    """Work out the urgency of the cases the tokens name (every open case: None) on
    ``today`` by the board's own code and store what changed; return how many changed."""
    ids = sorted(_case_ids(tokens)) if tokens is not None else None
    changed = 0
    chunks = ([ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]
              if ids is not None else [None])
    for chunk in chunks:
        if chunk == []:
            continue
        rows = []
        for standing in standings(cases_for_refresh(chunk), today, with_actions=True):
            case = standing.case
            chasing, due = bool(standing.chase), standing.next.due if standing.next else None
            if (case.chasing, case.next_due) != (chasing, due):
                rows.append({"case_id": case.id, "chasing": chasing, "next_due": due})
        if rows:
            table = Case.__table__
            db.session.connection().execute(
                table.update().where(table.c.id == sa.bindparam("case_id"))
                .values(chasing=sa.bindparam("chasing"), next_due=sa.bindparam("next_due")),
                rows)
            changed += len(rows)
    return changed


def install() -> None:
    """Keep each open case's urgency (once per process)."""
    derived.keep(derived.Keeper(NAME, "case's urgency", "cases' urgency", _mark, refresh))
