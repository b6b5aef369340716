"""The policy's record-scoped rules: a chair's bodies, an agency lead's agency, a lead
officer's own actions, a partner's own vote. The matrix proves the yes; this proves the no."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.meetings.models import Decision, DecisionMethod, Meeting, Vote, VoteChoice
from partnership.policy import Role, can, visible
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Capacity,
    Frequency,
    PartnerKind,
    Partnership,
    Person,
    Representative,
    Sector,
    StatutoryPartner,
)
from partnership.reviews.models import (
    Case,
    CaseMember,
    InformationRequest,
    RapidReview,
    Recommendation,
    Review,
    ReviewSettings,
)
from tests.reviews.records_cases import add_case, add_request, add_review_action, build_world


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Two bodies, two agencies, an action owned by the first body and led by the first agency."""
    with app.app_context():
        area = Partnership(slug="scope", name="Scope Partnership", short_name="SP")
        area.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        ours, theirs = (Agency(partnership=area, name=n, sector=Sector.OTHER)
                        for n in ("Our Agency", "Their Agency"))
        mine, other = (Body(partnership=area, kind=BodyKind.SUBGROUP, name=n,
                            frequency=Frequency.QUARTERLY) for n in ("Our Group", "Other Group"))
        action = Action(partnership=area, year=2025, title="Scoped action", body=mine,
                        lead_agency=ours)
        meeting = Meeting(body=mine, held_on=dt.date(2025, 6, 1))
        decision = Decision(meeting=meeting, text="Decide", method=DecisionMethod.PARTNER_MAJORITY)
        votes = {p.kind: Vote(decision=decision, partner=p, choice=VoteChoice.FOR)
                 for p in area.partners}
        db.session.add_all([area, theirs, other, action, *votes.values()])
        db.session.commit()
        return {"action": action.id, "meeting": meeting.id, "our_body": mine.id,
                "other_body": other.id, "our_agency": ours.id, "their_agency": theirs.id,
                "police_vote": votes[PartnerKind.POLICE].id,
                "health_vote": votes[PartnerKind.HEALTH].id,
                "police": next(p.id for p in area.partners if p.kind is PartnerKind.POLICE)}


def _person_for(app: Flask, user: User, **fields: object) -> int:
    with app.app_context():
        person = Person(name=f"Person of {user.email}", user_id=user.id, **fields)
        db.session.add(person)
        db.session.commit()
        return person.id


def _can(app: Flask, user: User, verb: str, model: type, record_id: int) -> bool:
    with app.test_request_context():
        fresh = db.session.get(User, user.id)
        return can(fresh, verb, db.session.get(model, record_id))


def test_a_chair_records_for_the_bodies_they_chair_only(
        app: Flask, make_user: Callable[..., User], world: dict[str, int]) -> None:
    chair = make_user(Role.CHAIR)
    person_id = _person_for(app, chair)
    assert not _can(app, chair, "edit", Action, world["action"])
    assert not _can(app, chair, "edit", Meeting, world["meeting"])
    with app.app_context():
        db.session.get(Body, world["other_body"]).chair_id = person_id
        db.session.commit()
    assert not _can(app, chair, "edit", Action, world["action"]), "chairs another body"
    with app.app_context():
        db.session.get(Body, world["our_body"]).chair_id = person_id
        db.session.commit()
    assert _can(app, chair, "edit", Action, world["action"])
    assert _can(app, chair, "update", Action, world["action"])
    assert _can(app, chair, "edit", Meeting, world["meeting"])
    assert not _can(app, chair, "vote", Vote, world["police_vote"])


def test_an_agency_lead_updates_their_agency_s_actions_only(
        app: Flask, make_user: Callable[..., User], world: dict[str, int]) -> None:
    other_lead = make_user(Role.AGENCY)
    _person_for(app, other_lead, agency_id=world["their_agency"])
    assert not _can(app, other_lead, "update", Action, world["action"])
    lead = make_user(Role.AGENCY)
    _person_for(app, lead, agency_id=world["our_agency"])
    assert _can(app, lead, "update", Action, world["action"])
    assert not _can(app, lead, "edit", Action, world["action"]), "updates, never edits"
    assert not _can(app, lead, "edit", Meeting, world["meeting"])


