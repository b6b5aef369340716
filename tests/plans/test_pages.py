"""A plan's year and an objective's page: roll-ups counted by hand, evidence of impact, and a
fixed number of queries whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.actions.models import Rating, Status
from partnership.policy import Role
from tests.plans.records import TODAY, Built, add_action, add_update, build_plan
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at
from tests.support.queries import sql_statements as counting

RECENTLY = dt.date(2025, 11, 1)


fixed_today = clock_at(TODAY)


@pytest.fixture
def built(app: Flask) -> Built:
    return build_plan(app)


def section_text(client: BrowserLikeClient, url: str, element_id: str) -> str:
    """The text of the section an objective's heading (``objective-<id>``) opens."""
    html = page(client.get(url))
    heading = html.find(id=element_id)
    assert heading is not None, element_id
    return heading.find_parent("section").get_text(" ", strip=True)


def add_rated_actions(app: Flask, built: Built) -> None:
    """A1 in 2025: one red, one amber, one green, one complete, one cancelled; one in 2024."""
    red = add_action(app, built.adolescents_id, "Publish the strategy",
                     target_date=dt.date(2025, 10, 1), percent_complete=40)
    amber = add_action(app, built.adolescents_id, "Train school staff",
                       target_date=dt.date(2025, 11, 25), percent_complete=20)
    green = add_action(app, built.adolescents_id, "Hear from young people",
                       target_date=dt.date(2026, 3, 1), percent_complete=60)
    for action in (red, amber, green):
        add_update(app, action, RECENTLY)
    add_action(app, built.adolescents_id, "Map the services", status=Status.COMPLETE,
               completed_on=dt.date(2025, 9, 1))
    add_action(app, built.adolescents_id, "Buy a new system", status=Status.CANCELLED,
               percent_complete=90)
    add_action(app, built.adolescents_id, "Set up the group", year=2024,
               status=Status.COMPLETE, completed_on=dt.date(2024, 6, 1))


