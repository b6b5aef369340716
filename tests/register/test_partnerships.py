"""Partnerships: creating them with exactly three partners, their overview, names and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import (
    Capacity,
    ContactPoint,
    GuidanceEdition,
    PartnerKind,
    PartnerName,
    Partnership,
    Representative,
    StatutoryPartner,
)
from partnership.register.services.partnerships import representative_term
from tests.register.builders import (
    add_partnership,
    add_person,
    add_representative,
    date_parts,
    field_error,
)
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

NEW_PARTNERSHIP = {
    "name": "Hillshire Safeguarding Children Partnership",
    "short_name": "HSCP",
    "slug": "hillshire",
    "area": "The county of Hillshire",
    "guidance": "wt2023",
    "year_start_month": "4",
    "contact_email": "hscp@example.org",
    "contact_phone": "01632 960 001",
    "website": "https://hscp.example.org",
}
# Every role is refused every change in tests/test_authorization.py; these read the pages too.
NOT_TEAM = [Role.ADMIN, Role.PARTNER, Role.SCRUTINEER]


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_the_team_creates_a_partnership_with_exactly_three_partners(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    listing = page(team.get("/partnerships"))
    assert listing.find("a", href="/partnerships/new").get_text(strip=True) == "Add a partnership"

    response = team.submit("/partnerships/new", NEW_PARTNERSHIP)

    assert response.status_code == 302
    assert response.headers["Location"] == "/partnerships/hillshire"
    with app.app_context():
        partnership = db.session.scalars(sa.select(Partnership)).one()
        assert (partnership.name, partnership.guidance, partnership.year_start_month) == (
            "Hillshire Safeguarding Children Partnership", GuidanceEdition.WT2023, 4)
        assert sorted(p.kind.value for p in partnership.partners) == [
            "health", "local_authority", "police"]
        created = db.session.scalars(
            sa.select(AuditEvent.record_type).where(AuditEvent.action == "create",
                                                    AuditEvent.record_type != "user_account")
        ).all()
        assert sorted(created) == ["partnership"] + ["statutory_partner"] * 3
    overview = page(team.get("/partnerships/hillshire"))
    assert overview.find("h1").get_text(strip=True) == NEW_PARTNERSHIP["name"]
    partner_links = [a["href"] for a in overview.select("h3 a")]
    assert partner_links == [f"/partnerships/hillshire/partners/{kind}"
                             for kind in ("local_authority", "health", "police")]
    assert "Added partnership" in overview.select_one("table caption:-soup-contains('History')"
                                           ).find_parent("table").get_text()
    listed = page(team.get("/partnerships")).select("tbody tr")
    rows = [tr.get_text(" ", strip=True) for tr in listed]
    assert rows == ["Hillshire Safeguarding Children Partnership The county of Hillshire "
                    "Working Together 2023"]


def test_there_is_no_way_to_add_a_fourth_partner_or_remove_one(app: Flask) -> None:
    rules = [rule.rule for rule in app.url_map.iter_rules() if "/partners/" in rule.rule]
    assert not [rule for rule in rules if rule.endswith(("/partners/new", "/remove", "/delete"))]
    partnership_id = add_partnership(app)
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        db.session.add(StatutoryPartner(partnership_id=partnership_id, kind=PartnerKind.POLICE))
        db.session.commit()


def test_bad_details_are_shown_next_to_their_fields_and_nothing_is_saved(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit("/partnerships/new", {
        **NEW_PARTNERSHIP, "name": "", "slug": "Hill Shire", "contact_email": "not an email",
        "website": "javascript:alert(1)", "guidance": ""})

    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text().startswith("Error:")
    assert html.select_one(".govuk-error-summary") is not None
    assert field_error(html, "name") == "Enter the partnership's name"
    assert field_error(html, "slug").startswith("Slug must only include lowercase letters")
    assert field_error(html, "contact_email").startswith("Enter an email address")
    assert field_error(html, "website") == "Website must start with https://"
    assert field_error(html, "guidance") == (
        "Select the edition of Working Together the partnership follows")
    assert field_error(html, "short_name") is None
    assert _count(app, Partnership) == 0
    assert _count(app, StatutoryPartner) == 0


def test_a_slug_already_in_use_is_refused_with_a_field_error(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    response = team.submit("/partnerships/new", {**NEW_PARTNERSHIP, "name": "Another"})
    assert response.status_code == 200
    assert field_error(page(response), "slug") == (
        "Another partnership already uses this slug. Choose a different one")
    reserved = team.submit("/partnerships/new", {**NEW_PARTNERSHIP, "slug": "new"})
    assert field_error(page(reserved), "slug") == "This slug is reserved. Choose a different one"
    assert _count(app, Partnership) == 1
    assert _count(app, StatutoryPartner) == 3


def test_address_and_support_team_are_saved_and_shown_only_when_stated(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    def summaries() -> str:
        html = page(team.get("/partnerships/hillshire"))
        return " ".join(" ".join(dl.get_text(" ", strip=True).split())
                        for dl in html.select(".govuk-summary-list"))

    overview = summaries()
    assert "Postal address" not in overview and "Support team" not in overview
    details = {**NEW_PARTNERSHIP, "version": "1", "address": "County Hall\nHillchester HC1 1AA",
               "support_team_name": "Hillshire Safeguarding Children Partnership Team",
               "support_team": "The team supports the boards and runs training."}
    assert team.submit("/partnerships/hillshire/edit", details).status_code == 302
    with app.app_context():
        saved = db.session.scalars(sa.select(Partnership)).one()
        assert (saved.address, saved.support_team_name, saved.support_team) == (
            "County Hall\nHillchester HC1 1AA",
            "Hillshire Safeguarding Children Partnership Team",
            "The team supports the boards and runs training.")
    overview = summaries()
    assert "Postal address County Hall Hillchester HC1 1AA" in overview
    assert "Support team Hillshire Safeguarding Children Partnership Team" in overview
    too_long = page(team.submit("/partnerships/hillshire/edit", {
        **details, "version": "2", "support_team_name": "x" * 201, "address": "y" * 2001}))
    assert too_long.title.get_text().startswith("Error:")
    assert field_error(too_long, "support_team_name") == (
        "Support team's name must be 200 characters or fewer")
    assert field_error(too_long, "address") == "Postal address must be 2000 characters or fewer"
    with app.app_context():
        assert db.session.scalars(sa.select(Partnership.version)).one() == 2


def _contact_points(app: Flask) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [(p.label, p.email or p.phone or p.url or p.address, p.position)
                for p in db.session.scalars(sa.select(ContactPoint).order_by(
                    ContactPoint.position))]


def test_contact_points_are_added_ordered_changed_and_removed(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    new = "/partnerships/hillshire/contact-points/new"
    blank = {"label": "", "email": "", "phone": "", "url": "", "address": "", "position": ""}
    for data in ({**blank, "label": "General enquiries", "email": "hscp@example.org"},
                 {**blank, "label": "Training enquiries", "url": "https://hscp.example.org/t"},
                 {**blank, "label": "Escalation", "phone": "01632 960 002", "position": "1"}):
        response = team.submit(new, data)
        assert response.status_code == 302, field_error(page(response), "label")
    assert _contact_points(app) == [("Escalation", "01632 960 002", 0),
                                    ("General enquiries", "hscp@example.org", 1),
                                    ("Training enquiries", "https://hscp.example.org/t", 2)]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")[:2]]
            for tr in page(team.get("/partnerships/hillshire")).select(
                "#contact-points + .app-table-scroll table tbody tr")]
    assert rows == [["Escalation", "01632 960 002"], ["General enquiries", "hscp@example.org"],
                    ["Training enquiries", "https://hscp.example.org/t"]]

    # Bad input: refused next to the field, nothing saved.
    before = _contact_points(app)
    for data, field, message in (
        (blank, "label", "Enter what the contact point is for"),
        ({**blank, "label": "Nothing"}, "email",
         "Enter at least one way to reach it: an email address, a telephone number, a web "
         "address or a postal address"),
        ({**blank, "label": "Bad", "email": "not an email"}, "email",
         "Enter an email address in the correct format, like name@example.org"),
        ({**blank, "label": "Bad", "phone": "call us"}, "phone",
         "Enter a telephone number, like 01632 960 001"),
        ({**blank, "label": "Bad", "url": "www.example.org"}, "url",
         "Web address must start with https://"),
        ({**blank, "label": "x" * 201, "email": "a@example.org"}, "label",
         "What it is for must be 200 characters or fewer"),
        ({**blank, "label": "Bad", "email": "a@example.org", "position": "first"}, "position",
         "Position must be a whole number, like 2"),
    ):
        html = page(team.submit(new, data))
        assert html.title.get_text().startswith("Error:"), data
        assert field_error(html, field) == message, data
    assert _contact_points(app) == before

    with app.app_context():
        escalation, general, training = db.session.scalars(sa.select(ContactPoint.id).order_by(
            ContactPoint.position)).all()
    edit = f"/partnerships/hillshire/contact-points/{training}/edit"
    form = page(team.get(edit))
    assert form.find("input", attrs={"name": "position"})["value"] == "3"
    version = form.find("input", attrs={"name": "version"})["value"]
    moved = team.submit(edit, {**blank, "label": "Training", "url": "https://hscp.example.org/t",
                               "position": "1", "version": version})
    assert moved.status_code == 302
    assert _contact_points(app) == [("Training", "https://hscp.example.org/t", 0),
                                    ("Escalation", "01632 960 002", 1),
                                    ("General enquiries", "hscp@example.org", 2)]
    stale = team.submit(edit, {**blank, "label": "Old", "url": "https://hscp.example.org/t",
                               "version": version})
    assert stale.status_code == 409
    remove = f"/partnerships/hillshire/contact-points/{escalation}/remove"
    assert "Are you sure" in page(team.get(remove)).h1.get_text()
    assert team.submit(remove, {}).status_code == 302
    assert _contact_points(app) == [("Training", "https://hscp.example.org/t", 0),
                                    ("General enquiries", "hscp@example.org", 1)]
    assert team.get(remove).status_code == 404
    for role in NOT_TEAM:
        reader = signed_in(role)
        assert reader.get(new).status_code == 403
        assert reader.post_with_token(f"/partnerships/hillshire/contact-points/{general}/remove",
                                      {}, token_from="/account").status_code == 403
        assert "Add a contact point" not in page(reader.get("/partnerships/hillshire")).get_text()
    assert len(_contact_points(app)) == 2


def test_the_guidance_names_the_representatives_in_one_place() -> None:
    assert representative_term(GuidanceEdition.WT2018, Capacity.LEAD) == "lead representative"
    assert representative_term(GuidanceEdition.WT2018, Capacity.DELEGATED) == (
        "delegated representative")
    assert representative_term(GuidanceEdition.WT2023, Capacity.LEAD) == (
        "lead safeguarding partner")
    assert representative_term(GuidanceEdition.WT2023, Capacity.DELEGATED) == (
        "delegated safeguarding partner")


def _partner_block(html: object, kind: str) -> str:
    """The overview's text for one partner: its heading and its list of representatives."""
    heading = html.find("a", href=f"/partnerships/hillshire/partners/{kind}").find_parent("h3")
    text = [heading.get_text(" ", strip=True)]
    for sibling in heading.find_next_siblings():
        if sibling.name in ("h2", "h3"):
            break
        text.append(sibling.get_text(" ", strip=True))
    return " ".join(text)


