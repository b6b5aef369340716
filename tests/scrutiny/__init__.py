"""Independent scrutiny: the plan, activities, findings, the response and their actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, Partnership, Person, Scrutineer
from partnership.scrutiny.models import (
    ActivityKind,
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient

TODAY = dt.date(2026, 12, 7)
YEAR = 2026  # the reporting year TODAY falls in (April 2026 to March 2027)


def make_scrutineer(app: Flask, make_user: Any, slug: str) -> BrowserLikeClient:
    """Sign in a scrutineer whose person scrutinises the partnership ``slug``."""
    user: User = make_user(Role.SCRUTINEER, name=f"Scrutineer of {slug}")
    with app.app_context(), acting_as("tests"):
        partnership = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug == slug)).one()
        person = Person(name=f"Scrutineer of {slug}", user_id=user.id)
        db.session.add(Scrutineer(partnership=partnership, person=person))
        db.session.commit()
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    client.user = user  # type: ignore[attr-defined]
    return client


def add_plan(app: Flask, slug: str, year: int = YEAR, **fields: Any) -> int:
    """Add a partnership's plan for a year; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug == slug)).one()
        plan = ScrutinyPlan(partnership=partnership, year=year,
                            title=fields.pop("title", f"Independent scrutiny plan {year} to "
                                                      f"{year + 1}"), **fields)
        db.session.add(plan)
        db.session.commit()
        return plan.id


def add_activity(app: Flask, plan_id: int, title: str = "Deep dive: the front door",
                 **fields: Any) -> int:
    """Add an activity to a plan; return its id."""
    fields.setdefault("function", ScrutinyFunction.ASSURANCE)
    fields.setdefault("kind", ActivityKind.DEEP_DIVE)
    recommendations = fields.pop("recommendations", ())
    agencies = fields.pop("agency_ids", ())
    with app.app_context(), acting_as("tests"):
        activity = ScrutinyActivity(plan_id=plan_id, title=title, **fields)
        activity.agencies = [db.session.get_one(Agency, a) for a in agencies]
        activity.recommendations = [ScrutinyRecommendation(number=n, text=text)
                                    for n, text in enumerate(recommendations, start=1)]
        db.session.add(activity)
        db.session.commit()
        return activity.id


def reported(**fields: Any) -> dict[str, Any]:
    """The fields of an activity whose findings are reported."""
    return {"status": ActivityStatus.REPORTED, "findings": "Thresholds are understood.",
            "good_practice": "Daily huddles.", "reported_on": TODAY, **fields}


def activity_state(app: Flask, activity_id: int) -> dict[str, Any]:
    """What an activity holds now, the scrutineer's words and the response included."""
    with app.app_context():
        a = db.session.get_one(ScrutinyActivity, activity_id)
        return {"status": a.status, "findings": a.findings, "good_practice": a.good_practice,
                "reported_on": a.reported_on, "reported_by_id": a.reported_by_id,
                "response": a.response, "responded_by_id": a.responded_by_id,
                "title": a.title, "version": a.version,
                "recommendations": [(r.number, r.text) for r in a.recommendations]}


def actions_of(app: Flask, activity_id: int) -> list[tuple[str, int, int | None]]:
    """The actions taken on an activity's recommendations: (title, number, lead agency)."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Action.title, ScrutinyRecommendation.number, Action.lead_agency_id)
            .join(ScrutinyRecommendation,
                  ScrutinyRecommendation.id == Action.scrutiny_recommendation_id)
            .where(ScrutinyRecommendation.activity_id == activity_id).order_by(Action.id))
        return [tuple(row) for row in rows]


def recommendation_id(app: Flask, activity_id: int, number: int) -> int:
    """The id of an activity's recommendation by its number."""
    with app.app_context():
        return db.session.scalars(sa.select(ScrutinyRecommendation.id).where(
            ScrutinyRecommendation.activity_id == activity_id,
            ScrutinyRecommendation.number == number)).one()
