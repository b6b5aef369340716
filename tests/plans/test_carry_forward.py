"""Carrying a year's unfinished actions into the next: linked copies, once, by the team only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action, Status
from partnership.extensions import db
from partnership.plans import services
from partnership.plans.models import Plan
from partnership.policy import Role
from tests.plans.records import Built, add_action, add_partnership, build_plan
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

NEAR_YEAR_END = dt.date(2026, 3, 20)  # the end of reporting year 2025


fixed_today = clock_at(NEAR_YEAR_END)


@pytest.fixture
def built(app: Flask) -> Built:
    return build_plan(app)


@pytest.fixture
def unfinished(app: Flask, built: Built) -> dict[str, int]:
    """Two open actions of 2025 (one due before 2026 starts), and three that are not open."""
    ids = {
        "strategy": add_action(app, built.adolescents_id, "Write the strategy",
                               detail="With young people", target_date=dt.date(2026, 2, 1),
                               percent_complete=40, lead_person_id=built.person_id,
                               lead_agency_id=built.agency_id, body_id=built.board_id),
        "launch": add_action(app, built.exploitation_id, "Hold the launch event",
                             phase_id=built.auditing_id, status=Status.NOT_STARTED,
                             target_date=dt.date(2026, 6, 30)),
    }
    add_action(app, built.adolescents_id, "Finished", status=Status.COMPLETE,
               completed_on=dt.date(2025, 12, 1))
    add_action(app, built.adolescents_id, "Put off", status=Status.DEFERRED)
    add_action(app, built.adolescents_id, "Dropped", status=Status.CANCELLED)
    add_action(app, built.adolescents_id, "Next year's", year=2026)
    return ids


def actions(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Action.title, Action.year, Action.carried_from_id, Action.target_date,
                      Action.objective_id, Action.phase_id, Action.status,
                      Action.percent_complete, Action.lead_person_id)
            .order_by(Action.id))]


def test_the_page_lists_the_open_actions_all_ticked(
        app: Flask, built: Built, unfinished: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    html = page(signed_in(Role.TEAM).get(f"/plans/{built.plan_id}/carry-forward"))

    boxes = html.select("input[name=action_ids]")
    assert sorted(int(box["value"]) for box in boxes) == sorted(unfinished.values())
    assert all(box.has_attr("checked") for box in boxes)
    text = html.get_text(" ", strip=True)
    assert "From 2025\u201326 into 2026\u201327" in text
    assert "target 1 February 2026 (will be cleared)" in text
    assert "target 30 June 2026" in text and "30 June 2026 (will be cleared)" not in text
    for absent in ("Finished", "Put off", "Dropped", "Next year's"):
        assert absent not in text


def test_carrying_creates_linked_actions_and_closes_the_old_ones(
        app: Flask, built: Built, unfinished: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    url = f"/plans/{built.plan_id}/carry-forward"
    before = actions(app)

    response = team.submit(url, {"year": "2025", "action_ids": list(unfinished.values())})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{built.plan_id}?year=2026"
    copies = actions(app)[len(before):]
    assert copies == [
        ("Write the strategy", 2026, unfinished["strategy"], None, built.adolescents_id, None,
         Status.IN_PROGRESS, 40, built.person_id),
        ("Hold the launch event", 2026, unfinished["launch"], dt.date(2026, 6, 30),
         built.exploitation_id, built.auditing_id, Status.NOT_STARTED, None, None),
    ]
    flash = page(team.get(response.headers["Location"])).get_text(" ", strip=True)
    assert "2 actions carried forward into 2026\u201327" in flash
    table = page(team.get(f"/objectives/{built.adolescents_id}")).find(id="actions")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in table.find_next("table").select("tbody tr")]
    ratings = {(row[0], row[1]): row[-1] for row in rows}
    assert ratings[("Write the strategy", "2025\u201326")] == "Carried forward"
    assert ratings[("Write the strategy", "2026\u201327")] != "Carried forward"
    old_rows = [row for row in page(team.get(f"/plans/{built.plan_id}?year=2025")).select(
        "main table tbody tr") if "Write the strategy" in row.get_text()]
    assert [row.find_all("td")[-1].get_text(" ", strip=True) for row in old_rows] == [
        "Carried forward"]
    # Nothing is left to carry, and posting the same actions again is refused.
    again = team.submit(url, {"year": "2025", "action_ids": list(unfinished.values())})
    assert again.status_code == 200
    assert "can no longer be carried forward" in page(again).get_text(" ", strip=True)
    assert len(actions(app)) == len(before) + 2


def test_carrying_twice_is_refused_even_in_a_race(app: Flask, built: Built,
                                                  unfinished: dict[str, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        plan = db.session.get_one(Plan, built.plan_id)
        stale = services.carry_candidates(plan, 2025, NEAR_YEAR_END)
        services.carry_forward(plan, 2025, [unfinished["strategy"]], NEAR_YEAR_END)
        db.session.commit()
        # Someone else's list, shown before the first carry, still offers the action.
        monkeypatch.setattr(services, "carry_candidates", lambda *_args: stale)
        with pytest.raises(services.PlanError, match="Nothing has been carried"):
            services.carry_forward(plan, 2025, list(unfinished.values()), NEAR_YEAR_END)
        db.session.rollback()
    carried = [row for row in actions(app) if row[2] is not None]
    assert [row[0] for row in carried] == ["Write the strategy"]


def test_choosing_nothing_carries_nothing(app: Flask, built: Built, unfinished: dict[str, int],
                                          signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    before = actions(app)
    response = signed_in(Role.TEAM).submit(f"/plans/{built.plan_id}/carry-forward",
                                           {"year": "2025"})

    assert response.status_code == 200
    assert field_error(page(response), "action_ids") == "Select the actions to carry forward"
    assert actions(app) == before


@pytest.mark.parametrize("role", [Role.CHAIR, Role.AGENCY, Role.PARTNER, Role.SCRUTINEER,
                                  Role.ADMIN])
def test_only_the_team_may_carry_forward(app: Flask, built: Built, unfinished: dict[str, int],
                                         signed_in: Callable[[Role], BrowserLikeClient],
                                         role: Role) -> None:
    client = signed_in(role)
    url = f"/plans/{built.plan_id}/carry-forward"
    before = actions(app)

    assert client.get(url).status_code == 403
    refused = client.post_with_token(url, {"year": "2025",
                                           "action_ids": list(unfinished.values())},
                                     token_from="/account")

    assert refused.status_code == 403
    assert actions(app) == before


def test_a_one_year_plan_has_nothing_to_carry_into(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    partnership_id = add_partnership(app, "oneshire")
    with app.app_context():
        plan = Plan(partnership_id=partnership_id, title="One year", first_year=2025,
                    last_year=2025)
        db.session.add(plan)
        db.session.commit()
        plan_id = plan.id

    team = signed_in(Role.TEAM)
    text = page(team.get(f"/plans/{plan_id}/carry-forward")).get_text(" ", strip=True)
    assert "no next year in it to carry actions into" in text
    assert team.submit(f"/plans/{plan_id}/carry-forward", {"year": "2025"}).status_code == 200
