"""Our case reviews in the shape of NHS England's Safeguarding Case Review Tracker, so health
partners need not key them in again.

The columns and their order are a setting (``REVIEWS_TRACKER_COLUMNS``: heading, and the
name of what fills it), since the tracker's form changes; :data:`FILLERS` says how each is
filled from a case. Need-to-know holds: a case is exported to someone who may see it
(:func:`partnership.policy.visible`), or, once its local review is published (a public
report), to anyone who may read the partnership's case reviews. A fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from partnership.documents.spreadsheets import XLSX_MIMETYPE, to_csv, to_xlsx
from partnership.extensions import db
from partnership.policy import readable, visible
from partnership.register.models import Partnership
from partnership.reviews.models import (
    Case,
    LocalReview,
    Recommendation,
    Review,
    Stage,
)

FORMATS = ("csv", "xlsx")


def _published(case: Case) -> bool:
    local = case.local_review
    return local is not None and local.published_on is not None


def _review_type(case: Case) -> str:
    if case.local_review is not None:
        return "Local child safeguarding practice review"
    if case.national_referral is not None:
        return "National review (referred to the panel)"
    if case.rapid_review is not None:
        return "Rapid Review"
    return "Serious incident notification"


def _themes(case: Case) -> list[str]:
    names = sorted({theme.name for review in case.reviews for theme in review.themes})
    return names


def _recommendation_themes(case: Case) -> str:
    return "; ".join(sorted({theme.name for review in case.reviews
                             for recommendation in review.recommendations
                             for theme in recommendation.themes}))


def _dissemination(case: Case) -> str:
    shared = sorted((row for review in case.reviews for row in review.disseminations),
                    key=lambda row: (row.held_on, row.id))
    return "; ".join(
        f"{row.method.label.split(' (')[0]}, {row.held_on.isoformat()}"
        + (f", {row.reach} reached" if row.reach is not None else "") for row in shared)


FILLERS: dict[str, Callable[[Case], Any]] = {
    "reference": lambda c: c.reference,
    "partnership": lambda c: c.partnership.name,
    "status": lambda c: "Closed" if c.stage is Stage.CLOSED or _published(c) else "Open",
    "aware_on": lambda c: c.aware_on,
    "review_type": _review_type,
    "converted": lambda c: ("Yes" if c.local_review is not None else "No")
    if c.rapid_review is not None else "",
    "incident_type": lambda c: c.incident_type.label,
    "incident_authority": lambda c: c.incident_authority,
    "residence_authority": lambda c: c.residence_authority,
    "looked_after": lambda c: "Yes" if c.looked_after else "No",
    "theme_1": lambda c: (_themes(c)[0:1] or [""])[0],
    "theme_2": lambda c: (_themes(c)[1:2] or [""])[0],
    "theme_3": lambda c: (_themes(c)[2:3] or [""])[0],
    "stage": lambda c: c.stage.label,
    "notified_on": lambda c: c.notified_on,
    "sent_to_panel_on": lambda c: c.rapid_review.sent_to_panel_on if c.rapid_review else None,
    "decided_on": lambda c: c.local_review.decided_on if c.local_review else None,
    "target_on": lambda c: c.local_review.target_on if c.local_review else None,
    "published_on": lambda c: c.local_review.published_on if c.local_review else None,
    "published_url": lambda c: c.local_review.published_url if _published(c) else "",
    "recommendation_themes": _recommendation_themes,
    "recommendations": lambda c: sum(len(r.recommendations) for r in c.reviews),
    "dissemination": _dissemination,
}


def columns() -> list[tuple[str, str]]:
    """The tracker's columns from the setting: (heading, filler name)."""
    found = list(current_app.config["REVIEWS_TRACKER_COLUMNS"])
    unknown = [name for _, name in found if name not in FILLERS]
    if unknown:
        raise ValueError(f"REVIEWS_TRACKER_COLUMNS names unknown fields: {unknown}")
    return found


def exported_cases(user: Any, partnership_id: int | None = None) -> list[Case]:
    """The cases the user may export: those they may see, and those with a published local
    review in a partnership whose reviews they may read (one query and its loads)."""
    published = Case.local_review.has(LocalReview.published_on.is_not(None))
    mine = sa.select(Partnership.id).where(readable(Partnership))
    stmt = sa.select(Case).where(sa.or_(visible(user, Case),
                                        sa.and_(published, Case.partnership_id.in_(mine))))
    if partnership_id is not None:
        stmt = stmt.where(Case.partnership_id == partnership_id)
    reviews = selectinload(Case.reviews)
    return list(db.session.scalars(stmt.options(
        joinedload(Case.partnership), selectinload(Case.rapid_review),
        selectinload(Case.local_review), selectinload(Case.national_referral),
        reviews.selectinload(Review.themes),
        reviews.selectinload(Review.recommendations).selectinload(Recommendation.themes),
        reviews.selectinload(Review.disseminations),
    ).order_by(Case.aware_on, Case.reference, Case.id)).unique())


@dataclass(frozen=True)
class TrackerExport:
    """A file of the tracker's rows."""

    filename: str
    mimetype: str
    data: bytes
    count: int


def tracker_export(user: Any, fmt: str, today: dt.date,
                   partnership_id: int | None = None) -> TrackerExport:
    """Write the tracker's rows as CSV or XLSX (formulas neutralised by the writers)."""
    cols = columns()
    headings = [heading for heading, _ in cols]
    cases = exported_cases(user, partnership_id)
    rows = [[FILLERS[name](case) for _, name in cols] for case in cases]
    name = f"case-review-tracker-{today.isoformat()}.{fmt}"
    if fmt == "xlsx":
        return TrackerExport(name, XLSX_MIMETYPE,
                             to_xlsx(headings, rows, title="Case reviews"), len(cases))
    return TrackerExport(name, "text/csv", to_csv(headings, rows), len(cases))
