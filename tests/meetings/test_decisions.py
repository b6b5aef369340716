"""Decisions: consensus, or a majority vote of the three statutory partners with every vote;
whether it carried; partners confirming their own organisation's vote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.meetings.models import Decision, DecisionMethod, Vote, VoteChoice
from partnership.policy import Role
from partnership.register.models import BodyKind, PartnerKind, Partnership
from tests.meetings import (
    TODAY,
    add_agenda_item,
    add_decision,
    add_meeting,
    meeting_state,
    representative_of,
    sign_in,
)
from tests.register.builders import field_error
from tests.register.records import add_area, add_body, add_collaboration
from tests.support.client import BrowserLikeClient, csrf_token_from, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    ids: dict[str, Any] = {"partnership": add_area(app, "northshire", "Northshire Partnership")}
    ids["board"] = add_body(app, "Safeguarding Board", slug="northshire", kind=BodyKind.BOARD)
    ids["meeting"] = add_meeting(app, ids["board"], TODAY - dt.timedelta(days=3))
    ids["item"] = add_agenda_item(app, ids["meeting"], "Budget")
    with app.app_context():
        partnership = db.session.get_one(Partnership, ids["partnership"])
        ids["partners"] = {p.kind: p.id for p in partnership.partners}
    return ids


def votes(world: dict[str, Any], **choices: str) -> dict[str, str]:
    """Vote fields by partner kind: votes(world, police="for")."""
    return {f"vote_{world['partners'][PartnerKind(kind)]}": choice
            for kind, choice in choices.items()}


def decision_form(**changes: Any) -> dict[str, Any]:
    return {"text": "Fund the neglect strategy", "agenda_item": "", "method": "consensus",
            **changes}


def saved_decisions(app: Flask) -> list[tuple[str, DecisionMethod, list[tuple[int, VoteChoice]]]]:
    with app.app_context():
        return [(d.text, d.method, [(v.partner_id, v.choice) for v in d.votes])
                for d in db.session.scalars(db.select(Decision).order_by(Decision.id))]


def test_a_majority_decision_without_all_three_votes_is_refused_and_nothing_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"/meetings/{world['meeting']}/decisions/new"
    response = team.submit(url, decision_form(method="partner_majority",
                                              **votes(world, police="for")))
    assert response.status_code == 200
    html = page(response)
    la, health = world["partners"][PartnerKind.LOCAL_AUTHORITY], world["partners"][
        PartnerKind.HEALTH]
    assert field_error(html, f"vote_{la}") == (
        "Select how Local authority voted: a majority decision needs the votes of all three "
        "safeguarding partners")
    assert field_error(html, f"vote_{health}").startswith("Select how Health")
    assert field_error(html, f"vote_{world['partners'][PartnerKind.POLICE]}") is None
    assert len(html.select(".govuk-error-summary li")) == 2
    assert saved_decisions(app) == []


def test_majority_decisions_carry_with_two_partners_for(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    url = f"/meetings/{world['meeting']}/decisions/new"
    team.submit(url, decision_form(
        text="Carried one", method="partner_majority", agenda_item=str(world["item"]),
        **votes(world, police="for", health="for", local_authority="against")))
    team.submit(url, decision_form(
        text="Lost one", method="partner_majority",
        **votes(world, police="for", health="abstained", local_authority="against")))
    html = page(team.get(f"/meetings/{world['meeting']}"))
    blocks = html.select(".app-decision")
    first, second = (block.get_text(" ", strip=True) for block in blocks)
    assert first.startswith("Decision 1: Budget Carried one")
    assert "Majority vote of the three safeguarding partners" in first and "Carried" in first
    assert "Not carried" in second
    rows = [[c.get_text(" ", strip=True) for c in row.select("th, td")]
            for row in blocks[1].select("tbody tr")]
    assert [row[:2] for row in rows] == [["Health (clinical commissioning group, then "
                                          "integrated care board)", "Abstained"],
                                         ["Local authority", "Against"],
                                         ["Police", "For"]]  # in the order the form asks
    assert all(row[2] == "Not confirmed yet" for row in rows)


def test_consensus_stores_no_votes_and_switching_to_it_removes_them(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    team.submit(f"/meetings/{world['meeting']}/decisions/new",
                decision_form(**votes(world, police="against")))
    assert saved_decisions(app) == [("Fund the neglect strategy", DecisionMethod.CONSENSUS, [])]
    assert "Carried" in page(team.get(f"/meetings/{world['meeting']}")).select_one(
        ".app-decision").get_text()

    decision = add_decision(app, world["meeting"], "By vote",
                            {kind: VoteChoice.FOR for kind in PartnerKind})
    url = f"/meetings/decisions/{decision}/edit"
    shown = page(team.get(url))
    assert shown.select_one(
        f"input[name=vote_{world['partners'][PartnerKind.POLICE]}][value=for]").has_attr(
        "checked")
    team.submit(url, {**decision_form(text="By vote", method="consensus"),
                      "version": shown.select_one("[name=version]")["value"],
                      **votes(world, police="for", health="for", local_authority="for")})
    assert saved_decisions(app)[1] == ("By vote", DecisionMethod.CONSENSUS, [])


def test_a_collaboration_body_cannot_take_a_majority_vote(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_area(app, "northshire")
    add_area(app, "southshire")
    shared = add_body(app, "Joint Exploitation Group",
                      collaboration_id=add_collaboration(app, "Two Shires", "northshire",
                                                         "southshire"))
    meeting = add_meeting(app, shared, TODAY)
    team = signed_in(Role.TEAM)
    url = f"/meetings/{meeting}/decisions/new"
    assert "decisions are made by consensus" in page(team.get(url)).get_text(" ")
    response = team.submit(url, decision_form(method="partner_majority"))
    assert field_error(page(response), "method") == (
        "Joint Exploitation Group is shared by a collaboration and has no statutory partners "
        "of its own to vote, so its decisions are made by consensus")
    assert saved_decisions(app) == []
    # The year of a collaboration's body starts in April.
    listing = page(team.get(f"/meetings/body/{shared}?year=2025"))
    assert "1 April 2025 to 31 March 2026" in listing.get_text(" ")


def test_partners_confirm_their_own_vote_only(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    decision = add_decision(app, world["meeting"], "Agreed",
                            {kind: VoteChoice.FOR for kind in PartnerKind})
    with app.app_context():
        vote_ids = {v.partner.kind: v.id for v in db.session.get_one(Decision, decision).votes}
    police = sign_in(app, representative_of(app, make_user, world["partnership"],
                                            PartnerKind.POLICE, "Chief Constable"))
    council = sign_in(app, representative_of(app, make_user, world["partnership"],
                                             PartnerKind.LOCAL_AUTHORITY, "Chief Executive"))
    meeting_url = f"/meetings/{world['meeting']}"

    # Each representative is offered the button on their own organisation's vote only.
    html = page(police.get(meeting_url))
    buttons = html.select("form[action$='/confirm']")
    assert [form["action"] for form in buttons] == [
        f"/meetings/votes/{vote_ids[PartnerKind.POLICE]}/confirm"]
    assert "Confirm our vote" in buttons[0].get_text()
    assert page(signed_in(Role.TEAM).get(meeting_url)).select("form[action$='/confirm']") == []

    # Another partner's representative cannot confirm the police's vote.
    before = meeting_state(app, world["meeting"])
    refused = council.post(f"/meetings/votes/{vote_ids[PartnerKind.POLICE]}/confirm",
                           data={"csrf_token": csrf_token_from(council.get(meeting_url))})
    assert refused.status_code == 403
    assert meeting_state(app, world["meeting"]) == before

    confirmed = police.post(f"/meetings/votes/{vote_ids[PartnerKind.POLICE]}/confirm",
                            data={"csrf_token": csrf_token_from(police.get(meeting_url))},
                            follow_redirects=True)
    banner = page(confirmed).select_one(".govuk-notification-banner--success")
    assert "You confirmed that Police voted “for”" in banner.get_text(" ")
    with app.app_context():
        vote = db.session.get_one(Vote, vote_ids[PartnerKind.POLICE])
        assert vote.confirmed_by.name == "Chief Constable" and vote.confirmed_at is not None
    row = next(r for r in page(confirmed).select(".app-decision tbody tr")
               if r.select_one("th").get_text(strip=True) == "Police")
    assert row.select("td")[1].get_text(" ", strip=True).startswith("Chief Constable, ")


def test_changing_a_vote_clears_its_confirmation(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    decision = add_decision(app, world["meeting"], "Agreed",
                            {kind: VoteChoice.FOR for kind in PartnerKind})
    with app.app_context():
        for vote in db.session.get_one(Decision, decision).votes:
            vote.confirmed_at = dt.datetime.now(dt.UTC)
        db.session.commit()
    team = signed_in(Role.TEAM)
    url = f"/meetings/decisions/{decision}/edit"
    version = page(team.get(url)).select_one("[name=version]")["value"]
    team.submit(url, {**decision_form(text="Agreed", method="partner_majority"),
                      "version": version,
                      **votes(world, police="against", health="for", local_authority="for")})
    with app.app_context():
        confirmed = {v.partner.kind: v.confirmed_at is not None
                     for v in db.session.get_one(Decision, decision).votes}
    assert confirmed == {PartnerKind.POLICE: False, PartnerKind.HEALTH: True,
                         PartnerKind.LOCAL_AUTHORITY: True}


def test_a_stale_decision_edit_shows_the_votes_in_the_conflict(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    decision = add_decision(app, world["meeting"], "Agreed",
                            {kind: VoteChoice.FOR for kind in PartnerKind})
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"/meetings/decisions/{decision}/edit"
    shown = first.get(url)
    version = page(shown).select_one("[name=version]")["value"]
    all_for = votes(world, police="for", health="for", local_authority="for")
    # Only a vote changes: the decision still moves on to a new version.
    second.submit(url, {**decision_form(text="Agreed", method="partner_majority"),
                        "version": version, **all_for,
                        **votes(world, health="against")})
    response = first.post(url, data={
        **decision_form(text="Agreed, with changes", method="partner_majority"),
        "version": version, **all_for, "csrf_token": csrf_token_from(shown)})
    assert response.status_code == 409
    rows = {row.select_one("th").get_text(" ", strip=True).removesuffix(" Different"):
            [td.get_text(strip=True) for td in row.select("td")]
            for row in page(response).select("tbody tr")}
    assert rows["Decision"] == ["Agreed, with changes", "Agreed"]
    health = next(key for key in rows if key.startswith("Health"))
    assert rows[health] == ["For", "Against"]
    assert saved_decisions(app)[0][0] == "Agreed"
