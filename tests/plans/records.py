"""Build plans, objectives, phases, actions and progress updates directly through the ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Flask

from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.plans.models import Objective, Part, Phase, Plan
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

TODAY = dt.date(2025, 11, 15)  # in reporting year 2025 (1 April 2025 to 31 March 2026)
LONG_AGO = dt.datetime(2024, 4, 1, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Built:
    """The ids of a partnership's plan and what it holds."""

    partnership_id: int
    slug: str
    plan_id: int
    board_id: int
    hub_id: int
    agency_id: int
    person_id: int
    adolescents_id: int  # A1
    neglect_id: int  # A2
    evaluate_id: int  # B1, 2025
    exploitation_id: int  # P1, 2025
    scoping_id: int
    auditing_id: int


def add_partnership(app: Flask, slug: str = "westshire", name: str | None = None,
                    short_name: str = "WSCP") -> int:
    """Create a partnership with its three statutory partners; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = Partnership(slug=slug, short_name=short_name,
                                  name=name or f"{slug.title()} Safeguarding Children Partnership")
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        db.session.add(partnership)
        db.session.commit()
        return partnership.id


def build_plan(app: Flask, slug: str = "westshire", *, first: int = 2024,
               last: int = 2026) -> Built:
    """A partnership with a board, a learning hub, a plan with A1, A2, B1 and P1 (phased)."""
    partnership_id = add_partnership(app, slug)
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get_one(Partnership, partnership_id)
        board = Body(partnership=partnership, kind=BodyKind.BOARD, name="Safeguarding Board",
                     frequency=Frequency.QUARTERLY)
        hub = Body(partnership=partnership, kind=BodyKind.HUB, name="Learning Hub",
                   frequency=Frequency.MONTHLY)
        agency = Agency(partnership=partnership, name="Westshire Police", sector=Sector.OTHER)
        person = Person(name="Priya Shah", agency=agency)
        plan = Plan(partnership=partnership, title="Business plan", first_year=first,
                    last_year=last, introduction="Our priorities for the period.")
        adolescents = Objective(
            plan=plan, part=Part.STRATEGIC, position=1, title="Safeguarding adolescents",
            outcome="Staff recognise the risks adolescents face.", lead_body=board)
        neglect = Objective(plan=plan, part=Part.STRATEGIC, position=2,
                            title="Responding to neglect",
                            outcome="Neglect is recognised early.", lead_body=board)
        evaluate = Objective(plan=plan, part=Part.ACTIVITY, position=1, year=2025,
                             title="Evaluate the impact of initiatives",
                             outcome="We can evidence impact.")
        exploitation = Objective(plan=plan, part=Part.PRIORITY, position=1, year=2025,
                                 title="Child exploitation review", lead_body=hub,
                                 outcome="Children at risk of exploitation are identified.")
        scoping = Phase(objective=exploitation, position=1, name="Scoping",
                        planned_start=dt.date(2025, 4, 1), planned_end=dt.date(2025, 6, 30))
        auditing = Phase(objective=exploitation, position=2, name="Auditing",
                         planned_start=dt.date(2025, 7, 1), planned_end=dt.date(2025, 12, 31))
        db.session.add_all([board, hub, person, adolescents, neglect, evaluate, scoping,
                            auditing])
        db.session.commit()
        return Built(partnership_id, slug, plan.id, board.id, hub.id, agency.id, person.id,
                     adolescents.id, neglect.id, evaluate.id, exploitation.id, scoping.id,
                     auditing.id)


def add_action(app: Flask, objective_id: int, title: str, *, year: int = 2025,
               status: Status = Status.IN_PROGRESS, created_at: dt.datetime = LONG_AGO,
               **fields: Any) -> int:
    """Add an action under an objective (in the objective's partnership); return its id."""
    with app.app_context(), acting_as("tests"):
        objective = db.session.get_one(Objective, objective_id)
        action = Action(partnership_id=objective.plan.partnership_id, objective=objective,
                        year=year, title=title, status=status, created_at=created_at, **fields)
        db.session.add(action)
        db.session.commit()
        return action.id


def add_update(app: Flask, action_id: int, recorded_on: dt.date, narrative: str = "Progress",
               *, rating: Rating | None = None, impact: str = "", author: str = "",
               **fields: Any) -> int:
    """Record a progress update on an action; return its id."""
    with app.app_context(), acting_as("tests"):
        update = ProgressUpdate(action_id=action_id, recorded_on=recorded_on,
                                narrative=narrative, proposed_rating=rating, impact=impact,
                                author_name=author, **fields)
        db.session.add(update)
        db.session.commit()
        return update.id


def add_objective(app: Flask, plan_id: int, title: str, part: Part = Part.STRATEGIC, *,
                  position: int, year: int | None = None, **fields: Any) -> int:
    """Add an objective to a plan; return its id."""
    with app.app_context(), acting_as("tests"):
        objective = Objective(plan_id=plan_id, part=part, position=position, year=year,
                              title=title, **fields)
        db.session.add(objective)
        db.session.commit()
        return objective.id
