"""Meetings tests: builders for bodies with members, meetings, and the people who record them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    Presence,
    Vote,
    VoteChoice,
)
from partnership.register.models import (
    Body,
    BodyMember,
    Capacity,
    PartnerKind,
    Partnership,
    Person,
    Representative,
)
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient
from tests.support.queries import sql_statements as counting_queries  # noqa: F401 - for the meeting tests

TODAY = clock.today()


def sign_in(app: Flask, user: User) -> BrowserLikeClient:
    """Return a client signed in as ``user``."""
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    client.user = user  # type: ignore[attr-defined]
    return client


def add_member(app: Flask, body_id: int, agency_id: int, role: str = "Member") -> None:
    """Give an agency a seat on a body."""
    with app.app_context(), acting_as("tests"):
        db.session.add(BodyMember(body_id=body_id, agency_id=agency_id, role=role))
        db.session.commit()


def chair_of(app: Flask, make_user: Callable[..., User], body_id: int, name: str) -> User:
    """Create a chair's account whose person chairs the body."""
    from partnership.policy import Role

    user = make_user(Role.CHAIR, name=name)
    with app.app_context(), acting_as("tests"):
        person = Person(name=name, user_id=user.id)
        db.session.get_one(Body, body_id).chair = person
        db.session.commit()
    return user


def representative_of(app: Flask, make_user: Callable[..., User], partnership_id: int,
                      kind: PartnerKind, name: str) -> User:
    """Create a partner's account whose person represents one of the statutory partners."""
    from partnership.policy import Role

    user = make_user(Role.PARTNER, name=name)
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get_one(Partnership, partnership_id)
        partner = next(p for p in partnership.partners if p.kind is kind)
        db.session.add(Representative(
            partner=partner, person=Person(name=name, user_id=user.id),
            capacity=Capacity.LEAD, valid_from=TODAY - dt.timedelta(days=365)))
        db.session.commit()
    return user


def add_meeting(app: Flask, body_id: int, held_on: dt.date, **fields: Any) -> int:
    """Add a meeting of a body; return its id."""
    with app.app_context(), acting_as("tests"):
        meeting = Meeting(body_id=body_id, held_on=held_on, **fields)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def add_agenda_item(app: Flask, meeting_id: int, title: str, position: int = 1) -> int:
    """Put an item on a meeting's agenda; return its id."""
    with app.app_context(), acting_as("tests"):
        item = AgendaItem(meeting_id=meeting_id, title=title, position=position)
        db.session.add(item)
        db.session.commit()
        return item.id


def record_attendance(app: Flask, meeting_id: int, presences: dict[int, Presence]) -> None:
    """Record attendance rows directly: ``{agency id: presence}``."""
    with app.app_context(), acting_as("tests"):
        for agency_id, presence in presences.items():
            db.session.add(Attendance(meeting_id=meeting_id, agency_id=agency_id,
                                      presence=presence))
        db.session.commit()


def add_decision(app: Flask, meeting_id: int, text: str,
                 votes: dict[PartnerKind, VoteChoice] | None = None) -> int:
    """Record a decision (majority with these votes, or consensus without); return its id."""
    with app.app_context(), acting_as("tests"):
        meeting = db.session.get_one(Meeting, meeting_id)
        partners = meeting.body.partnership.partners if meeting.body.partnership else []
        method = DecisionMethod.PARTNER_MAJORITY if votes else DecisionMethod.CONSENSUS
        decision = Decision(meeting=meeting, text=text, method=method,
                            position=len(meeting.decisions) + 1)
        for partner in partners:
            if votes and partner.kind in votes:
                decision.votes.append(Vote(partner=partner, choice=votes[partner.kind]))
        db.session.add(decision)
        db.session.commit()
        return decision.id


def meeting_state(app: Flask, meeting_id: int) -> dict[str, Any]:
    """What a meeting holds now, for before-and-after comparisons."""
    with app.app_context():
        meeting = db.session.get_one(Meeting, meeting_id)
        return {
            "meeting": (meeting.held_on, meeting.starts_at, meeting.location, meeting.status,
                        meeting.minutes, meeting.minutes_status, meeting.version),
            "agenda": [(i.title, i.presenter, i.position, i.version) for i in meeting.agenda],
            "attendance": sorted((a.agency_id, a.presence, a.attendee)
                                 for a in meeting.attendance),
            "decisions": [(d.text, d.method, d.version,
                           [(v.partner_id, v.choice, v.confirmed_at) for v in d.votes])
                          for d in meeting.decisions],
        }


def table_after(html: Any, heading_id: str) -> Any:
    """Return the first table after a heading, whether or not it sits in a scrolling region."""
    heading = html.find(id=heading_id)
    for sibling in heading.find_next_siblings():
        if sibling.name == "table":
            return sibling
        found = sibling.find("table")
        if found is not None:
            return found
    raise AssertionError(f"no table after #{heading_id}")


def meeting_dates_of(app: Flask, body_id: int) -> list[dt.date]:
    """The dates of a body's meetings, in order."""
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Meeting.held_on).where(Meeting.body_id == body_id)
            .order_by(Meeting.held_on)))


def status_of(app: Flask, meeting_id: int) -> MeetingStatus:
    """A meeting's status now."""
    with app.app_context():
        return db.session.get_one(Meeting, meeting_id).status
