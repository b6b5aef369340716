"""Learning: reviews from elsewhere, our reviews' recommendations, actions on them, themes,
patterns across years, and need-to-know for our own reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Recommendation, Review, ReviewKind, Scope, Theme
from partnership.reviews.services import learning
from tests.meetings import counting_queries, sign_in
from tests.register.builders import date_parts, field_error
from tests.reviews.records_learning import (
    TODAY,
    World,
    add_action,
    add_case,
    add_recommendation,
    add_review,
    build_learning,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

KIND_WORDS = {
    ReviewKind.OTHER_PARTNERSHIP: "Another partnership's review",
    ReviewKind.NATIONAL_PANEL: "National panel review",
    ReviewKind.SAFEGUARDING_ADULTS: "Safeguarding adults review",
    ReviewKind.DOMESTIC_HOMICIDE: "Domestic homicide review",
    ReviewKind.SERIOUS_FURTHER_OFFENCE: "Serious further offence review",
    ReviewKind.MAPPA: "MAPPA serious case review",
    ReviewKind.NATIONAL_INQUIRY: "National inquiry",
}


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> World:
    pin_clock(monkeypatch, TODAY)
    return build_learning(app, make_user)


def words(response: Any) -> str:
    return " ".join(page(response).get_text(" ", strip=True).split())


def review_form(world: World, **changes: Any) -> dict[str, Any]:
    return {"kind": ReviewKind.NATIONAL_PANEL.value,
            "title": "Child Protection in England",
            "source": "Child Safeguarding Practice Review Panel",
            **date_parts("published_on", dt.date(2022, 5, 25)),
            "received_how": "Emailed by the national panel on 26 May 2022",
            "url": "https://www.gov.uk/government/publications/child-protection-in-england",
            "summary": "A national review after the murders of two children.",
            "themes": [str(world.neglect_id)],
            "partnership": str(world.partnership_id), **changes}


def recommendation_form(**changes: Any) -> dict[str, Any]:
    return {"number": "1", "text": "Share information about missing episodes.",
            "scope": Scope.LOCAL.value, "thematic_area": "", "agency_response": "", **changes}


def reviews_titled(app: Flask, title: str) -> list[Review]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Review).where(Review.title == title)))
        db.session.expunge_all()
        return rows


# --- learning from elsewhere ---------------------------------------------------------------


def test_the_team_records_learning_of_every_kind_from_elsewhere(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    offered = page(team.get("/learning/new")).select("input[name=kind]")
    assert [radio["value"] for radio in offered] == [kind.value for kind in KIND_WORDS]

    for kind, label in KIND_WORDS.items():
        title = f"{label} about a child in another area"
        response = team.submit("/learning/new", review_form(world, kind=kind.value, title=title),
                               follow_redirects=True)
        text = words(response)
        assert f"Learning recorded: {title}" in text
        for shown in (label, "Child Safeguarding Practice Review Panel", "25 May 2022",
                      "Emailed by the national panel on 26 May 2022", "Neglect",
                      "A national review after the murders of two children."):
            assert shown in text, (kind, shown)
        [saved] = reviews_titled(app, title)
        assert (saved.kind, saved.case_id, saved.partnership_id) == (
            kind, None, world.partnership_id)

    listed = words(team.get("/learning"))
    for label in KIND_WORDS.values():
        assert f"{label} about a child in another area" in listed


def test_learning_from_elsewhere_needs_its_source_date_and_a_secure_address(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    blank = page(team.submit("/learning/new", review_form(
        world, kind="", title="", source="", received_how="",
        **date_parts("published_on", None))))
    assert field_error(blank, "kind") == "Select where the learning comes from"
    assert field_error(blank, "title") == "Enter the review's title"
    assert field_error(blank, "source") == "Enter who carried out or published the review"
    assert field_error(blank, "published_on") == "Enter date published"
    assert field_error(blank, "received_how") == "Enter how and when the review reached us"
    insecure = page(team.submit("/learning/new", review_form(
        world, url="http://example.org/review.pdf")))
    assert field_error(insecure, "url") == (
        "Enter the address as it appears in the browser, starting with https://")
    ours = page(team.submit("/learning/new", review_form(world, kind="rapid_review")))
    assert field_error(ours, "kind") == "Not a valid choice."
    assert reviews_titled(app, "Child Protection in England") == []


def test_only_the_team_records_learning_from_elsewhere(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    chair = sign_in(app, world.chair)
    assert chair.get("/learning/new").status_code == 403
    assert chair.post_with_token("/learning/new", review_form(world),
                                 token_from="/account").status_code == 403
    assert chair.get(f"/learning/{world.inquiry_id}/edit").status_code == 403
    assert "Record learning from elsewhere" not in words(chair.get("/learning"))
    assert reviews_titled(app, "Child Protection in England") == []


# --- recommendations -------------------------------------------------------------------------


def test_an_inquiry_recommendation_split_into_thematic_areas_with_agencies_and_themes(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    url = f"/learning/{world.inquiry_id}/recommendations/new"
    form = page(team.get(url))
    assert form.select_one("input[name=number]")["value"] == "1"
    agencies = [label.get_text(strip=True) for label in
                form.select("input[name=agencies] + label")]
    assert agencies == ["Westshire Council", "Westshire Integrated Care Board",
                        "Westshire Police"]

    response = team.submit(url, recommendation_form(
        number="5", text="Collect data on all cases of child sexual exploitation.",
        scope=Scope.NATIONAL.value, thematic_area="Data quality",
        agencies=[str(world.police_id), str(world.council_id)],
        themes=[str(world.data_id), str(world.exploitation_id)],
        agency_response="Accepted in full by national policing."), follow_redirects=True)
    text = words(response)
    assert "Recommendation 5 added" in text
    for shown in ("Recommendation 5", "Collect data on all cases of child sexual exploitation.",
                  "National", "Data quality", "Westshire Council, Westshire Police",
                  "Data and recording, Exploitation", "Accepted in full by national policing.",
                  "No actions have been agreed on recommendation 5 yet"):
        assert shown in text, shown

    # The next number is offered; a number already used is refused next to the field.
    assert page(team.get(url)).select_one("input[name=number]")["value"] == "6"
    again = page(team.submit(url, recommendation_form(number="5", text="Another")))
    assert field_error(again, "number") == (
        "This review already has a recommendation 5: enter another number (the next free "
        "one is 6)")
    with app.app_context():
        numbers = db.session.scalars(sa.select(Recommendation.number).where(
            Recommendation.review_id == world.inquiry_id)).all()
    assert numbers == [5]


def test_changing_a_recommendation_keeps_its_number_unique_and_its_edits(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    first = add_recommendation(app, world.inquiry_id, 1, "Define exploitation consistently",
                               agency_ids=(world.police_id,))
    add_recommendation(app, world.inquiry_id, 2, "Improve data quality")
    team = signed_in(Role.TEAM)
    url = f"/learning/recommendations/{first}/edit"
    form = page(team.get(url))
    assert form.select_one("input[name=version]")["value"] == "1"
    clash = page(team.submit(url, recommendation_form(number="2", version="1",
                                                      text="Define exploitation")))
    assert field_error(clash, "number").startswith("This review already has a recommendation 2")

    saved = team.submit(url, recommendation_form(
        number="1", version="1", text="Define exploitation the same way in every agency",
        agencies=[str(world.health_id)]), follow_redirects=True)
    assert "Recommendation 1 updated" in words(saved)
    stale = team.submit(url, recommendation_form(number="1", version="1", text="Old text"))
    assert stale.status_code == 409
    with app.app_context():
        recommendation = db.session.get_one(Recommendation, first)
        assert recommendation.text == "Define exploitation the same way in every agency"
        assert [a.name for a in recommendation.agencies] == ["Westshire Integrated Care Board"]


def test_our_recommendations_refuse_identifiers(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    url = f"/learning/{world.ours_id}/recommendations/new"
    html = page(team.submit(url, recommendation_form(
        text="Visit the family at 12 High Street, WS1 4AB within a week",
        agency_response="Discussed with the mother, date of birth 3 March 1990")))
    assert "postcode" in field_error(html, "text")
    assert "date of birth" in field_error(html, "agency_response")
    with app.app_context():
        assert db.session.scalars(sa.select(Recommendation)).all() == []
    # Learning from elsewhere is published: the same words are not ours to police.
    response = team.submit(f"/learning/{world.inquiry_id}/recommendations/new",
                           recommendation_form(text="Offices near WS1 4AB share a hub"))
    assert response.status_code == 302


# --- actions on a recommendation ---------------------------------------------------------------


def test_an_action_is_added_under_a_recommendation(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    recommendation = add_recommendation(app, world.inquiry_id, 5, "Collect the data",
                                        agency_ids=(world.police_id, world.council_id))
    team = signed_in(Role.TEAM)
    detail = page(team.get(f"/learning/{world.inquiry_id}"))
    link = detail.select_one("a[href^='/actions/new']")
    assert link.get_text(" ", strip=True) == "Add an action on recommendation 5"
    assert link["href"] == f"/actions/new?recommendation_id={recommendation}"

    form = page(team.get(link["href"]))
    text = " ".join(form.get_text(" ", strip=True).split())
    assert ("From Child sexual exploitation by organised networks, recommendation 5." in text)
    # The lead agency starts as the first agency addressed (by name).
    chosen = form.select_one("select[name=lead_agency] option[selected]")
    assert chosen.get_text(strip=True) == "Westshire Council"

    response = team.submit(link["href"], {
        "title": "Separate exploitation data from other abuse data", "detail": "",
        "lead_agency": str(world.police_id), "lead_person": "", "body": "",
        **date_parts("start_date", None), **date_parts("target_date", dt.date(2026, 3, 31)),
        "status": Status.IN_PROGRESS.value, "percent_complete": "", "year": ""},
        follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        action = db.session.scalars(sa.select(Action)).one()
        assert (action.recommendation_id, action.partnership_id, action.body_id) == (
            recommendation, world.partnership_id, None)
    text = words(team.get(f"/learning/{world.inquiry_id}"))
    assert "Separate exploitation data from other abuse data" in text
    assert "Westshire Police" in text and "31 Mar 2026" in text


def test_actions_cannot_be_added_to_a_recommendation_of_a_case_the_user_cannot_see(
        app: Flask, world: World) -> None:
    recommendation = add_recommendation(app, world.ours_id, 1, "Strengthen strategy meetings")
    outsider = sign_in(app, world.outsider)
    url = f"/actions/new?recommendation_id={recommendation}"
    assert outsider.get(url).status_code == 404
    response = outsider.post_with_token(url, {
        "title": "Something", "body": str(world.other_body_id), "status": "in_progress",
        **date_parts("start_date", None), **date_parts("target_date", None)},
        token_from="/account")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(sa.select(Action)).all() == []
    # The chair of the reviewing body may, with their body as the owner (it is suggested).
    chair = sign_in(app, world.chair)
    form = page(chair.get(url))
    assert form.select_one("select[name=body] option[selected]")["value"] == str(world.group_id)


# --- our reviews: opening them from the case, need-to-know ------------------------------------


def test_the_case_opens_its_reviews_recommendations_once(
        app: Flask, world: World, make_user: Callable[..., User]) -> None:
    chair = sign_in(app, world.chair)
    # Child P has no recommendations record yet.
    case = add_case(app, world.partnership_id, "Child P", world.group_id)
    first = chair.post_with_token(f"/learning/for-case/{case}/rapid_review",
                                  token_from="/account")
    assert first.status_code == 302
    [review] = reviews_titled(app, "Rapid Review: Child P")
    assert first.headers["Location"].endswith(f"/learning/{review.id}")
    assert (review.kind, review.case_id) == (ReviewKind.RAPID_REVIEW, case)
    again = chair.post_with_token(f"/learning/for-case/{case}/rapid_review",
                                  token_from="/account")
    assert again.headers["Location"] == first.headers["Location"]
    assert len(reviews_titled(app, "Rapid Review: Child P")) == 1

    local = chair.post_with_token(f"/learning/for-case/{case}/local_review",
                                  token_from="/account", follow_redirects=True)
    assert "Local child safeguarding practice review: Child P" in words(local)
    assert chair.post_with_token(f"/learning/for-case/{case}/national_inquiry",
                                 token_from="/account").status_code == 404
    outsider = sign_in(app, world.outsider)
    assert outsider.post_with_token(f"/learning/for-case/{case}/local_review",
                                    token_from="/account").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Review).where(
            Review.case_id == case)) == 2


def test_someone_outside_the_case_cannot_find_our_review(
        app: Flask, world: World, make_user: Callable[..., User],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    recommendation = add_recommendation(app, world.ours_id, 1, "Strengthen strategy meetings",
                                        theme_ids=(world.neglect_id,))
    add_action(app, recommendation, "Audit strategy meetings", target_date=dt.date(2025, 1, 31))
    outsider = sign_in(app, world.outsider)
    agency = signed_in(Role.AGENCY)  # works for no agency on the case
    for client in (outsider, agency):
        for url in (f"/learning/{world.ours_id}", f"/learning/{world.ours_id}/action-plan",
                    f"/learning/{world.ours_id}/action-plan.pdf",
                    f"/learning/{world.ours_id}/edit",
                    f"/learning/{world.ours_id}/recommendations/new",
                    f"/learning/recommendations/{recommendation}/edit"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Child Q" not in response.get_data(as_text=True)
        listed = words(client.get("/learning"))
        assert "Child Q" not in listed and "1 review" in listed
        assert "Child sexual exploitation by organised networks" in listed
        patterns = words(client.get("/learning/patterns"))
        assert "Neglect" not in patterns and "Exploitation" in patterns
        assert "Child Q" not in words(client.get(f"/learning?theme_id={world.neglect_id}"))

    # The team, and the chair of the reviewing body, see it in the list and the counts.
    for client in (signed_in(Role.TEAM), sign_in(app, world.chair)):
        listed = words(client.get("/learning"))
        assert "Rapid Review: Child Q" in listed and "2 reviews" in listed
        patterns = words(client.get("/learning/patterns"))
        assert "Neglect" in patterns and "1 review, 1 recommendation" in patterns


def test_the_scrutineer_reads_our_review_but_cannot_change_it(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    recommendation = add_recommendation(app, world.ours_id, 1, "Strengthen strategy meetings")
    scrutineer = signed_in(Role.SCRUTINEER)
    detail = words(scrutineer.get(f"/learning/{world.ours_id}"))
    assert "Strengthen strategy meetings" in detail
    for control in ("Add a recommendation", "Change the details", "Add an action"):
        assert control not in detail
    assert scrutineer.get(f"/learning/{world.ours_id}/action-plan").status_code == 200
    for url in (f"/learning/{world.ours_id}/edit",
                f"/learning/{world.ours_id}/recommendations/new",
                f"/learning/recommendations/{recommendation}/edit"):
        assert scrutineer.get(url).status_code == 404, url
    response = scrutineer.post_with_token(f"/learning/{world.ours_id}/recommendations/new",
                                          recommendation_form(number="2"),
                                          token_from="/account")
    assert response.status_code == 404
    assert "Rapid Review: Child Q" in words(scrutineer.get("/learning"))


def test_every_view_of_our_review_is_audited(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    chair = sign_in(app, world.chair)
    assert chair.get(f"/learning/{world.ours_id}").status_code == 200
    assert chair.get(f"/learning/{world.ours_id}/action-plan").status_code == 200
    assert chair.get(f"/learning/{world.inquiry_id}").status_code == 200  # not a case's
    with app.app_context():
        views = db.session.execute(sa.select(AuditEvent.record_type, AuditEvent.record_id,
                                             AuditEvent.user_id)
                                   .where(AuditEvent.action == "view")).all()
    assert [tuple(v) for v in views] == [("review", str(world.ours_id), world.chair.id)] * 2


def test_the_chair_changes_our_reviews_details_without_identifiers(
        app: Flask, world: World) -> None:
    chair = sign_in(app, world.chair)
    url = f"/learning/{world.ours_id}/edit"
    form = page(chair.get(url))
    assert form.select_one("input[name=kind]") is None  # ours stays ours
    refused = page(chair.submit(url, {"version": "1", "title": "Rapid Review: Child Q",
                                      "summary": "NHS number 943 476 5919 was missed",
                                      "themes": [str(world.neglect_id)]}))
    assert "NHS number" in field_error(refused, "summary")
    saved = chair.submit(url, {"version": "1", "title": "Rapid Review: Child Q",
                               "summary": "Missed chances to hear the child",
                               "themes": [str(world.neglect_id), str(world.data_id)]},
                         follow_redirects=True)
    text = words(saved)
    assert "Missed chances to hear the child" in text
    assert "Data and recording, Neglect" in text


# --- themes ----------------------------------------------------------------------------------


def test_the_team_keeps_the_list_of_themes(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_recommendation(app, world.inquiry_id, 1, "Data", theme_ids=(world.data_id,))
    team = signed_in(Role.TEAM)
    response = team.submit("/learning/themes", {"name": "Voice of the child",
                                                "description": "Hearing the child"},
                           follow_redirects=True)
    text = words(response)
    assert "Theme added: Voice of the child" in text
    assert "Data and recording Offered 0 1" in text  # used by one recommendation
    assert "Exploitation Offered 1 0" in text  # used by one review
    duplicate = page(team.submit("/learning/themes", {"name": "neglect"}))
    assert field_error(duplicate, "name") == "A theme called Neglect already exists"

    for role in (Role.CHAIR, Role.AGENCY, Role.PARTNER, Role.SCRUTINEER, Role.ADMIN):
        client = signed_in(role)
        assert client.get("/learning/themes").status_code == 403
        assert client.get(f"/learning/themes/{world.neglect_id}/edit").status_code == 403


def test_a_retired_theme_stays_on_old_records_but_is_not_offered(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    old = add_recommendation(app, world.inquiry_id, 1, "Data", theme_ids=(world.data_id,))
    team = signed_in(Role.TEAM)
    response = team.submit(f"/learning/themes/{world.data_id}/edit", {
        "version": "1", "name": "Data and recording", "description": "", "active": "no"},
        follow_redirects=True)
    assert "Data and recording Retired 0 1" in words(response)

    def offered(url: str) -> list[str]:
        return [label.get_text(strip=True)
                for label in page(team.get(url)).select("input[name=themes] + label")]

    assert "Data and recording" not in offered("/learning/new")
    assert "Data and recording" not in offered(
        f"/learning/{world.inquiry_id}/recommendations/new")
    kept = page(team.get(f"/learning/recommendations/{old}/edit"))
    box = kept.select_one(f"input[name=themes][value='{world.data_id}']")
    assert box is not None and box.has_attr("checked")
    assert "Data and recording" in words(team.get(f"/learning/{world.inquiry_id}"))
    with app.app_context():
        assert db.session.get_one(Theme, world.data_id).active is False


def test_default_themes_load_once(app: Flask) -> None:
    with app.app_context():
        first = learning.load_default_themes()
        db.session.commit()
        second = learning.load_default_themes()
        names = db.session.scalars(sa.select(Theme.name)).all()
    assert len(first) == len(learning.default_themes()) >= 15 and second == []
    assert {"Neglect", "Exploitation", "Voice of the child", "Information sharing"} <= set(names)


def test_the_themes_page_works_with_no_themes(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    assert "There are no themes yet" in words(team.get("/learning/themes"))
    assert "No reviews have been recorded yet" in words(team.get("/learning/patterns"))
    assert "No reviews or learning from elsewhere" in words(team.get("/learning"))


# --- the list and patterns across years --------------------------------------------------------


def test_the_list_filters_by_kind_theme_and_year_and_counts_actions_by_rating(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    panel = add_review(app, world.partnership_id, "Safeguarding children with disabilities",
                       kind=ReviewKind.NATIONAL_PANEL, source="The national panel",
                       published_on=dt.date(2023, 10, 1), theme_ids=(world.neglect_id,))
    recommendation = add_recommendation(app, panel, 1, "Review the disability pathway",
                                        theme_ids=(world.data_id,))
    add_action(app, recommendation, "Late", target_date=dt.date(2025, 1, 31))
    add_action(app, recommendation, "Done", status=Status.COMPLETE,
               completed_on=dt.date(2025, 3, 1))
    team = signed_in(Role.TEAM)

    everything = page(team.get("/learning"))
    row = next(tr for tr in everything.select("tbody tr")
               if "Safeguarding children with disabilities" in tr.get_text())
    cells = [" ".join(td.get_text(" ", strip=True).split()) for td in row.select("td")]
    assert cells[1:] == ["1 October 2023", "Neglect", "1", "1 red 1 complete"]

    def titles(query: str) -> list[str]:
        html = page(team.get(f"/learning?{query}"))
        return [a.get_text(strip=True) for a in html.select("tbody tr td:first-child a")]

    assert titles("kind=national_panel") == ["Safeguarding children with disabilities"]
    assert titles(f"theme_id={world.data_id}") == ["Safeguarding children with disabilities"]
    assert titles(f"theme_id={world.neglect_id}") == [
        "Rapid Review: Child Q", "Safeguarding children with disabilities"]
    assert titles("year=2021") == ["Child sexual exploitation by organised networks"]
    assert titles("year=2023-24") == ["Safeguarding children with disabilities"]
    assert titles("kind=mappa") == []


def test_patterns_count_reviews_and_recommendations_by_theme_and_year(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_recommendation(app, world.inquiry_id, 5, "Data", theme_ids=(world.data_id,))
    add_recommendation(app, world.inquiry_id, 6, "More data", theme_ids=(world.data_id,))
    add_recommendation(app, world.ours_id, 1, "Neglect toolkit", theme_ids=(world.neglect_id,))
    team = signed_in(Role.TEAM)
    html = page(team.get("/learning/patterns"))
    assert html.select_one("table caption").get_text(strip=True) == (
        "Reviews and recommendations by learning theme and reporting year")
    headings = [th.get_text(strip=True) for th in html.select("thead th")]
    assert headings == ["Theme", "2021\u201322", "2025\u201326", "All years"]
    rows = {tr.select_one("th").get_text(strip=True):
            [" ".join(td.get_text(" ", strip=True).split()) for td in tr.select("td")]
            for tr in html.select("tbody tr")}
    assert rows["Data and recording"][0].startswith("1 review, 2 recommendations")
    assert rows["Data and recording"][1] == "None"
    assert rows["Exploitation"][0].startswith("1 review, 0 recommendations")
    assert rows["Neglect"][1].startswith("1 review, 1 recommendation")
    link = html.select("tbody tr")[0].select_one("td a")["href"]
    assert "theme_id=" in link and "year=" in link


def test_the_learning_pages_run_a_fixed_number_of_queries(
        app: Flask, world: World) -> None:
    chair = sign_in(app, world.chair)  # sees Child Q through the group: need-to-know applies
    first = add_recommendation(app, world.inquiry_id, 1, "Data", theme_ids=(world.data_id,),
                               agency_ids=(world.police_id,))
    add_action(app, first, "First action")
    add_recommendation(app, world.ours_id, 20, "Ours", agency_ids=(world.police_id,))
    urls = ["/learning", "/learning/patterns", f"/learning/{world.inquiry_id}",
            f"/learning/{world.ours_id}"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with counting_queries(app) as statements:
                assert chair.get(url).status_code == 200, url
            found.append(len(statements))
        return found

    counts()
    before = counts()
    for n in range(8):
        review = add_review(app, world.partnership_id, f"Panel review {n}",
                            published_on=dt.date(2020 + n % 4, 6, 1),
                            theme_ids=(world.neglect_id, world.exploitation_id))
        for number in (1, 2):
            recommendation = add_recommendation(
                app, review, number, f"Recommendation {n}.{number}",
                theme_ids=(world.data_id,), agency_ids=(world.police_id, world.council_id))
            add_action(app, recommendation, f"Action {n}.{number}")
        more = add_recommendation(app, world.inquiry_id, n + 2, f"More {n}",
                                  theme_ids=(world.neglect_id,),
                                  agency_ids=(world.health_id,))
        add_action(app, more, f"More action {n}")
        add_recommendation(app, world.ours_id, n + 1, f"Ours {n}",
                           theme_ids=(world.exploitation_id,))
    assert counts() == before