def test_a_lead_officer_updates_their_own_action_whatever_their_role(
        app: Flask, make_user: Callable[..., User], world: dict[str, int]) -> None:
    partner = make_user(Role.PARTNER)
    person_id = _person_for(app, partner)
    assert not _can(app, partner, "update", Action, world["action"])
    with app.app_context():
        db.session.get(Action, world["action"]).lead_person_id = person_id
        db.session.commit()
    assert _can(app, partner, "update", Action, world["action"])
    scrutineer = make_user(Role.SCRUTINEER)
    _person_for(app, scrutineer, agency_id=world["our_agency"])
    assert not _can(app, scrutineer, "update", Action, world["action"]), "scrutineers only read"


def test_a_partner_confirms_their_own_organisation_s_vote_only(
        app: Flask, make_user: Callable[..., User], world: dict[str, int]) -> None:
    partner = make_user(Role.PARTNER)
    person_id = _person_for(app, partner)
    assert not _can(app, partner, "vote", Vote, world["police_vote"])
    with app.app_context():
        db.session.add(Representative(partner_id=world["police"], person_id=person_id,
                                      capacity=Capacity.LEAD, valid_from=dt.date(2020, 1, 1)))
        db.session.commit()
    assert _can(app, partner, "vote", Vote, world["police_vote"])
    assert not _can(app, partner, "vote", Vote, world["health_vote"])
    team = make_user(Role.TEAM)
    assert not _can(app, team, "vote", Vote, world["police_vote"]), "only partners vote"


def test_lists_follow_need_to_know_for_everyone_inside_and_outside_a_case(
        app: Flask, make_user: Callable[..., User]) -> None:
    """visible() selects what can() allows, record by record, whoever asks: the reviewing
    group's chair and members, the partners' representatives and people added to the case see
    it, its Rapid Review, requests, recommendations and actions; nobody else does (the
    scrutineer reads the recommendations and actions, never the case)."""
    world = build_world(app, make_user)
    inside = add_case(app, world.partnership_id, world.group_id, "Child Q",
                      rapid_from=dt.date(2025, 4, 17))
    add_request(app, inside, world.police_id, dt.date(2025, 4, 22), dt.date(2025, 4, 29))
    add_review_action(app, inside, "Audit the handover")
    elsewhere = add_case(app, world.other_partnership_id, None, "Child R",
                         rapid_from=dt.date(2025, 5, 1))
    add_review_action(app, elsewhere, "Check the referral")
    added = make_user(Role.AGENCY)
    with app.app_context():
        db.session.add(CaseMember(case_id=elsewhere, user_id=added.id, reason="Worked with R"))
        db.session.add(Action(partnership_id=world.partnership_id, year=2025, title="Open"))
        db.session.commit()
    people = {"chair": world.chair, "member": world.member, "partner": world.partner,
              "other chair": world.other_chair, "other member": world.other_member,
              "other partner": world.other_partner, "added": added,
              **{role.value: make_user(role) for role in (Role.TEAM, Role.SCRUTINEER,
                                                          Role.ADMIN)}}
    expected_cases = {"chair": {inside}, "member": {inside}, "partner": {inside},
                      "other chair": set(), "other member": set(),
                      "other partner": {elsewhere}, "added": {elsewhere},
                      "team": {inside, elsewhere}, "scrutineer": set(), "admin": set()}
    models = (Case, CaseMember, RapidReview, InformationRequest, Review, Recommendation,
              Action, ReviewSettings)
    for who, account in people.items():
        with app.test_request_context():
            user = db.session.get(User, account.id)
            for model in models:
                allowed = {r.id for r in db.session.scalars(sa.select(model))
                           if can(user, "view", r)}
                listed = set(db.session.scalars(sa.select(model.id).where(
                    visible(user, model))))
                assert listed == allowed, (who, model.__name__)
            cases = set(db.session.scalars(sa.select(Case.id).where(visible(user, Case))))
            assert cases == expected_cases[who], who
            actions = set(db.session.scalars(sa.select(Action.title).where(
                visible(user, Action))))
            assert "Open" in actions, who  # an action from no case: everyone reads it
            if who == "scrutineer":
                assert actions == {"Open", "Audit the handover", "Check the referral"}
