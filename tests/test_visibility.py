"""Lists show exactly what the record pages allow: ``visible(user, Model)`` against
``can(user, "view", record)``, record by record, for every role's demo account and every
model that belongs to a realm; then the lists themselves (the tracker, My actions, the
spreadsheet export, the case list and the board, learning, the reading room, meetings and
the audit log) against the same answers. A new realm with records and no visibility rule
fails here."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.demo.accounts import DEMO_ACCOUNTS, DemoAccount
from partnership.extensions import db
from partnership.meetings.models import Meeting
from partnership.policy import RULES, Role, can, case_path, partnerships_of, scope, visible
from partnership.register.models import Partnership
from partnership.reviews.models import Case, Recommendation, Review, Stage
from tests.support.client import BrowserLikeClient


def realm_models() -> list[type]:
    """Every mapped model that belongs to a realm, by table name."""
    models = [mapper.class_ for mapper in db.Model.registry.mappers
              if getattr(mapper.class_, "__realm__", None) is not None]
    return sorted(models, key=lambda model: model.__table__.name)


def identity(record: Any) -> tuple[Any, ...]:
    return tuple(sa.inspect(record).identity)


def demo_user(account: DemoAccount) -> User:
    return db.session.scalars(sa.select(User).where(User.email == account.email)).one()


@pytest.fixture
def big_pages(make_app: Callable[..., Flask]) -> Flask:
    """The demo, with every list on one page."""
    return make_app(PAGE_SIZE=100_000)


@pytest.mark.demo
def test_visible_selects_exactly_the_records_can_lets_each_role_view(app: Flask) -> None:
    models = realm_models()
    assert {model.__realm__ for model in models} >= {  # type: ignore[attr-defined]
        "actions", "arrangements", "audit_log", "cases", "meetings", "plans", "register",
        "reports", "reviews", "users"}
    narrowed: set[tuple[str, str]] = set()  # (account, model) where some records are hidden
    with app.test_request_context():
        for account in DEMO_ACCOUNTS:
            user = demo_user(account)
            for model in models:
                records = list(db.session.scalars(sa.select(model)))
                allowed = {identity(r) for r in records if can(user, "view", r)}
                listed = {identity(r) for r in db.session.scalars(
                    sa.select(model).where(visible(user, model)))}
                assert listed == allowed, (account.email, model.__name__,
                                           sorted(listed - allowed), sorted(allowed - listed))
                if records and 0 < len(allowed) < len(records):
                    narrowed.add((account.email, model.__name__))
    # The comparison is not empty: need-to-know really narrows the demo's lists.
    assert ("agency@demo.example", "Case") in narrowed
    assert ("agency@demo.example", "Action") in narrowed


@pytest.mark.demo
def test_need_to_know_narrows_the_demo_for_someone_outside_a_case(app: Flask) -> None:
    """Some demo accounts see some cases and not others; others see all or none."""
    with app.test_request_context():
        cases = list(db.session.scalars(sa.select(Case)))
        seen = {account.email: {c.id for c in cases if can(demo_user(account), "view", c)}
                for account in DEMO_ACCOUNTS}
    assert seen["officer@demo.example"] == {c.id for c in cases}
    assert seen["scrutineer@demo.example"] == set() == seen["admin@demo.example"]
    assert 0 < len(seen["agency@demo.example"]) < len(cases)


@pytest.mark.demo
def test_two_partnerships_with_different_users_never_see_each_other_s_records(
        app: Flask) -> None:
    """The island's officer sees none of the county's own records, and the county's accounts
    none of the island's; a body the four areas share is seen from both."""
    with app.test_request_context():
        ids = dict(db.session.execute(sa.select(Partnership.slug, Partnership.id)).tuples().all())
        island = demo_user(next(a for a in DEMO_ACCOUNTS if a.email.startswith("merrow.")))
        county = [demo_user(a) for a in DEMO_ACCOUNTS
                  if a.partnerships == ("wscp",) and a.role is not Role.ADMIN]
        assert island.partnership_ids == {ids["imscp"]} and county
        seen_shared = False
        for model in realm_models():
            for record in db.session.scalars(sa.select(model)):
                owners = partnerships_of(record)
                if owners is None:
                    continue
                if ids["imscp"] not in owners:
                    assert not can(island, "view", record), (model.__name__, identity(record))
                if ids["wscp"] not in owners:
                    for user in county:
                        assert not can(user, "view", record), (user.email, model.__name__)
                if {ids["wscp"], ids["imscp"]} <= owners and model.__name__ == "Body":
                    seen_shared = True
                    assert can(island, "view", record) and can(county[0], "view", record)
        assert seen_shared
    client = signed_in_as(app, next(a for a in DEMO_ACCOUNTS if a.email.startswith("merrow.")))
    assert client.get("/partnerships/wscp").status_code == 404
    assert client.get("/partnerships/imscp").status_code == 200
    # Every page that lists anything (the routes that take no argument) works for the island's
    # officer and links to none of the county's records.
    listed = sorted(rule.rule for rule in app.url_map.iter_rules()
                    if "GET" in (rule.methods or ()) and not rule.arguments
                    and not rule.rule.startswith(("/static", "/assets", "/sign-out")))
    assert "/reading-room" in listed and "/actions" in listed
    chair = signed_in_as(app, next(a for a in DEMO_ACCOUNTS if a.email == "chair@demo.example"))
    for who, other in ((client, "wscp"), (chair, "imscp")):
        for url in listed:
            response = who.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if response.mimetype == "text/html":
                assert f'href="/partnerships/{other}' not in response.get_data(as_text=True), (
                    other, url)


