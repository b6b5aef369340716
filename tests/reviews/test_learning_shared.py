"""Learning shared: how a review's learning was disseminated (briefings, learning events,
practice alerts), with dates and reach, linked to its recommendations; the later check of
whether practice changed is an ordinary tracker action on a recommendation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import Dissemination, DisseminationMethod, Review
from tests.meetings import sign_in
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import World, add_case, add_review_action, build_world
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

TODAY = dt.date(2026, 3, 2)
fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def test_a_briefing_is_linked_to_recommendations_and_its_check_is_an_action(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child N")
    add_review_action(app, case_id, "Share missing episodes")
    with app.app_context():
        review = db.session.scalars(sa.select(Review)).one()
        review_id, recommendation_id = review.id, review.recommendations[0].id
    team = signed_in(Role.TEAM)
    url = f"/learning/{review_id}/learning-shared/new"
    form = {"method": "briefing", "title": "7-minute briefing: missing episodes",
            **date_parts("held_on", dt.date(2026, 2, 10)),
            "audience": "Designated safeguarding leads", "reach": "45",
            "notes": "Sent with the newsletter."}

    # The check needs a recommendation to hang on, and a day after the briefing.
    refused = page(team.submit(url, {**form, **date_parts("check_on", dt.date(2026, 2, 1))}))
    assert "is an action on the first of them" in field_error(refused, "recommendations")
    assert "must come after the learning was shared" in field_error(refused, "check_on")
    guarded = page(team.submit(url, {**form, "audience": "Parents of SW1A 1AA"}))
    assert "postcode" in field_error(guarded, "audience").lower()

    team.submit(url, {**form, "recommendations": str(recommendation_id),
                      **date_parts("check_on", dt.date(2026, 8, 10))})
    with app.app_context():
        row = db.session.scalars(sa.select(Dissemination)).one()
        assert (row.method, row.reach, [r.id for r in row.recommendations]) == (
            DisseminationMethod.BRIEFING, 45, [recommendation_id])
        check = db.session.get_one(Action, row.check_action_id)
        assert check.recommendation_id == recommendation_id  # an ordinary review action
        assert check.target_date == dt.date(2026, 8, 10)
        assert check.title == "Check whether practice changed after: 7-minute briefing: " \
                              "missing episodes"
    html = page(team.get(f"/learning/{review_id}"))
    shown = next(t for t in html.find_all("table") if "learning was shared" in t.caption.text)
    text = " ".join(shown.get_text(" ").split())
    assert "7-minute briefing: missing episodes Briefing (for example a 7-minute briefing)" \
        in text
    assert "10 February 2026" in text and "45 people reached" in text

    # Someone outside the case cannot reach the review's dissemination pages.
    outsider = sign_in(app, world.other_chair)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/learning/learning-shared/{row.id}/edit").status_code == 404
