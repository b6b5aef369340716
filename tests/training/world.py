"""Records for the training tests: a partnership with agencies in three sectors, a plan
priority, a course and its sessions; and an agency lead who works for the police."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from partnership import clock
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.plans.models import Objective, Part, Plan
from partnership.policy import Role
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Frequency,
    Partnership,
    Person,
    Sector,
)
from partnership.training.models import (
    Course,
    CourseLevel,
    Evaluation,
    FollowUp,
    PracticeChange,
    SessionAttendance,
    SessionFormat,
    TrainingSession,
    TrainingSettings,
    UptakeTarget,
)
from tests.register.records import add_area
from tests.support.client import BrowserLikeClient

SLUG = "eastvale"
BASE = f"/partnerships/{SLUG}/training"


@dataclass
class World:
    """The ids the tests need."""

    partnership: int
    police: int
    school: int
    council: int
    objective: int
    course: int
    held: int  # a session 120 days ago
    coming: int  # a session in 30 days


def world(app: Flask) -> World:
    """A partnership, three agencies, a plan priority, a course with a held and a coming
    session."""
    partnership_id = add_area(app, SLUG, "Eastvale Partnership")
    today = clock.today()
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get(Partnership, partnership_id)
        police = Agency(partnership=partnership, name="Eastvale Police",
                        sector=Sector.POLICE_AND_JUSTICE)
        school = Agency(partnership=partnership, name="Eastvale Primary Schools",
                        sector=Sector.EDUCATION)
        council = Agency(partnership=partnership, name="Eastvale Council",
                         sector=Sector.LOCAL_AUTHORITY)
        body = Body(partnership=partnership, kind=BodyKind.BOARD, name="Executive",
                    frequency=Frequency.QUARTERLY)
        plan = Plan(partnership=partnership, title="Business plan", first_year=2024,
                    last_year=2027)
        objective = Objective(plan=plan, part=Part.STRATEGIC, position=1,
                              title="Responding to neglect", lead_body=body)
        course = Course(partnership=partnership, title="Recognising neglect", topic="Neglect",
                        level=CourseLevel.CORE, objective=objective, audience="Everyone")
        held = TrainingSession(course=course, starts_on=today - dt.timedelta(days=120),
                               trainer="A Trainer", format=SessionFormat.IN_PERSON,
                               venue="Town hall", places=30)
        coming = TrainingSession(course=course, starts_on=today + dt.timedelta(days=30),
                                 trainer="A Trainer", format=SessionFormat.ONLINE, places=30)
        db.session.add_all([police, school, council, body, plan, objective, course, held,
                            coming])
        db.session.commit()
        return World(partnership_id, police.id, school.id, council.id, objective.id, course.id,
                     held.id, coming.id)


def agency_lead(app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
                agency_id: int) -> BrowserLikeClient:
    """A client signed in as an agency lead who works for the agency."""
    client = signed_in(Role.AGENCY)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name="Alex Lead", agency_id=agency_id,
                              user_id=client.user.id))  # type: ignore[attr-defined]
        db.session.commit()
    return client


def add_line(app: Flask, session_id: int, agency_id: int, role: str, booked: int,
             attended: int) -> int:
    """A line of attendance."""
    with app.app_context(), acting_as("tests"):
        line = SessionAttendance(session_id=session_id, agency_id=agency_id, role=role,
                                 booked=booked, attended=attended)
        db.session.add(line)
        db.session.commit()
        return line.id


def add_evaluations(app: Flask, session_id: int, scores: list[tuple[int, int, int]]) -> None:
    """Evaluations as (confidence before, after, usefulness)."""
    with app.app_context(), acting_as("tests"):
        db.session.add_all(Evaluation(session_id=session_id, confidence_before=b,
                                      confidence_after=a, usefulness=u)
                           for b, a, u in scores)
        db.session.commit()


def add_follow_up(app: Flask, session_id: int, agency_id: int, changed: PracticeChange,
                  example: str, answered_on: dt.date, confirmed: bool = False) -> int:
    """A follow-up answer."""
    with app.app_context(), acting_as("tests"):
        answer = FollowUp(session_id=session_id, agency_id=agency_id, role="Social worker",
                          practice_changed=changed, example=example, answered_on=answered_on,
                          manager_confirmed=confirmed)
        db.session.add(answer)
        db.session.commit()
        return answer.id


def set_expected(app: Flask, agency_id: int, year: int, expected: int) -> None:
    """An agency's expected places for a reporting year."""
    with app.app_context(), acting_as("tests"):
        db.session.add(UptakeTarget(agency_id=agency_id, year=year, expected=expected))
        db.session.commit()


def set_settings(app: Flask, partnership_id: int, months: int, confirmation: bool) -> None:
    """The partnership's training settings."""
    with app.app_context(), acting_as("tests"):
        db.session.add(TrainingSettings(partnership_id=partnership_id, follow_up_months=months,
                                        manager_confirmation=confirmation))
        db.session.commit()
