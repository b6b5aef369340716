"""The sources: what a person leads or must sign, read from live data, in plain words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.actions.services import request_target_date
from partnership.extensions import db
from partnership.notices import services
from partnership.notices.items import Window
from partnership.notices.models import Delivery, Notice, NoticeKind, OutboxMessage
from partnership.notices.sources import families, grouped, items_for
from partnership.policy import Role
from tests.notices import world
from tests.support.clock import pin_clock


@pytest.fixture
def chair(make_user: Callable[..., User]) -> User:
    return make_user(Role.CHAIR, name="Cara Chair", email="cara@example.org")


def _items(app: Flask, user_id: int, day: dt.date) -> list:  # type: ignore[type-arg]
    with app.app_context(), services.in_service():
        user = db.session.get(User, user_id)
        return items_for(user, Window.starting(world.at(day)))


def test_every_family_is_registered() -> None:
    assert {"actions", "cases", "meetings", "returns", "sign_offs"} <= {
        family.name for family in families()}


def test_a_chair_hears_of_their_actions_case_and_meeting(app: Flask, chair: User,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ids = world.build(app, chair.id)
    pin_clock(monkeypatch, world.at(world.MONDAY))
    items = _items(app, chair.id, world.MONDAY)
    by_family: dict[str, list[str]] = {}
    for item in items:
        by_family.setdefault(item.family, []).append(f"{item.title}: {item.detail}")
    assert sorted(by_family["actions"]) == sorted([
        "Share the seven-minute briefing: Due 6 February 2027",
        "Audit the neglect pathway: Overdue: its target date was 29 January 2027",
        "Refresh the escalation policy: Waiting for its first update"])
    assert by_family["cases"] == [
        "Case Child Z: Serious incident notification: Due 2 February 2027 "
        "(1 working day left)"]
    assert by_family["meetings"] == ["Learning Group, 4 February 2027 at 14:00: No papers yet"]
    case_item = next(item for item in items if item.family == "cases")
    assert case_item.immediate is NoticeKind.CASE_DEADLINE
    assert case_item.path == f"/cases/{ids.case_id}"
    assert [heading for heading, _ in grouped(items)] == [
        "Actions you lead", "Case deadlines", "Meetings coming up"]


def test_a_changed_date_or_lead_changes_what_is_listed(app: Flask, chair: User,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ids = world.build(app, chair.id)
    pin_clock(monkeypatch, world.at(world.MONDAY))
    with app.app_context():
        db.session.get(Action, ids.due_soon).target_date = world.MONDAY + dt.timedelta(days=40)
        db.session.get(Action, ids.quiet).target_date = world.MONDAY + dt.timedelta(days=2)
        db.session.get(Action, ids.overdue).lead_person_id = None
        db.session.get(Action, ids.overdue).body_id = None
        db.session.commit()
    titles = {item.title for item in _items(app, chair.id, world.MONDAY)
              if item.family == "actions"}
    assert titles == {"Plan next year's conference", "Refresh the escalation policy"}


def test_a_case_is_told_only_to_those_who_may_see_it(app: Flask, chair: User,
                                                     make_user: Callable[..., User],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    world.build(app, chair.id)
    other_chair = make_user(Role.CHAIR, email="other@example.org")
    agency = make_user(Role.AGENCY, email="agency@example.org")
    pin_clock(monkeypatch, world.at(world.MONDAY))
    for user in (other_chair, agency):
        assert not [item for item in _items(app, user.id, world.MONDAY)
                    if item.family == "cases"]


def test_the_sweep_tells_each_person_once_as_they_chose(app: Flask, chair: User,
                                                        make_user: Callable[..., User],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    world.build(app, chair.id)
    team = make_user(Role.TEAM, email="team@example.org")
    quiet_team = make_user(Role.TEAM, email="quiet@example.org")
    pin_clock(monkeypatch, world.at(world.MONDAY))
    with app.app_context():
        services.set_preferences(team.id, {NoticeKind.CASE_DEADLINE: Delivery.APP})
        services.set_preferences(quiet_team.id, {NoticeKind.CASE_DEADLINE: Delivery.OFF})
        db.session.commit()
        assert services.sweep_notices() == 2
        db.session.commit()
        assert services.sweep_notices() == 0
        db.session.commit()
        notices = db.session.scalars(db.select(Notice).order_by(Notice.user_id)).all()
        assert [(n.user_id, n.kind, n.mail_pending) for n in notices] == [
            (chair.id, NoticeKind.CASE_DEADLINE, False),  # mailed by the sweep
            (team.id, NoticeKind.CASE_DEADLINE, False)]
        assert notices[0].title == "Case Child Z: Serious incident notification"
        mails = db.session.scalars(db.select(OutboxMessage)).all()
        assert [m.email_address for m in mails] == ["cara@example.org"]
        assert "https://tracker.example.org/cases/" in mails[0].text_body


def test_a_request_for_a_new_target_date_waits_for_the_chair(
        app: Flask, chair: User, make_user: Callable[..., User],
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = world.build(app, chair.id)
    asker = make_user(Role.TEAM, name="Tess Team")
    pin_clock(monkeypatch, world.at(world.MONDAY))
    with app.app_context():
        action = db.session.get(Action, ids.stale)
        request_target_date(action, db.session.get(User, asker.id),
                            world.MONDAY + dt.timedelta(days=90), "The consultation slipped")
        db.session.commit()
    [item] = [item for item in _items(app, chair.id, world.MONDAY)
              if item.family == "date_requests"]
    assert (item.title, item.detail, item.path) == (
        "Refresh the escalation policy",
        "Tess Team asks to move its target date from 2 April 2027 to 2 May 2027",
        f"/actions/{ids.stale}#comments")