def test_who_was_it_on_a_date(app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    """The CCG became the ICB on 1 July 2022, and its lead changed the same day."""
    add_partnership(app, "hillshire", guidance=GuidanceEdition.WT2018)
    before = add_person(app, "Alex Before", job_title="Accountable Officer")
    after = add_person(app, "Bea After", job_title="Chief Executive")
    delegate = add_person(app, "Cam Delegate")
    team = signed_in(Role.TEAM)
    names = "/partnerships/hillshire/partners/health/names/new"
    assert team.submit(names, {"name": "NHS Hillshire CCG",
                               **date_parts("valid_from", dt.date(2019, 4, 1))}).status_code == 302
    renamed = team.submit(names, {"name": "NHS Hillshire and Dale ICB",
                                  **date_parts("valid_from", dt.date(2022, 7, 1))},
                          follow_redirects=True)
    assert "NHS Hillshire CCG now ends on 30 June 2022" in renamed.get_data(as_text=True)
    reps = "/partnerships/hillshire/partners/health/representatives/new"
    for person, capacity, starts, ends, title in (
        (before, "lead", dt.date(2019, 4, 1), dt.date(2022, 6, 30), "Accountable Officer"),
        (after, "lead", dt.date(2022, 7, 1), None, "Chief Executive"),
        (delegate, "delegated", dt.date(2020, 1, 1), None, "Director of Nursing"),
    ):
        response = team.submit(reps, {"person": str(person), "capacity": capacity,
                                      "title": title, **date_parts("valid_from", starts),
                                      **date_parts("valid_to", ends)})
        assert response.status_code == 302, field_error(page(response), "valid_from")
    with app.app_context():
        rows = db.session.scalars(sa.select(PartnerName).order_by(PartnerName.valid_from)).all()
        assert [(r.name, r.valid_from, r.valid_to) for r in rows] == [
            ("NHS Hillshire CCG", dt.date(2019, 4, 1), dt.date(2022, 6, 30)),
            ("NHS Hillshire and Dale ICB", dt.date(2022, 7, 1), None)]

    on_30_june = _partner_block(page(team.get("/partnerships/hillshire?on=2022-06-30")), "health")
    assert "NHS Hillshire CCG" in on_30_june
    assert "Lead representative Alex Before, Accountable Officer" in on_30_june
    assert "Delegated representative Cam Delegate, Director of Nursing" in on_30_june
    assert "Bea After" not in on_30_june
    on_1_july = page(team.get("/partnerships/hillshire?on=2022-07-01"))
    assert on_1_july.find("input", attrs={"name": "on"})["value"] == "2022-07-01"
    assert "on 1 July 2022" in on_1_july.find("h2", id="partners").get_text()
    health = _partner_block(on_1_july, "health")
    assert "NHS Hillshire and Dale ICB" in health
    assert "Lead representative Bea After, Chief Executive" in health
    assert "Alex Before" not in health
    before_any = _partner_block(page(team.get("/partnerships/hillshire?on=2018-01-01")), "health")
    assert "No representatives recorded on this date" in before_any

    # The partner page keeps the whole history and marks what is current.
    partner_page = page(team.get("/partnerships/hillshire/partners/health"))
    statuses = [tr.get_text(" ", strip=True) for tr in partner_page.select("tbody tr")]
    assert any("NHS Hillshire CCG" in row and "Past" in row for row in statuses)
    assert any("NHS Hillshire and Dale ICB" in row and "Current" in row for row in statuses)
    assert any("Alex Before" in row and "Past" in row for row in statuses)
    assert any("Bea After" in row and "Current" in row for row in statuses)
    history = partner_page.select_one("table caption:-soup-contains('History')")
    assert history is not None
    history_rows = [tr.get_text(" ", strip=True) for tr in history.find_parent("table").select(
        "tbody tr")]
    # One row per save: the partner, two names, three people, the CCG's end date (saved
    # with its successor's name)
    assert len(history_rows) == 6, history_rows
    assert any("Changed" in row and "Valid to : (none) → 30 June 2022" in row
               for row in history_rows), history_rows


def test_the_overview_uses_the_2023_words(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire", guidance=GuidanceEdition.WT2023)
    chief = add_person(app, "Chris Constable")
    add_representative(app, "hillshire", PartnerKind.POLICE, chief, Capacity.LEAD,
                       dt.date(2023, 1, 1), title="Chief Constable")
    html = page(signed_in(Role.SCRUTINEER).get("/partnerships/hillshire"))
    police = _partner_block(html, "police")
    assert "Lead safeguarding partner Chris Constable, Chief Constable" in police
    assert "representative" not in police.lower()


def test_a_representative_may_be_recorded_by_post_alone_in_the_editions_words(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire", guidance=GuidanceEdition.WT2023)
    team = signed_in(Role.TEAM)
    url = "/partnerships/hillshire/partners/police/representatives/new"
    form = page(team.get(url))
    legend = form.find("legend", string=lambda text: text and "or" in text)
    assert legend.get_text(strip=True) == (
        "Lead safeguarding partner or delegated safeguarding partner?")
    labels = [label.get_text(strip=True) for label in form.select("label[for^=capacity]")]
    assert labels == ["Lead safeguarding partner", "Delegated safeguarding partner"]
    no_post = page(team.submit(url, {"person": "", "capacity": "lead", "title": " ",
                                     **date_parts("valid_from", dt.date(2024, 1, 1))}))
    assert no_post.title.get_text().startswith("Error:")
    assert field_error(no_post, "title") == "Enter the post, or select the person who holds it"
    assert _count(app, Representative) == 0
    response = team.submit(url, {"person": "", "capacity": "lead", "title": "Chief Constable",
                                 **date_parts("valid_from", dt.date(2024, 1, 1))})
    assert response.status_code == 302, field_error(page(response), "title")
    with app.app_context():
        [row] = db.session.scalars(sa.select(Representative)).all()
        assert (row.person_id, row.title) == (None, "Chief Constable")
    police = _partner_block(page(team.get("/partnerships/hillshire")), "police")
    assert "Lead safeguarding partner Chief Constable" in police
    detail = page(team.get("/partnerships/hillshire/partners/police")).get_text(" ", strip=True)
    assert "Chief Constable Post only: no one named" in detail
    second = page(team.submit(url, {"person": "", "capacity": "lead", "title": "Deputy",
                                    **date_parts("valid_from", dt.date(2024, 6, 1))}))
    assert field_error(second, "valid_from").startswith(
        "Chief Constable is the lead safeguarding partner from 1 January 2024")


@pytest.mark.parametrize("bad", ["2022-13-45", "yesterday", "01/07/2022"])
def test_a_date_that_is_not_real_is_shown_next_to_the_date_field(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], bad: str,
) -> None:
    add_partnership(app, "hillshire")
    response = signed_in(Role.TEAM).get(f"/partnerships/hillshire?on={bad}")
    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text().startswith("Error:")
    assert field_error(html, "on") == "Enter a real date, for example 2022-07-01"
    assert html.find("input", attrs={"name": "on"})["value"] == bad


def test_names_must_end_after_they_start_and_never_overlap(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    url = "/partnerships/hillshire/partners/health/names/new"
    assert team.submit(url, {"name": "Old Trust", **date_parts("valid_from", dt.date(2010, 1, 1)),
                             **date_parts("valid_to", dt.date(2015, 12, 31))}).status_code == 302

    backwards = page(team.submit(url, {"name": "Backwards",
                                       **date_parts("valid_from", dt.date(2020, 1, 1)),
                                       **date_parts("valid_to", dt.date(2019, 1, 1))}))
    assert field_error(backwards, "valid_to") == (
        "The end date must be the same as or after the start date")
    overlapping = page(team.submit(url, {"name": "Overlapping",
                                         **date_parts("valid_from", dt.date(2014, 1, 1)),
                                         **date_parts("valid_to", dt.date(2016, 1, 1))}))
    assert field_error(overlapping, "valid_from") == (
        "These dates overlap “Old Trust” (1 January 2010 to 31 December 2015). "
        "Each name must cover its own dates")
    half_a_date = page(team.submit(url, {"name": "Half", "valid_from": ["1", "", "2020"]}))
    assert field_error(half_a_date, "valid_from") == "Name used from must include a month"
    not_a_date = page(team.submit(url, {"name": "Never", "valid_from": ["31", "2", "2021"]}))
    assert field_error(not_a_date, "valid_from") == "Name used from must be a real date"
    missing = page(team.submit(url, {"name": "Undated"}))
    assert field_error(missing, "valid_from") == "Enter name used from"
    with app.app_context():
        assert db.session.scalars(sa.select(PartnerName.name)).all() == ["Old Trust"]


def test_a_partner_has_one_lead_at_a_time_and_terms_can_be_ended(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    first = add_person(app, "First Lead")
    second = add_person(app, "Second Lead")
    rep_id = add_representative(app, "hillshire", PartnerKind.LOCAL_AUTHORITY, first,
                                Capacity.LEAD, dt.date(2020, 1, 1))
    team = signed_in(Role.TEAM)
    base = "/partnerships/hillshire/partners/local_authority/representatives"
    clash = page(team.submit(f"{base}/new", {"person": str(second), "capacity": "lead",
                                             **date_parts("valid_from", dt.date(2024, 4, 1))}))
    assert field_error(clash, "valid_from") == (
        "First Lead is the lead representative from 1 January 2020. "
        "A partner has one lead representative at a time: end their term first")
    no_person = page(team.submit(f"{base}/new", {"person": "", "capacity": "delegated",
                                                 **date_parts("valid_from", dt.date(2024, 1, 1))}))
    assert field_error(no_person, "title") == "Enter the post, or select the person who holds it"

    too_early = page(team.submit(f"{base}/{rep_id}/end",
                                 date_parts("valid_to", dt.date(2019, 12, 31))))
    assert field_error(too_early, "valid_to") == (
        "The end date must be the same as or after the start date")
    ended = team.submit(f"{base}/{rep_id}/end", date_parts("valid_to", dt.date(2024, 3, 31)))
    assert ended.status_code == 302
    added = team.submit(f"{base}/new", {"person": str(second), "capacity": "lead",
                                        "title": "Chief Executive",
                                        **date_parts("valid_from", dt.date(2024, 4, 1))})
    assert added.status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(Representative).order_by(Representative.id)).all()
        assert [(r.person.name, r.valid_from, r.valid_to) for r in rows] == [
            ("First Lead", dt.date(2020, 1, 1), dt.date(2024, 3, 31)),
            ("Second Lead", dt.date(2024, 4, 1), None)]

    # Changing the role keeps its history.
    edit = f"{base}/{rows[1].id}/edit"
    form = page(team.get(edit))
    assert form.find("select", attrs={"name": "person"}).find("option", selected=True)["value"] == (
        str(second))
    changed = team.submit(edit, {"person": str(second), "capacity": "lead", "title": "Chief Exec",
                                 "version": "1", **date_parts("valid_from", dt.date(2024, 4, 1)),
                                 **date_parts("valid_to", None)})
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(Representative, rows[1].id).title == "Chief Exec"


def test_a_stale_edit_of_the_details_gets_the_conflict_page(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = "/partnerships/hillshire/edit"
    opened = page(bob.get(url)).find("input", attrs={"name": "version"})["value"]
    assert opened == "1"
    saved = alice.submit(url, {**NEW_PARTNERSHIP, "name": "Alice's name", "version": opened})
    assert saved.status_code == 302
    conflict = bob.submit(url, {**NEW_PARTNERSHIP, "name": "Bob's name", "version": opened})
    assert conflict.status_code == 409
    table = {tr.th.get_text(" ", strip=True).replace(" Different", ""):
             [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in page(conflict).select("tbody tr")}
    assert table["Name"] == ["Bob's name", "Alice's name"]
    with app.app_context():
        saved_row = db.session.scalars(sa.select(Partnership)).one()
        assert (saved_row.name, saved_row.version) == ("Alice's name", 2)
    # Bob can then save his values over Alice's from the conflict page.
    again = bob.submit(url, {**NEW_PARTNERSHIP, "name": "Bob's name", "version": "2"})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Partnership.name)).one() == "Bob's name"


def test_a_stale_edit_of_a_name_gets_the_conflict_page(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    team.submit("/partnerships/hillshire/partners/police/names/new",
                {"name": "Hillshire Constabulary", **date_parts("valid_from", dt.date(2000, 1, 1))})
    with app.app_context():
        name_id = db.session.scalars(sa.select(PartnerName.id)).one()
    url = f"/partnerships/hillshire/partners/police/names/{name_id}/edit"
    fields = {"name": "Hillshire Police", **date_parts("valid_from", dt.date(2000, 1, 1))}
    assert team.submit(url, {**fields, "version": "1"}).status_code == 302
    conflict = team.submit(url, {**fields, "name": "Hillshire Force", "version": "1"})
    assert conflict.status_code == 409
    with app.app_context():
        assert db.session.scalars(sa.select(PartnerName.name)).one() == "Hillshire Police"


@pytest.mark.parametrize("role", NOT_TEAM, ids=lambda role: role.value)
def test_other_roles_read_but_cannot_change_anything(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], role: Role,
) -> None:
    add_partnership(app, "hillshire")
    person = add_person(app, "Pat Partner")
    rep_id = add_representative(app, "hillshire", PartnerKind.POLICE, person, Capacity.LEAD,
                                dt.date(2020, 1, 1))
    client = signed_in(role)
    for url in ("/partnerships", "/partnerships/hillshire",
                "/partnerships/hillshire/partners/police"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        hrefs = [a.get("href", "") for a in html.find_all("a")]
        assert not [h for h in hrefs if h.endswith(("/new", "/edit", "/end"))], (url, hrefs)
        assert not html.select("form[method=post]:not(.app-sign-out__form)"), url
    partner = "/partnerships/hillshire/partners/police"
    for url, data in (
        ("/partnerships/new", NEW_PARTNERSHIP),
        ("/partnerships/hillshire/edit", {**NEW_PARTNERSHIP, "version": "1"}),
        (f"{partner}/names/new", {"name": "X", **date_parts("valid_from", dt.date(2020, 1, 1))}),
        (f"{partner}/representatives/new", {"person": str(person), "capacity": "delegated"}),
        (f"{partner}/representatives/{rep_id}/edit", {"version": "1"}),
        (f"{partner}/representatives/{rep_id}/end",
         {"version": "1", **date_parts("valid_to", dt.date(2021, 1, 1))}),
    ):
        assert client.post_with_token(url, data, token_from="/account").status_code == 403, url
        assert client.get(url).status_code == 403, url
    with app.app_context():
        assert db.session.get(Representative, rep_id).valid_to is None
        assert _count(app, PartnerName) == 0
        assert db.session.scalars(sa.select(Partnership.version)).one() == 1


def test_the_structure_chart_and_its_text_version(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    """Run last: the chart comes from partnership.register.chart."""
    add_partnership(app, "hillshire")
    client = signed_in(Role.SCRUTINEER)
    chart = client.get("/partnerships/hillshire/structure.svg")
    assert chart.status_code == 200
    assert chart.mimetype == "image/svg+xml"
    assert "<svg" in chart.get_data(as_text=True)
    html = page(client.get("/partnerships/hillshire"))
    image = html.find("img", src="/partnerships/hillshire/structure.svg")
    assert image is not None and image["alt"]
    assert html.find("h3", string="Text version of the structure chart") is not None
