"""The notification centre, the header's count, each person's choices, the digest's day and
the scheduled jobs' health, as people use them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login import login_user

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.notices import schedules, services
from partnership.notices.models import (
    Delivery,
    DigestSchedule,
    Notice,
    NoticeKind,
    RunOutcome,
    ScheduledRun,
)
from partnership.policy import Role
from partnership.register.models import Person
from tests.conftest import PASSWORD
from tests.notices import world
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


def _client(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def test_the_centre_lists_notices_and_what_is_coming_up(app: Flask,
                                                        make_user: Callable[..., User],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    chair = make_user(Role.CHAIR, email="cara@example.org")
    world.build(app, chair.id)
    pin_clock(monkeypatch, world.at(world.MONDAY))
    with app.app_context():
        services.sweep_notices()
        db.session.commit()
    client = _client(app, chair)
    html = page(client.get("/notices"))
    assert html.select_one(".app-notices-link").get_text(" ", strip=True).startswith(
        "Notices (1)")
    assert "Case Child Z" in html.select_one(".app-notices").get_text()
    coming = html.get_text(" ", strip=True)
    assert "Audit the neglect pathway : Overdue: its target date was 29 January 2027" in coming
    assert "Learning Group, 4 February 2027 at 14:00" in coming
    [form] = html.select(".app-notices form")
    response = client.submit("/notices", action=form["action"])
    assert response.status_code == 302
    html = page(client.get("/notices"))
    assert "Notices (0)" in html.select_one(".app-notices-link").get_text()
    assert "You have no unread notices." in html.get_text()


def test_nobody_marks_anyone_elses_notice(app: Flask, make_user: Callable[..., User]) -> None:
    owner = make_user(Role.TEAM)
    other = make_user(Role.TEAM)
    with app.app_context():
        services.notify(owner, NoticeKind.ACTION_ASSIGNED, "x", "Yours", delivery=Delivery.APP)
        db.session.commit()
        notice_id = db.session.scalar(sa.select(Notice.id))
    _client(app, other).submit("/notices", action=f"/notices/{notice_id}/read")
    with app.app_context():
        assert db.session.get(Notice, notice_id).read_at is None


def test_a_person_chooses_what_they_receive(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.AGENCY)
    client = _client(app, user)
    shown = client.get("/notices/preferences")
    assert b"titleText" not in shown.data  # the error summary is the page template's own
    html = page(shown)
    assert html.select_one("input[name=kind_digest][value=email]").has_attr("checked")
    choices = {f"kind_{kind.value}": "email" for kind in NoticeKind}
    choices["kind_case_deadline"] = "off"
    choices["kind_digest"] = "app"
    assert client.submit("/notices/preferences", choices).status_code == 302
    with app.app_context():
        chosen = services.preferences_of(user.id)
    assert chosen[NoticeKind.CASE_DEADLINE] is Delivery.OFF
    assert chosen[NoticeKind.DIGEST] is Delivery.APP
    assert chosen[NoticeKind.ACTION_ASSIGNED] is Delivery.EMAIL
    del choices["kind_digest"]
    html = page(client.submit("/notices/preferences", choices))
    assert html.select_one(".govuk-error-message") is not None


def test_the_team_sets_the_digest_day(app: Flask, make_user: Callable[..., User]) -> None:
    chair = make_user(Role.CHAIR)
    ids = world.build(app, chair.id)
    client = _client(app, make_user(Role.TEAM))
    html = page(client.get("/notices/digest/north"))
    assert "Mondays at 07:00" in html.get_text()
    html = page(client.submit("/notices/digest/north", {"weekday": "4", "send_at": "25:00"}))
    assert html.title.get_text().startswith("Error:")
    assert "must be a time" in html.select_one("#send_at-error").get_text()
    response = client.submit("/notices/digest/north", {"weekday": "4", "send_at": "16:30"},
                             follow_redirects=True)
    assert "now goes out on Fridays at 16:30" in page(response).get_text()
    with app.app_context():
        row = db.session.get(DigestSchedule, ids.partnership_id)
        assert (row.weekday, row.send_at.strftime("%H:%M")) == (4, "16:30")


def test_the_admin_sees_each_scheduled_jobs_health(app: Flask,
                                                   make_user: Callable[..., User]) -> None:
    with app.app_context():
        db.session.add(ScheduledRun(job_name=schedules.OUTBOX, occurrence="x",
                                    outcome=RunOutcome.FAILED, detail="Connection refused"))
        db.session.commit()
    html = page(_client(app, make_user(Role.ADMIN)).get("/notices/scheduled-jobs"))
    rows = [row.get_text(" ", strip=True) for row in html.select("tbody tr")]
    assert len(rows) == len(schedules.schedules()) == 6
    assert any(row.startswith("What lists sort and filter by") for row in rows)
    outbox = next(row for row in rows if row.startswith("Mail delivery"))
    assert "Failed Connection refused" in outbox
    assert "Not yet" in rows[0]


def test_an_action_assigned_to_someone_tells_them(app: Flask, make_user: Callable[..., User],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    chair = make_user(Role.CHAIR, email="cara@example.org")
    ids = world.build(app, chair.id)
    lead = make_user(Role.AGENCY, email="lee@example.org")
    with app.app_context():
        person = Person(name="Lee Lead", user_id=lead.id)
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    with app.test_request_context("/"):  # the chair changes the lead, as a page would
        login_user(db.session.get(User, chair.id))
        action = db.session.get(Action, ids.quiet)
        action.lead_person_id = person_id
        db.session.commit()
        action.title = "Plan the conference"  # not a change of lead: no second notice
        db.session.commit()
    with app.app_context():
        notices = db.session.scalars(sa.select(Notice).where(Notice.user_id == lead.id)).all()
        assert [(n.kind, n.title, n.path) for n in notices] == [
            (NoticeKind.ACTION_ASSIGNED,
             "An action was assigned to you: Plan next year's conference",
             f"/actions/{ids.quiet}")]


def test_the_header_link_survives_a_count_it_cannot_read(app: Flask,
                                                         make_user: Callable[..., User],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(app, make_user(Role.TEAM))

    def broken(_user: object) -> int:
        raise sa.exc.OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(services, "unread_count", broken)
    html = page(client.get("/account"))
    assert html.select_one(".app-notices-link").get_text(strip=True) == "Notices"