def test_every_realm_with_records_has_a_visibility_rule(
        app: Flask, make_user: Callable[..., User]) -> None:
    users = [make_user(role) for role in Role]
    with app.test_request_context():
        for model in realm_models():
            for user in users:
                visible(db.session.get(User, user.id), model)  # raises without a rule
            case_path(model)  # raises if a record could reach a case two ways


class _Stray(DeclarativeBase):
    pass


class NewRecord(_Stray):
    """A model of a realm nobody wrote a view rule for."""

    __tablename__ = "new_record"
    __realm__ = "new_realm"

    id: Mapped[int] = mapped_column(primary_key=True)


def test_a_realm_without_a_visibility_rule_is_refused(
        app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    team = make_user(Role.TEAM)
    with app.test_request_context():
        user = db.session.get(User, team.id)
        with pytest.raises(LookupError, match="new_realm"):
            visible(user, NewRecord)
        # A view rule said only in Python is not enough: lists could not follow it.
        monkeypatch.setitem(RULES, ("view", "new_realm"), lambda _user, _target: True)
        assert can(user, "view", NewRecord())
        with pytest.raises(LookupError, match="new_realm"):
            visible(user, NewRecord)


# --- the lists themselves --------------------------------------------------------------------


def signed_in_as(app: Flask, account: DemoAccount) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(account.email, account.password).status_code == 302, account.email
    return client


def ids_linked(html: str, pattern: str) -> set[int]:
    return {int(found) for found in re.findall(pattern, html)}


def accounts() -> Iterator[Any]:
    for account in DEMO_ACCOUNTS:
        yield pytest.param(account, id=account.email.split("@")[0],
                           marks=pytest.mark.demo)


@pytest.mark.parametrize("account", list(accounts()))
def test_each_list_shows_exactly_what_the_user_may_view(
        big_pages: Flask, account: DemoAccount) -> None:
    app = big_pages
    with app.test_request_context():
        user = demo_user(account)
        mine = scope(user)
        actions = [a for a in db.session.scalars(sa.select(Action)) if can(user, "view", a)]
        allowed_actions = {a.id for a in actions}
        owned = {a.id for a in actions
                 if (mine.person_id is not None and a.lead_person_id == mine.person_id)
                 or (user.role is Role.AGENCY and mine.agency_id is not None
                     and a.lead_agency_id == mine.agency_id)
                 or a.body_id in mine.chaired_body_ids}
        cases = [c for c in db.session.scalars(sa.select(Case)) if can(user, "view", c)]
        allowed_cases = {c.id for c in cases}
        open_cases = {c.id for c in cases if c.stage is not Stage.CLOSED}
        reviews = {r.id for r in db.session.scalars(sa.select(Review)) if can(user, "view", r)}
        with_plans = set(db.session.scalars(sa.select(Recommendation.review_id)))
        may = {realm: can(user, "view", realm)
               for realm in ("actions", "cases", "reviews", "reading_room", "meetings",
                             "audit_log")}
        may_export = can(user, "export", "actions")
        meeting_ids = {m.id for m in db.session.scalars(sa.select(Meeting))
                       if can(user, "view", m)}
    client = signed_in_as(app, account)

    # The tracker, its count, and the spreadsheet export.
    page = client.get("/actions")
    assert page.status_code == (200 if may["actions"] else 403)
    html = page.get_data(as_text=True)
    assert ids_linked(html, r'href="/actions/(\d+)"') == allowed_actions
    assert f">{len(allowed_actions)} action" in html
    # The filters name no one the list leaves out: a partnership's bodies, agencies and
    # officers, once it is chosen (or is the only one).
    for pid in sorted({a.partnership_id for a in actions}):
        soup = BeautifulSoup(client.get(f"/actions?partnership_id={pid}").get_data(
            as_text=True), "html.parser")
        for name, column in (("person_id", "lead_person_id"), ("agency_id", "lead_agency_id"),
                             ("body_id", "body_id")):
            named = {getattr(a, column) for a in actions if a.partnership_id == pid}
            offered = {int(option["value"]) for option
                       in soup.select(f'select[name="{name}"] option') if option.get("value")}
            assert offered == named - {None}, (name, pid)
    export = client.get("/actions/export.csv")
    assert export.status_code == (200 if may_export else 403)
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert {int(row["ID"]) for row in rows} == allowed_actions

    # My actions: what the user owns or leads, of what they may view.
    html = client.get("/actions/mine").get_data(as_text=True)
    assert ids_linked(html, r'href="/actions/(\d+)"') == owned

    # The case list and the board (a 404 where the user may see no case at all).
    listing = client.get("/cases")
    board = client.get("/cases/board")
    if may["cases"]:
        assert ids_linked(listing.get_data(as_text=True), r'href="/cases/(\d+)"') == allowed_cases
        assert ids_linked(board.get_data(as_text=True), r'href="/cases/(\d+)"') == open_cases
    else:
        assert (listing.status_code, board.status_code, allowed_cases) == (404, 404, set())

    # Learning, and the action plans in the reading room.
    html = client.get("/learning").get_data(as_text=True)
    assert ids_linked(html, r'href="/learning/(\d+)"') == reviews
    html = client.get("/reading-room").get_data(as_text=True)
    assert ids_linked(html, r'href="/learning/(\d+)/action-plan"') == reviews & with_plans

    # Meetings and the audit log: their rules are the role's, record by record too.
    meetings = client.get("/meetings")
    assert meetings.status_code == (200 if may["meetings"] else 403)
    assert ids_linked(meetings.get_data(as_text=True), r'href="/meetings/(\d+)"') <= meeting_ids
    audit = client.get("/audit")
    assert audit.status_code == (200 if may["audit_log"] else 403)
