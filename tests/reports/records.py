"""A small partnership whose 2024-25 figures are worked out by hand in the report's tests.

``build_world`` makes "Westshire" (reporting years from April) and a neighbour, Eastshire,
whose records must never reach Westshire's report. The period is 2024-25 (1 April 2024 to
31 March 2025) and "today" is 30 June 2025, so everything is judged on 31 March 2025.

What Westshire holds, and what the report must make of it:

* **Meetings.** The Safeguarding Board met on 10 May 2024 (2 decisions), 12 September 2024
  and 6 March 2025 (1 decision); its 5 December 2024 meeting was cancelled. Meetings on
  15 March 2024 and 10 April 2025 fall outside the period. The Learning and Inquiry Group
  met on 20 June 2024; its 1 October 2024 meeting was never recorded as held or cancelled.
  So: 4 meetings held, 1 cancelled, 3 decisions.
* **Attendance.** Police, Council and Health sit on the board; the Council on the group.
  Police: present, deputy, apologies = 2 of 3 (67%). Council: present x3 at the board,
  apologies at the group = 3 of 4 (75%). Health: absent, nothing recorded, present = 1 of 3
  (33%). All agencies: 6 of 10 = 60%.
* **The plan** (2024-27): A1 Safeguarding adolescents, A2 Responding to neglect, B1 (2024)
  Evaluate training, B2 (2025) Review thresholds. Actions of 2024: "Audit contextual
  safeguarding" (A1, complete 20 November 2024, with impact), "Train staff on exploitation"
  (A1, in progress, with impact and two updates), "Neglect toolkit" (A2, not started, due
  to start 1 June 2024 and finish 31 January 2025: red), "Neglect survey" (A2, cancelled),
  "Carried neglect work" (A2, carried forward into 2025), "Evaluate training" (B1, complete
  10 February 2025). Of 2025: "Next year's work" (A1) and the carried copy (A2). So 4
  actions for the period, 2 completed in it.
* **Cases.** Child Q (unnamed): Rapid Review from Thursday 2 May 2024, due 24 May (the
  early May bank holiday falls between), sent to the panel 31 May = 19 working days, late;
  a local review decided 15 June 2024, target 15 December 2024, still open.
  Child P (named: its local review was published on 20 March 2025): Rapid Review from
  Monday 6 January 2025, due 27 January, sent 24 January = 14 working days, on time; local
  review decided 1 February 2025, published 20 March 2025 (target 1 August 2025).
  Child R (unnamed): Rapid Review from 17 March 2025, sent on 4 April 2025 (after the
  period), referred for a national review on 28 March 2025, answered in April 2025.
  Child S: everything before the period.
* **Learning.** A national panel review published 25 April 2024 (one action, complete, with
  impact) and a 2023 inquiry whose only action belongs to 2023.
* **Arrangements.** Versions published on 1 September 2023 and 1 October 2024; between
  them the Youth Justice Service joined the register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from flask import Flask

from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.arrangements.models import ArrangementsVersion
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.meetings.models import (
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    Presence,
)
from partnership.plans.models import Objective, Part, Plan
from partnership.publishing.models import PublicationStatus
from partnership.register.exchange import export_register
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    BodyMember,
    Frequency,
    PartnerKind,
    Partnership,
    Sector,
    StatutoryPartner,
)
from partnership.reviews.models import (
    Case,
    IncidentType,
    LocalReview,
    NationalReferral,
    PublicationDecision,
    RapidOutcome,
    RapidReview,
    Recommendation,
    Review,
    ReviewKind,
    Stage,
)

TODAY = dt.date(2025, 6, 30)
START = dt.date(2024, 4, 1)
END = dt.date(2025, 3, 31)
LONG_AGO = dt.datetime(2024, 4, 1, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class World:
    """The ids the tests look things up by."""

    partnership_id: int
    other_id: int
    board_id: int
    group_id: int
    plan_id: int
    objectives: dict[str, int]  # "A1" -> id
    actions: dict[str, int]  # title -> id
    cases: dict[str, int]  # reference -> id
    reviews: dict[str, int]  # short name -> id
    versions: dict[str, int]  # "2023", "2024" -> id


def _partnership(slug: str, name: str) -> Partnership:
    partnership = Partnership(slug=slug, name=name, short_name=slug[:4].upper())
    partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
    db.session.add(partnership)
    return partnership


def _meeting(body: Body, day: dt.date, status: MeetingStatus = MeetingStatus.HELD, *,
             decisions: int = 0, attendance: dict[Agency, Presence] | None = None) -> Meeting:
    meeting = Meeting(body=body, held_on=day, status=status)
    meeting.decisions = [Decision(text=f"Decision {n + 1}", method=DecisionMethod.CONSENSUS,
                                  position=n) for n in range(decisions)]
    meeting.attendance = [Attendance(agency=agency, presence=presence)
                          for agency, presence in (attendance or {}).items()]
    db.session.add(meeting)
    return meeting


def _case(partnership: Partnership, reference: str, aware_on: dt.date, stage: Stage,
          **fields: Any) -> Case:
    case = Case(partnership=partnership, reference=reference,
                incident_type=IncidentType.SERIOUS_HARM, aware_on=aware_on, stage=stage,
                retention_until=aware_on.replace(year=aware_on.year + 15), **fields)
    db.session.add(case)
    return case


def _action(partnership: Partnership, title: str, *, year: int = 2024,
            status: Status = Status.IN_PROGRESS, **fields: Any) -> Action:
    action = Action(partnership=partnership, title=title, year=year, status=status,
                    created_at=LONG_AGO, **fields)
    db.session.add(action)
    return action


def _update(action: Action, day: dt.date, narrative: str = "Progress", **fields: Any
            ) -> ProgressUpdate:
    update = ProgressUpdate(action=action, recorded_on=day, narrative=narrative, **fields)
    db.session.add(update)
    return update


def add_version(partnership: Partnership, title: str, published: dt.datetime
                ) -> ArrangementsVersion:
    """Store a published arrangements version of the register as it is now (no PDF made)."""
    pdf = f"%PDF-1.7\n% {title}\n".encode()
    version = ArrangementsVersion(
        partnership=partnership, title=title, status=PublicationStatus.PUBLISHED,
        snapshot=export_register(partnership), pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(), pages=1, published_at=published,
        review_due=published.date().replace(year=published.year + 3))
    db.session.add(version)
    db.session.flush()
    return version


def build_world(app: Flask, *, versions: bool = True) -> World:
    """Build Westshire (and Eastshire) as the module docstring describes."""
    with app.app_context(), acting_as("tests"):
        west = _partnership("westshire", "Westshire Safeguarding Children Partnership")
        east = _partnership("eastshire", "Eastshire Safeguarding Children Partnership")
        police = Agency(partnership=west, name="Westshire Police", sector=Sector.OTHER)
        council = Agency(partnership=west, name="Westshire Council",
                         sector=Sector.LOCAL_AUTHORITY)
        health = Agency(partnership=west, name="Westshire Health", sector=Sector.HEALTH)
        east_police = Agency(partnership=east, name="Eastshire Police", sector=Sector.OTHER)
        board = Body(partnership=west, kind=BodyKind.BOARD, name="Safeguarding Board",
                     frequency=Frequency.QUARTERLY, position=1)
        group = Body(partnership=west, kind=BodyKind.SUBGROUP,
                     name="Learning and Inquiry Group", frequency=Frequency.QUARTERLY,
                     position=2)
        east_board = Body(partnership=east, kind=BodyKind.BOARD, name="Eastshire Board",
                          frequency=Frequency.QUARTERLY)
        board.members = [BodyMember(agency=a, role="Member") for a in (police, council, health)]
        group.members = [BodyMember(agency=council, role="Member")]
        east_board.members = [BodyMember(agency=east_police, role="Member")]
        db.session.add_all([police, council, health, east_police, board, group, east_board])
        db.session.flush()

        if versions:
            v2023 = add_version(west, "Arrangements 2023",
                                dt.datetime(2023, 9, 1, 10, tzinfo=dt.UTC))
            db.session.add(Agency(partnership=west, name="Westshire Youth Justice Service",
                                  sector=Sector.POLICE_AND_JUSTICE))
            db.session.flush()
            v2024 = add_version(west, "Arrangements 2024",
                                dt.datetime(2024, 10, 1, 10, tzinfo=dt.UTC))
            version_ids = {"2023": v2023.id, "2024": v2024.id}
        else:
            version_ids = {}

        # Meetings: the board's three held, one cancelled; the group's one held.
        p, d, a, x = Presence.PRESENT, Presence.DEPUTY, Presence.APOLOGIES, Presence.ABSENT
        _meeting(board, dt.date(2024, 3, 15), decisions=1, attendance={police: p})
        _meeting(board, dt.date(2024, 5, 10), decisions=2,
                 attendance={police: p, council: p, health: x})
        _meeting(board, dt.date(2024, 9, 12), attendance={police: d, council: p})
        _meeting(board, dt.date(2024, 12, 5), MeetingStatus.CANCELLED)
        _meeting(board, dt.date(2025, 3, 6), decisions=1,
                 attendance={police: a, council: p, health: p})
        _meeting(board, dt.date(2025, 4, 10), decisions=1, attendance={police: x})
        _meeting(group, dt.date(2024, 6, 20), attendance={council: a})
        _meeting(group, dt.date(2024, 10, 1), MeetingStatus.SCHEDULED)
        _meeting(east_board, dt.date(2024, 7, 1), decisions=4, attendance={east_police: p})

        # The business plan and its actions.
        plan = Plan(partnership=west, title="Business plan 2024-27", first_year=2024,
                    last_year=2026)
        objectives = {
            "A1": Objective(plan=plan, part=Part.STRATEGIC, position=1,
                            title="Safeguarding adolescents"),
            "A2": Objective(plan=plan, part=Part.STRATEGIC, position=2,
                            title="Responding to neglect"),
            "B1": Objective(plan=plan, part=Part.ACTIVITY, position=1, year=2024,
                            title="Evaluate training"),
            "B2": Objective(plan=plan, part=Part.ACTIVITY, position=2, year=2025,
                            title="Review thresholds"),
        }
        db.session.add(plan)
        a1, a2, b1 = objectives["A1"], objectives["A2"], objectives["B1"]
        actions = {
            "audit": _action(west, "Audit contextual safeguarding", objective=a1,
                             status=Status.COMPLETE, completed_on=dt.date(2024, 11, 20),
                             impact="Referrals for exploitation rose by a fifth"),
            "train": _action(west, "Train staff on exploitation", objective=a1,
                             percent_complete=60, target_date=dt.date(2025, 6, 30),
                             impact="Staff feel more confident (survey)"),
            "toolkit": _action(west, "Neglect toolkit", objective=objectives["A2"],
                               status=Status.NOT_STARTED, start_date=dt.date(2024, 6, 1),
                               target_date=dt.date(2025, 1, 31)),
            "survey": _action(west, "Neglect survey", objective=a2, status=Status.CANCELLED,
                              impact="Never happened"),
            "carried": _action(west, "Carried neglect work", objective=a2,
                               impact="Carried impact"),
            "evaluate": _action(west, "Evaluate training", objective=b1,
                                status=Status.COMPLETE, completed_on=dt.date(2025, 2, 10)),
            "next": _action(west, "Next year's work", objective=a1, year=2025,
                            status=Status.COMPLETE, completed_on=dt.date(2025, 3, 1),
                            impact="Next year's impact"),
        }
        db.session.flush()
        actions["copy"] = _action(west, "Carried neglect work (2025)", objective=a2, year=2025,
                                  carried_from_id=actions["carried"].id)
        _update(actions["train"], dt.date(2024, 9, 15), impact="40 staff trained")
        _update(actions["train"], dt.date(2024, 10, 1), "Asked young people in a focus group",
                impact="The leaflet was rewritten with them", children_and_families=True)
        wrong = _update(actions["audit"], dt.date(2024, 7, 1), impact="Wrong figure")
        db.session.flush()
        _update(actions["audit"], dt.date(2024, 7, 2), impact="Corrected figure",
                corrects_id=wrong.id)
        _update(actions["train"], dt.date(2025, 4, 15), "After the period",
                impact="Impact after the period", children_and_families=True)
        _update(actions["evaluate"], dt.date(2024, 12, 1), "Parents answered a survey",
                children_and_families=True)

        # Cases.
        child_q = _case(west, "Child Q", dt.date(2024, 5, 1), Stage.LOCAL_REVIEW,
                        notified_on=dt.date(2024, 5, 3))
        child_q.rapid_review = RapidReview(started_on=dt.date(2024, 5, 2),
                                           sent_to_panel_on=dt.date(2024, 5, 31),
                                           outcome=RapidOutcome.LOCAL_REVIEW)
        child_q.local_review = LocalReview(decided_on=dt.date(2024, 6, 15),
                                           target_on=dt.date(2024, 12, 15))
        child_p = _case(west, "Child P", dt.date(2025, 1, 6), Stage.ACTION_PLAN,
                        notified_on=dt.date(2025, 1, 7))
        child_p.rapid_review = RapidReview(started_on=dt.date(2025, 1, 6),
                                           sent_to_panel_on=dt.date(2025, 1, 24),
                                           outcome=RapidOutcome.LOCAL_REVIEW)
        child_p.local_review = LocalReview(
            decided_on=dt.date(2025, 2, 1), target_on=dt.date(2025, 8, 1),
            publication_decision=PublicationDecision.PUBLISH,
            published_on=dt.date(2025, 3, 20), published_url="https://example.org/child-p")
        child_r = _case(west, "Child R", dt.date(2025, 3, 17), Stage.NATIONAL_REVIEW,
                        notified_on=dt.date(2025, 3, 18))
        child_r.rapid_review = RapidReview(started_on=dt.date(2025, 3, 17),
                                           sent_to_panel_on=dt.date(2025, 4, 4),
                                           outcome=RapidOutcome.NATIONAL_REFERRAL)
        child_r.national_referral = NationalReferral(
            referred_on=dt.date(2025, 3, 28), outcome_on=dt.date(2025, 4, 20),
            outcome="Child R: the panel will carry out a national review")
        child_s = _case(west, "Child S", dt.date(2023, 12, 1), Stage.CLOSED,
                        notified_on=dt.date(2023, 12, 4), closed_on=dt.date(2024, 2, 20))
        child_s.rapid_review = RapidReview(started_on=dt.date(2023, 12, 1),
                                           sent_to_panel_on=dt.date(2024, 1, 10),
                                           outcome=RapidOutcome.NO_FURTHER_REVIEW)
        child_z = _case(east, "Child Z", dt.date(2024, 6, 3), Stage.RAPID_REVIEW)
        child_z.rapid_review = RapidReview(started_on=dt.date(2024, 6, 3),
                                           sent_to_panel_on=dt.date(2024, 6, 20))

        # Reviews, recommendations and their actions.
        q_review = Review(partnership=west, kind=ReviewKind.RAPID_REVIEW, case=child_q,
                          title="Rapid Review: Child Q", published_on=dt.date(2024, 6, 1))
        q_review.recommendations = [Recommendation(number=1, text="Child Q's school to act")]
        p_review = Review(partnership=west, kind=ReviewKind.LOCAL_REVIEW, case=child_p,
                          title="Child P: local review", source="Independent reviewer")
        p_review.recommendations = [
            Recommendation(number=1, text="Share information at the front door",
                           agency_response="Agreed by all partners"),
            Recommendation(number=2, text="Tell schools about the learning")]
        panel = Review(partnership=west, kind=ReviewKind.NATIONAL_PANEL,
                       title="Safeguarding children with disabilities",
                       source="National panel", published_on=dt.date(2024, 4, 25))
        panel.recommendations = [
            Recommendation(number=1, text="Update training on disability"),
            Recommendation(number=2, text="Review respite provision")]
        inquiry = Review(partnership=west, kind=ReviewKind.NATIONAL_INQUIRY,
                         title="An inquiry of 2023", published_on=dt.date(2023, 5, 1))
        inquiry.recommendations = [Recommendation(number=1, text="Old recommendation")]
        z_review = Review(partnership=east, kind=ReviewKind.RAPID_REVIEW, case=child_z,
                          title="Rapid Review: Child Z")
        z_review.recommendations = [Recommendation(number=1, text="Child Z learning")]
        db.session.add_all([q_review, p_review, panel, inquiry, z_review])
        db.session.flush()
        q1 = q_review.recommendations[0]
        p1 = p_review.recommendations[0]
        actions["q done"] = _action(west, "Child Q: information sharing audit",
                                    recommendation=q1, status=Status.COMPLETE,
                                    completed_on=dt.date(2024, 10, 1),
                                    impact="Child Q's family now get letters")
        actions["q open"] = _action(west, "Child Q: school training", recommendation=q1)
        _update(actions["q open"], dt.date(2024, 11, 5), "Child Q's mother told us",
                impact="Child Q's mother said it helped", children_and_families=True)
        actions["p done"] = _action(west, "Front door information sharing",
                                    recommendation=p1, status=Status.COMPLETE,
                                    completed_on=dt.date(2025, 3, 25),
                                    impact="Audit shows information shared within a day")
        actions["p open"] = _action(west, "Front door guidance", recommendation=p1)
        actions["panel"] = _action(west, "Update disability training",
                                   recommendation=panel.recommendations[0],
                                   status=Status.COMPLETE, completed_on=dt.date(2024, 12, 1),
                                   impact="Training now covers disability")
        actions["inquiry"] = _action(west, "Old inquiry action", year=2023,
                                     recommendation=inquiry.recommendations[0],
                                     status=Status.COMPLETE, completed_on=dt.date(2023, 9, 1))
        actions["east"] = _action(east, "Eastshire action", status=Status.COMPLETE,
                                  completed_on=dt.date(2024, 9, 1), impact="Eastshire impact",
                                  recommendation=z_review.recommendations[0])
        _update(actions["east"], dt.date(2024, 8, 1), "Eastshire families",
                children_and_families=True, impact="Eastshire update impact")
        db.session.commit()
        return World(
            partnership_id=west.id, other_id=east.id, board_id=board.id, group_id=group.id,
            plan_id=plan.id, objectives={k: o.id for k, o in objectives.items()},
            actions={k: action.id for k, action in actions.items()},
            cases={c.reference: c.id for c in (child_p, child_q, child_r, child_s, child_z)},
            reviews={"q": q_review.id, "p": p_review.id, "panel": panel.id,
                     "inquiry": inquiry.id},
            versions=version_ids)
