"""The action tracker's tests, and builders for the records they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.plans.models import Objective, Part, Plan
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Frequency,
    PartnerKind,
    Partnership,
    Person,
    Sector,
    StatutoryPartner,
)

TODAY = clock.today()
DAY = dt.timedelta(days=1)


def ago(days: int) -> dt.datetime:
    """A creation time this many days before now (UTC), for judging staleness."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


@dataclass(frozen=True)
class Area:
    """Ids of a partnership with two bodies, two agencies, a person in each agency and a plan."""

    partnership_id: int
    board_id: int
    group_id: int
    police_id: int
    council_id: int
    officer_id: int  # works for the police
    colleague_id: int  # works for the council
    plan_id: int
    objective_id: int


def add_area(app: Flask, slug: str = "wessex", name: str = "Wessex Safeguarding Partnership",
             **fields: Any) -> Area:
    """Create a partnership with a board and a subgroup, police and council, two people and
    a plan with one objective led by the subgroup."""
    with app.app_context(), acting_as("tests"):
        area = Partnership(slug=slug, name=name, short_name=slug[:3].upper(), **fields)
        area.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        police = Agency(partnership=area, name=f"{slug.title()} Police",
                        sector=Sector.POLICE_AND_JUSTICE)
        council = Agency(partnership=area, name=f"{slug.title()} Council",
                         sector=Sector.LOCAL_AUTHORITY)
        board = Body(partnership=area, kind=BodyKind.BOARD, name=f"{slug.title()} Board",
                     frequency=Frequency.QUARTERLY, position=1)
        group = Body(partnership=area, kind=BodyKind.SUBGROUP,
                     name=f"{slug.title()} Learning Group", frequency=Frequency.MONTHLY,
                     position=2)
        officer = Person(name=f"{slug.title()} Officer", agency=police)
        colleague = Person(name=f"{slug.title()} Colleague", agency=council)
        plan = Plan(partnership=area, title=f"{slug.title()} plan", first_year=2024,
                    last_year=2026)
        objective = Objective(plan=plan, part=Part.STRATEGIC, position=1,
                              title="Hear the voice of the child", lead_body=group)
        db.session.add_all([area, police, council, board, group, officer, colleague, plan,
                            objective])
        db.session.commit()
        return Area(area.id, board.id, group.id, police.id, council.id, officer.id,
                    colleague.id, plan.id, objective.id)


def add_action(app: Flask, partnership_id: int, title: str, **fields: Any) -> int:
    """Add an action (in progress, this year, unless the fields say otherwise); return its id."""
    values: dict[str, Any] = {"year": TODAY.year, **fields}
    with app.app_context(), acting_as("tests"):
        action = Action(partnership_id=partnership_id, title=title, **values)
        db.session.add(action)
        db.session.commit()
        return action.id


def add_update(app: Flask, action_id: int, recorded_on: dt.date,
               narrative: str = "Some progress", **fields: Any) -> int:
    """Append a progress update to an action; return its id."""
    with app.app_context(), acting_as("tests"):
        update = ProgressUpdate(action_id=action_id, recorded_on=recorded_on,
                                narrative=narrative, **fields)
        db.session.add(update)
        db.session.commit()
        return update.id


def link_person(app: Flask, user: User, person_id: int | None = None, **fields: Any) -> int:
    """Link a user account to a person in the register (a new one unless given); return its id."""
    with app.app_context(), acting_as("tests"):
        person = (db.session.get_one(Person, person_id) if person_id is not None
                  else Person(name=f"Person of {user.email}", **fields))
        person.user_id = user.id
        db.session.add(person)
        db.session.commit()
        return person.id


def make_chair(app: Flask, user: User, body_id: int) -> int:
    """Make the user's person (new if need be) the chair of a body; return the person's id."""
    person_id = link_person(app, user)
    with app.app_context(), acting_as("tests"):
        db.session.get_one(Body, body_id).chair_id = person_id
        db.session.commit()
    return person_id


def load(app: Flask, model: type, record_id: int) -> Any:
    """Load a record afresh, detached, for assertions."""
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.expunge(record)
        return record