def test_the_year_rolls_each_objective_up_by_rating_with_words(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_rated_actions(app, built)
    client = signed_in(Role.SCRUTINEER)
    url = f"/plans/{built.plan_id}?year=2025"

    a1 = section_text(client, url, f"objective-{built.adolescents_id}")

    # By hand: red 40, amber 20, green 60, complete 100 -> 220 / 4 = 55 (cancelled left out).
    for words in ("1 red", "1 amber", "1 green", "1 complete", "1 closed",
                  "5 actions; on average 55% complete; 2 need attention."):
        assert words in a1, words
    assert "Set up the group" not in a1  # a 2024 action
    html = page(client.get(url))
    tags = {tag.get_text(strip=True): tag["class"] for tag in html.select(
        f"#objective-{built.adolescents_id} ~ .app-rollup .govuk-tag")}
    assert "govuk-tag--red" in tags["1 red"] and "govuk-tag--orange" in tags["1 amber"]
    section = html.find(id=f"objective-{built.adolescents_id}").find_parent("section")
    rows = {row.find("td").get_text(" ", strip=True):
            row.find_all("td")[-1].get_text(" ", strip=True)
            for row in section.select("table tbody tr")}
    assert rows["Buy a new system"] == "Cancelled"
    assert rows["Publish the strategy"] == "Red"
    # Part B and the hub's priorities of 2025, with the phases of P1.
    text = html.get_text(" ", strip=True)
    assert "B1 Evaluate the impact of initiatives" in text
    assert "P1 Child exploitation review" in text and "April to June 2025" in text
    # Another year shows its own actions and activities.
    earlier = page(client.get(f"/plans/{built.plan_id}?year=2024")).get_text(" ", strip=True)
    assert "Set up the group" in earlier and "B1 Evaluate" not in earlier
    assert "Business plan: 2024\u201325" in earlier


def test_the_year_page_links_to_the_pdf_progress_and_carrying_forward(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team, chair = signed_in(Role.TEAM), signed_in(Role.CHAIR)
    url = f"/plans/{built.plan_id}"  # today is in 2025-26

    links = {a.get_text(" ", strip=True): a["href"] for a in page(team.get(url)).select("main a")}

    assert links["The plan for 2025\u201326 as a PDF"] == (
        f"/plans/{built.plan_id}/plan.pdf?year=2025")
    assert links["Little or no progress in 2025\u201326"] == (
        f"/plans/{built.plan_id}/little-progress?from=2025-04-01&to=2026-03-31")
    assert links["Carry unfinished actions forward into 2026\u201327"] == (
        f"/plans/{built.plan_id}/carry-forward?year=2025")
    assert links["Add an objective, activity or priority"] == (
        f"/plans/{built.plan_id}/objectives/new")
    if "actions.export" in app.view_functions:
        assert links["This year's actions as a spreadsheet (XLSX)"].startswith("/actions/export")
    chair_links = [a.get_text(" ", strip=True) for a in page(chair.get(url)).select("main a")]
    assert "The plan for 2025\u201326 as a PDF" in chair_links
    assert not [t for t in chair_links if t.startswith(("Carry", "Add an objective"))]


def test_the_objective_page_shows_the_latest_evidence_of_impact(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    own = add_action(app, built.adolescents_id, "Run the campaign", status=Status.COMPLETE,
                     completed_on=dt.date(2025, 6, 1), impact="Leaflets reached 400 families")
    later = add_action(app, built.adolescents_id, "Train staff")
    add_update(app, own, dt.date(2025, 8, 1), impact="Calls to the helpline doubled")
    add_update(app, later, dt.date(2025, 10, 1), impact="Schools referred 12 more children",
               author="Priya Shah")
    add_update(app, later, dt.date(2025, 10, 20), impact="")  # newer, but no evidence
    add_update(app, later, dt.date(2025, 9, 1), impact="An older note")
    other = add_action(app, built.neglect_id, "Elsewhere")
    add_update(app, other, dt.date(2025, 11, 10), impact="Not this objective's")
    client = signed_in(Role.AGENCY)

    def shown() -> str:
        html = page(client.get(f"/objectives/{built.adolescents_id}"))
        return html.find(id="impact").find_next(class_="govuk-inset-text").get_text(" ",
                                                                                   strip=True)

    assert shown() == ("Schools referred 12 more children From a progress update by "
                       "Priya Shah on 1 October 2025: Train staff")
    add_action(app, built.adolescents_id, "Audit the files", status=Status.COMPLETE,
               completed_on=dt.date(2025, 10, 30), impact="Plans now name a lead")
    assert shown() == ("Plans now name a lead Recorded on the action, completed on "
                       "30 October 2025: Audit the files")


def test_the_objective_page_rolls_up_every_year_and_each_year(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_rated_actions(app, built)
    html = page(signed_in(Role.PARTNER).get(f"/objectives/{built.adolescents_id}"))
    text = html.get_text(" ", strip=True)
    # Every year: the six actions; 40 + 20 + 60 + 100 + 100 = 320 / 5 = 64.
    assert "6 actions; on average 64% complete; 2 need attention." in text
    table = html.find("caption", string="Progress by reporting year").find_parent("table")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")]
    assert rows == [["2024\u201325", "1 complete", "100%"],
                    ["2025\u201326", "1 red 1 amber 1 green 1 complete 1 closed", "55%"]]


def grow(app: Flask, built: Built, n: int) -> None:
    """Add n actions to each objective, each with two updates, some in P1's phases."""
    for objective in (built.adolescents_id, built.neglect_id, built.evaluate_id,
                      built.exploitation_id):
        for i in range(n):
            phase = built.auditing_id if objective == built.exploitation_id and i % 2 else None
            action = add_action(app, objective, f"Action {objective}-{i}", phase_id=phase,
                                lead_person_id=built.person_id, body_id=built.board_id,
                                lead_agency_id=built.agency_id, percent_complete=i % 100,
                                target_date=dt.date(2025, 12, 1), impact=f"Impact {i}")
            add_update(app, action, RECENTLY, rating=Rating.GREEN, impact="Some")
            add_update(app, action, dt.date(2025, 10, 1))


def test_the_pages_run_a_fixed_number_of_queries_whatever_the_size(
        app: Flask, built: Built, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    client = signed_in(Role.TEAM)
    urls = [f"/plans/{built.plan_id}?year=2025", f"/objectives/{built.exploitation_id}",
            f"/plans/{built.plan_id}/little-progress", f"/plans/{built.plan_id}/carry-forward",
            "/plans", f"/partnerships/{built.slug}/plans"]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with counting(app) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    grow(app, built, 2)
    small = queries()
    grow(app, built, 15)
    assert queries() == small
