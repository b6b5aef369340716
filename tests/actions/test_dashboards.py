"""The home page's action panels per role, and the tracker's pages at a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from partnership.actions.models import Rating, Status
from partnership.policy import Role
from tests.actions import (
    DAY,
    TODAY,
    Area,
    add_action,
    add_area,
    add_update,
    ago,
    link_person,
    make_chair,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements as counting


def panel(client: BrowserLikeClient) -> dict[str, Any]:
    """The action panel on the home page: its counts, the worst actions, its links."""
    html = page(client.get("/"))
    counts = {row.th.get_text(" ", strip=True): int(row.select_one("td").get_text(strip=True))
              for row in html.select("main table:not(:has(thead)) tbody tr")
              if row.th is not None and row.select_one("td a")}
    worst_table = next((t for t in html.select("main table")
                        if "most in need of attention" in t.get_text()), None)
    worst = [row.td.get_text(" ", strip=True).split(" ")[0] for row in
             worst_table.select("tbody tr")] if worst_table else []
    links = {a.get_text(" ", strip=True): a["href"] for a in html.select("main a")}
    return {"counts": counts, "worst": worst, "links": links,
            "text": html.get_text(" ", strip=True)}


def several(app: Flask, area: Area, **fields: Any) -> None:
    """Red, amber, stale and green actions, with the given owner or lead."""
    add_action(app, area.partnership_id, "Red1", target_date=TODAY - 5 * DAY,
               status=Status.IN_PROGRESS, **fields)
    stale_red = add_action(app, area.partnership_id, "Red2", status=Status.IN_PROGRESS,
                           target_date=TODAY + 100 * DAY, created_at=ago(200), **fields)
    add_update(app, stale_red, TODAY - 150 * DAY, proposed_rating=Rating.RED)
    add_action(app, area.partnership_id, "Amber1", target_date=TODAY + 5 * DAY,
               percent_complete=10, status=Status.IN_PROGRESS, **fields)
    add_action(app, area.partnership_id, "Stale1", target_date=TODAY + 100 * DAY,
               status=Status.IN_PROGRESS, created_at=ago(60), **fields)
    add_action(app, area.partnership_id, "Green1", target_date=TODAY + 100 * DAY,
               status=Status.IN_PROGRESS, **fields)
    add_action(app, area.partnership_id, "Done1", status=Status.COMPLETE,
               completed_on=TODAY, **fields)


def test_the_team_sees_every_action_needing_attention_worst_first(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    several(app, area, body_id=area.board_id)
    other = add_area(app, "mercia", "Mercia Safeguarding Partnership")
    add_action(app, other.partnership_id, "Red3", target_date=TODAY - DAY)
    shown = panel(signed_in(Role.TEAM))
    assert shown["counts"] == {"Red": 3, "Amber": 1, "Update overdue": 2}
    # Red first, the longest without an update first among them (none yet before an old
    # one), then amber, then the green one waiting for an update.
    assert shown["worst"] == ["Red1", "Red3", "Red2", "Amber1", "Stale1"]
    assert shown["links"]["See the red actions"] == "/actions?rag=red"
    assert shown["links"]["See the actions waiting for an update"] == (
        "/actions?update_overdue=1&sort=stalest")
    assert shown["links"]["See all 5 needing attention"] == "/actions?attention=1&sort=rating"
    assert "actions in the tracker, 6 are open and 5 need attention" in shown["text"]


def test_the_panel_shows_ten_at_most(app: Flask,
                                     signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    for n in range(12):
        add_action(app, area.partnership_id, f"Late{n:02d}", target_date=TODAY - DAY)
    shown = panel(signed_in(Role.TEAM))
    assert shown["counts"]["Red"] == 12
    assert len(shown["worst"]) == 10
    assert "See all 12 needing attention" in shown["links"]


def test_a_chair_sees_the_bodies_they_chair(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    several(app, area, body_id=area.group_id)
    add_action(app, area.partnership_id, "Board's red", body_id=area.board_id,
               target_date=TODAY - DAY)
    chair = signed_in(Role.CHAIR)
    make_chair(app, chair.user, area.group_id)  # type: ignore[attr-defined]
    shown = panel(chair)
    assert shown["counts"] == {"Red": 2, "Amber": 1, "Update overdue": 2}
    assert "Board's red" not in shown["worst"]
    assert shown["links"]["See the red actions"] == f"/actions?body_id={area.group_id}&rag=red"
    unlinked = signed_in(Role.CHAIR)
    assert "not linked to a group you chair" in panel(unlinked)["text"]


def test_an_agency_lead_sees_what_their_agency_leads(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    several(app, area, lead_agency_id=area.council_id)
    add_action(app, area.partnership_id, "Police red", lead_agency_id=area.police_id,
               target_date=TODAY - DAY)
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, area.colleague_id)  # type: ignore[attr-defined] (council)
    shown = panel(lead)
    assert shown["counts"] == {"Red": 2, "Amber": 1, "Update overdue": 2}
    assert shown["links"]["See the amber actions"] == (
        f"/actions?agency_id={area.council_id}&rag=amber")
    assert "Your agency's actions" in shown["text"]


def test_a_partner_sees_a_panel_only_when_they_lead_actions(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    partner = signed_in(Role.PARTNER)
    person = link_person(app, partner.user)  # type: ignore[attr-defined]
    assert "Actions you lead" not in panel(partner)["text"]
    add_action(app, area.partnership_id, "Partner's late one", lead_person_id=person,
               target_date=TODAY - DAY)
    shown = panel(partner)
    assert "Actions you lead" in shown["text"]
    assert shown["counts"]["Red"] == 1


# --- a fixed number of queries whatever the size ----------------------------------------------


def test_lists_my_actions_and_panels_use_the_same_queries_at_any_size(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    team, chair, lead = (signed_in(role) for role in (Role.TEAM, Role.CHAIR, Role.AGENCY))
    make_chair(app, chair.user, area.board_id)  # type: ignore[attr-defined]
    link_person(app, lead.user, area.officer_id)  # type: ignore[attr-defined] (police)
    pages = [(team, "/"), (team, "/actions"), (team, "/actions?attention=1&sort=rating"),
             (team, "/actions/mine"), (chair, "/"), (chair, "/actions/mine"), (lead, "/"),
             (lead, "/actions/mine")]

    def grow(count: int) -> None:
        for n in range(count):
            action = add_action(app, area.partnership_id, f"Action {n}", body_id=area.board_id,
                                lead_agency_id=area.police_id, lead_person_id=area.officer_id,
                                objective_id=area.objective_id, status=Status.IN_PROGRESS,
                                target_date=TODAY + (n - 5) * DAY)
            add_update(app, action, TODAY - n * DAY)

    def measure() -> list[int]:
        counts = []
        for client, url in pages:
            client.get(url)  # warm up: the session's first look-ups
            with counting(app) as statements:
                assert client.get(url).status_code == 200, url
            counts.append(len(statements))
        return counts

    grow(3)
    small = measure()
    grow(30)
    assert measure() == small
