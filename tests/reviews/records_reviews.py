"""Builders for the Rapid Review and local review tests: a partnership with a reviewing body
and its chair, a case, its reviews and their records, made directly through the ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.kernel.dates import add_months
from partnership.register.models import Agency, BodyKind
from partnership.reviews.models import (
    Case,
    ClockStart,
    ClosureDay,
    IncidentType,
    InformationRequest,
    LocalReview,
    PracticeEpisode,
    RapidReview,
    Reviewer,
    ReviewSettings,
    Stage,
)
from tests.meetings import chair_of
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient

AWARE = dt.date(2025, 4, 17)  # the Thursday before Good Friday


def add_world(app: Flask, make_user: Callable[..., User], slug: str = "northshire",
              ) -> dict[str, Any]:
    """A partnership with two agencies, a learning and inquiry group and its chair."""
    ids: dict[str, Any] = {"partnership": add_area(app, slug, f"{slug.title()} Partnership")}
    ids["slug"] = slug
    ids["group"] = add_body(app, "Learning and Inquiry Group", slug=slug, kind=BodyKind.SUBGROUP)
    ids["police"] = add_agency(app, slug, f"{slug.title()} Police")
    ids["school"] = add_agency(app, slug, "Abbey School")
    ids["chair"] = chair_of(app, make_user, ids["group"], f"{slug.title()} Chair")
    return ids


def add_case(app: Flask, partnership_id: int, body_id: int | None, reference: str = "Child Q",
             *, aware_on: dt.date = AWARE, stage: Stage = Stage.RAPID_REVIEW,
             agency_ids: Iterable[int] = (), **fields: Any) -> int:
    """Add a case; return its id."""
    with app.app_context(), acting_as("tests"):
        case = Case(partnership_id=partnership_id, reviewing_body_id=body_id,
                    reference=reference, incident_type=IncidentType.SERIOUS_HARM,
                    aware_on=aware_on, stage=stage,
                    retention_until=aware_on.replace(year=aware_on.year + 15), **fields)
        case.agencies = [db.session.get_one(Agency, agency_id) for agency_id in agency_ids]
        db.session.add(case)
        db.session.commit()
        return case.id


def add_rapid(app: Flask, case_id: int, **fields: Any) -> int:
    """Start the case's Rapid Review; return its id."""
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        rapid = RapidReview(case=case, **{"started_on": case.aware_on, **fields})
        db.session.add(rapid)
        db.session.commit()
        return rapid.id


def add_request(app: Flask, rapid_id: int, agency_id: int, requested_on: dt.date,
                due_on: dt.date, **fields: Any) -> int:
    """Record a request for information; return its id."""
    with app.app_context(), acting_as("tests"):
        row = InformationRequest(rapid_review_id=rapid_id, agency_id=agency_id,
                                 requested_on=requested_on, due_on=due_on, **fields)
        db.session.add(row)
        db.session.commit()
        return row.id


def add_episode(app: Flask, rapid_id: int, title: str, position: int = 1, **fields: Any) -> int:
    """Add a key practice episode; return its id."""
    with app.app_context(), acting_as("tests"):
        row = PracticeEpisode(rapid_review_id=rapid_id, title=title, position=position,
                              **fields)
        db.session.add(row)
        db.session.commit()
        return row.id


def add_local(app: Flask, case_id: int, decided_on: dt.date,
              target_on: dt.date | None = None, **fields: Any) -> int:
    """Record the decision to hold a local review; return its id."""
    with app.app_context(), acting_as("tests"):
        row = LocalReview(case_id=case_id, decided_on=decided_on,
                          target_on=target_on or add_months(decided_on, 6), **fields)
        db.session.add(row)
        db.session.commit()
        return row.id


def add_reviewer(app: Flask, local_id: int, name: str, **fields: Any) -> int:
    """Record a reviewer; return their id."""
    with app.app_context(), acting_as("tests"):
        row = Reviewer(local_review_id=local_id, name=name, **fields)
        db.session.add(row)
        db.session.commit()
        return row.id


def set_clock(app: Flask, partnership_id: int, clock: ClockStart, months: int = 6) -> None:
    """Choose where the partnership starts the Rapid Review clock, and the local review months."""
    with app.app_context(), acting_as("tests"):
        db.session.add(ReviewSettings(partnership_id=partnership_id, rapid_review_clock=clock,
                                      local_review_months=months))
        db.session.commit()


def add_closure(app: Flask, partnership_id: int, day: dt.date) -> None:
    """Close the partnership for a day."""
    with app.app_context(), acting_as("tests"):
        db.session.add(ClosureDay(partnership_id=partnership_id, day=day, reason="Closed"))
        db.session.commit()


def load(app: Flask, model: type, record_id: int, *relations: str) -> Any:
    """Load a record afresh with some relationships, detached, for assertions."""
    with app.app_context():
        record = db.session.get_one(model, record_id)
        for name in relations:
            getattr(record, name)
        db.session.expunge_all()
        return record


def count(app: Flask, model: type) -> int:
    """How many rows a table holds."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def case_views(app: Flask, case_id: int, user_id: int) -> int:
    """How many times the user's views of the case were written to the audit trail."""
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "view", AuditEvent.record_type == "case_record",
                AuditEvent.record_id == str(case_id), AuditEvent.user_id == user_id)) or 0


def goes_to_case(response: TestResponse, case_id: int, anchor: str) -> bool:
    """Say whether a response redirects to the case page at a section."""
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == f"/cases/{case_id}" and location.fragment == anchor


def flashes(client: BrowserLikeClient) -> list[str]:
    """The messages waiting to be shown on the next page."""
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def date_fields(**dates: dt.date | None) -> dict[str, list[str]]:
    """Post dates as the GOV.UK date input does: three values under one name."""
    return {name: ["", "", ""] if day is None else [str(day.day), str(day.month), str(day.year)]
            for name, day in dates.items()}
