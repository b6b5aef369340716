"""Build reviews, recommendations, themes and their actions for the learning tests.

``build_learning`` makes one partnership with three agencies, a reviewing body chaired by
Dana (the learning and inquiry group), another body chaired by Omar (who is outside the
case), a case "Child Q" the group reviews with its Rapid Review, and our review's record
of recommendations, plus a national inquiry from elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.models import Agency, BodyKind
from partnership.reviews.models import (
    Case,
    IncidentType,
    RapidReview,
    Recommendation,
    Review,
    ReviewKind,
    Stage,
    Theme,
)
from tests.meetings import chair_of
from tests.register.records import add_agency, add_area, add_body

TODAY = dt.date(2025, 11, 14)
LONG_AGO = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class World:
    """The ids the learning tests use."""

    partnership_id: int
    police_id: int
    council_id: int
    health_id: int
    group_id: int
    other_body_id: int
    case_id: int
    ours_id: int  # the Rapid Review's recommendations of Child Q
    inquiry_id: int  # a national inquiry, from elsewhere
    neglect_id: int
    exploitation_id: int
    data_id: int
    chair: User  # chairs the group that reviews Child Q
    outsider: User  # chairs another body: Child Q is not theirs to know about


def add_theme(app: Flask, name: str, *, active: bool = True) -> int:
    """Add a learning theme; return its id."""
    with app.app_context(), acting_as("tests"):
        theme = Theme(name=name, active=active)
        db.session.add(theme)
        db.session.commit()
        return theme.id


def add_case(app: Flask, partnership_id: int, reference: str, body_id: int | None, *,
             aware_on: dt.date = dt.date(2025, 5, 6)) -> int:
    """Add a case under review with its Rapid Review; return its id."""
    with app.app_context(), acting_as("tests"):
        case = Case(partnership_id=partnership_id, reference=reference,
                    reviewing_body_id=body_id, incident_type=IncidentType.SERIOUS_HARM,
                    aware_on=aware_on, retention_until=aware_on.replace(year=aware_on.year + 15),
                    stage=Stage.RAPID_REVIEW)
        case.rapid_review = RapidReview(started_on=aware_on)
        db.session.add(case)
        db.session.commit()
        return case.id


def add_review(app: Flask, partnership_id: int, title: str, *,
               kind: ReviewKind = ReviewKind.NATIONAL_PANEL, case_id: int | None = None,
               theme_ids: tuple[int, ...] = (), **fields: Any) -> int:
    """Add a review (ours with a case id, else learning from elsewhere); return its id."""
    with app.app_context(), acting_as("tests"):
        review = Review(partnership_id=partnership_id, kind=kind, case_id=case_id, title=title,
                        themes=[db.session.get_one(Theme, t) for t in theme_ids], **fields)
        db.session.add(review)
        db.session.commit()
        return review.id


def add_recommendation(app: Flask, review_id: int, number: int, text: str, *,
                       agency_ids: tuple[int, ...] = (), theme_ids: tuple[int, ...] = (),
                       **fields: Any) -> int:
    """Add a numbered recommendation to a review; return its id."""
    with app.app_context(), acting_as("tests"):
        recommendation = Recommendation(
            review_id=review_id, number=number, text=text,
            agencies=[db.session.get_one(Agency, a) for a in agency_ids],
            themes=[db.session.get_one(Theme, t) for t in theme_ids], **fields)
        db.session.add(recommendation)
        db.session.commit()
        return recommendation.id


def add_action(app: Flask, recommendation_id: int, title: str, *,
               status: Status = Status.IN_PROGRESS, **fields: Any) -> int:
    """Add a tracker action on a recommendation (in its review's partnership); return its id."""
    with app.app_context(), acting_as("tests"):
        recommendation = db.session.get_one(Recommendation, recommendation_id)
        action = Action(partnership_id=recommendation.review.partnership_id,
                        recommendation=recommendation, year=2025, title=title, status=status,
                        created_at=LONG_AGO, **fields)
        db.session.add(action)
        db.session.commit()
        return action.id


def add_update(app: Flask, action_id: int, recorded_on: dt.date, *, impact: str = "") -> None:
    """Record a progress update on an action."""
    with app.app_context(), acting_as("tests"):
        db.session.add(ProgressUpdate(action_id=action_id, recorded_on=recorded_on,
                                      narrative="Progress", impact=impact))
        db.session.commit()


def build_learning(app: Flask, make_user: Callable[..., User]) -> World:
    """The partnership, its case under review and its learning (see the module docstring)."""
    partnership_id = add_area(app, "westshire", "Westshire Safeguarding Children Partnership")
    police = add_agency(app, "westshire", "Westshire Police")
    council = add_agency(app, "westshire", "Westshire Council")
    health = add_agency(app, "westshire", "Westshire Integrated Care Board")
    group = add_body(app, "Learning and Inquiry Group", slug="westshire")
    other = add_body(app, "Education Group", slug="westshire", kind=BodyKind.SUBGROUP)
    chair = chair_of(app, make_user, group, "Dana Whitfield")
    outsider = chair_of(app, make_user, other, "Omar Haddad")
    neglect = add_theme(app, "Neglect")
    exploitation = add_theme(app, "Exploitation")
    data = add_theme(app, "Data and recording")
    case = add_case(app, partnership_id, "Child Q", group)
    ours = add_review(app, partnership_id, "Rapid Review: Child Q",
                      kind=ReviewKind.RAPID_REVIEW, case_id=case, theme_ids=(neglect,))
    inquiry = add_review(
        app, partnership_id, "Child sexual exploitation by organised networks",
        kind=ReviewKind.NATIONAL_INQUIRY,
        source="Independent Inquiry into Child Sexual Abuse",
        published_on=dt.date(2022, 2, 1),
        received_how="National Policing update from the Hydrant Programme, August 2022",
        theme_ids=(exploitation,))
    return World(partnership_id=partnership_id, police_id=police, council_id=council,
                  health_id=health, group_id=group, other_body_id=other, case_id=case,
                  ours_id=ours, inquiry_id=inquiry, neglect_id=neglect,
                  exploitation_id=exploitation, data_id=data, chair=chair, outsider=outsider)
