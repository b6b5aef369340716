"""Drafting, signing off and publishing the arrangements, through the pages people use."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.arrangements import services
from partnership.arrangements.models import ArrangementsVersion, NarrativeSection
from partnership.audit.models import AuditEvent
from partnership.clock import UK_TIME
from partnership.database import utcnow
from partnership.documents.pdf import RenderError
from partnership.documents.renders import RenderRequest
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.kernel.dates import add_months
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus, Signature
from partnership.register.exchange import export_register
from partnership.register.models import PartnerKind, Partnership
from tests.arrangements.conftest import (
    PARTNER_NAMES,
    SigningPartnership,
    edit_the_register,
    stored,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.documents import fetch_pdf


def _messages(response: object) -> str:
    """Return the text of the notification banners on a page."""
    html = page(response)  # type: ignore[arg-type]
    return " ".join(b.get_text(" ", strip=True)
                    for b in html.select(".govuk-notification-banner__content"))


def _version(app: Flask, version_id: int
             ) -> tuple[PublicationStatus, list[tuple[str, str]]]:
    with app.app_context():
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None
        return version.status, [(s.signed_by, s.role) for s in version.sign_offs]


def _start_round(team: BrowserLikeClient, signing: SigningPartnership, title: str) -> int:
    response = team.submit(signing.url("/versions/new"), {"title": title})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/versions/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _press(client: BrowserLikeClient, signing: SigningPartnership, version_id: int,
           action: str) -> str:
    """Press a workflow button on the version page; return the messages shown after it."""
    detail = signing.url(f"/versions/{version_id}")
    response = client.submit(detail, {}, action=f"{detail}/{action}", follow_redirects=True)
    assert response.status_code == 200
    return _messages(response)


def test_the_whole_round_from_draft_to_published(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    overview = page(team.get(signing.url()))
    assert overview.find("h1").get_text(strip=True) == "Safeguarding arrangements"
    assert "No sign-off round is open" in overview.get_text()

    version_id = _start_round(team, signing, "HSCP safeguarding arrangements 2026")
    shown = page(team.get(signing.url(f"/versions/{version_id}"))).get_text(" ", strip=True)
    assert "If the register or the narrative changes after a partner has signed, their " \
           "sign-off lapses" in shown
    assert "You can publish once all three partners have signed off" in shown

    for partner_user, kind in zip(signing.partner_users, PARTNER_NAMES, strict=True):
        partner = client_for(partner_user)
        waiting = page(partner.get("/")).find(id="waiting-sign-offs")
        assert waiting is not None
        row = [cell.get_text(" ", strip=True) for cell in waiting.select("tbody td")]
        assert row == ["HSCP safeguarding arrangements 2026 Safeguarding arrangements, "
                       "Hillshire Safeguarding Children Partnership",
                       PARTNER_NAMES[kind][0], "since today"]
        said = _press(partner, signing, version_id, "sign-off")
        assert "You have signed off" in said
        if kind is PartnerKind.LOCAL_AUTHORITY:
            assert PARTNER_NAMES[kind][2] in page(team.get(signing.url())).get_text()
            home = page(partner.get("/")).get_text()
            assert "Nothing is waiting for your sign-off" in home

    status, sign_offs = _version(app, version_id)
    assert status is PublicationStatus.DRAFT
    assert sorted(sign_offs) == sorted((person, title) for _org, title, person
                                       in PARTNER_NAMES.values())

    with app.app_context():
        register_now = export_register(db.session.get(Partnership, signing.id))
    said = _press(team, signing, version_id, "publish")
    assert "“HSCP safeguarding arrangements 2026” is published" in said
    # The file is made by the worker, not by the request: until then the page says so.
    waiting = team.get(signing.url(f"/versions/{version_id}.pdf"))
    assert waiting.status_code == 202
    assert "This PDF is being prepared" in page(waiting).get_text()
    with app.app_context():
        assert run_pending() >= 1

    pdf, sha256, snapshot, _row = stored(app, version_id)
    assert pdf.startswith(b"%PDF")
    assert sha256 == hashlib.sha256(pdf).hexdigest()
    assert snapshot == {"title": "HSCP safeguarding arrangements 2026",
                        "register": register_now}
    with app.app_context():
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None and version.published_at is not None
        assert version.status is PublicationStatus.PUBLISHED
        assert version.pages and version.pages >= 1
        published_on = version.published_at.astimezone(UK_TIME).date()
        assert (version.published_on, version.number) == (published_on, 1)
        assert version.review_due == add_months(published_on, 12)

    # The published version is listed with its details, and its PDF is the one stored.
    listing = page(team.get(signing.url())).get_text(" ", strip=True)
    assert sha256[:12] in listing
    assert "Published" in listing

    # Later edits to the register and the narrative never reach the published version.
    edit_the_register(app, signing)
    team.submit(signing.url("/sections/new"), {"title": "Foreword", "topic": "",
                                               "markdown": "New words."})
    assert stored(app, version_id)[:3] == (pdf, sha256, snapshot)
    read = team.get(signing.url(f"/versions/{version_id}.pdf"))
    assert read.status_code == 200 and read.data == pdf


def test_publishing_needs_all_three_partners(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    said = _press(team, signing, version_id, "publish")
    assert ("All three statutory partners must sign off “Arrangements 2026” as it reads now "
            "before it is published: still waiting for Hillshire County Council, Hillshire "
            "Integrated Care Board and Hillshire Constabulary.") in said

    first, second, _third = signing.partner_users
    _press(client_for(first), signing, version_id, "sign-off")
    _press(client_for(second), signing, version_id, "sign-off")
    said = _press(team, signing, version_id, "publish")
    assert "still waiting for Hillshire Constabulary" in said
    status, _ = _version(app, version_id)
    assert status is PublicationStatus.DRAFT

    # A second round cannot start while this one is open.
    response = team.submit(signing.url("/versions/new"), {"title": "Another round"})
    assert response.status_code == 200
    errors = page(response).select(".govuk-error-message")
    assert "A sign-off round is already open for “Arrangements 2026”" in errors[0].get_text()
    assert page(response).title.get_text().startswith("Error:")


def test_a_partner_signs_once_and_only_for_a_partnership_they_represent(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    council = client_for(signing.partner_users[0])
    assert "You have signed off" in _press(council, signing, version_id, "sign-off")

    said = _press(council, signing, version_id, "sign-off")
    assert "Hillshire County Council has already signed off “Arrangements 2026”" in said

    stranger = signed_in(Role.PARTNER)  # a partner account linked to no one in this register
    detail = page(stranger.get(signing.url(f"/versions/{version_id}")))
    assert not detail.find("form", action=re.compile("sign-off$"))
    said = _press(stranger, signing, version_id, "sign-off")
    assert "You are not a current representative of any of Hillshire Safeguarding Children " \
           "Partnership's statutory partners" in said

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 1


def test_a_representative_whose_term_has_ended_cannot_sign(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        assert partnership is not None
        for partner in partnership.partners:
            for post in partner.representatives:
                if post.person.user_id == signing.partner_users[2].id:
                    post.valid_to = services.today() - dt.timedelta(days=1)
        db.session.commit()
    said = _press(client_for(signing.partner_users[2]), signing, version_id, "sign-off")
    assert "You are not a current representative" in said


def test_nobody_else_may_take_a_step(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    scrutineer = signed_in(Role.SCRUTINEER)
    detail = signing.url(f"/versions/{version_id}")
    shown = page(scrutineer.get(detail))
    assert [f for f in shown.find_all("form") if f.get("method") == "post"
            and "sign-out" not in str(f.get("action"))] == []
    for url in (f"{detail}/sign-off", f"{detail}/publish", f"{detail}/withdraw",
                signing.url("/versions/new"), signing.url("/sections/new")):
        response = scrutineer.post_with_token(url, {"title": "x", "markdown": "x"},
                                              token_from="/account")
        assert response.status_code == 403, url
    partner_user = signed_in(Role.PARTNER)
    response = partner_user.post_with_token(f"{detail}/publish", token_from="/account")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NarrativeSection)) == 0


def test_the_team_can_withdraw_an_open_round(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    _press(client_for(signing.partner_users[0]), signing, version_id, "sign-off")
    detail = signing.url(f"/versions/{version_id}")
    response = team.submit(detail, {}, action=f"{detail}/withdraw", follow_redirects=True)
    assert "The sign-off round for “Arrangements 2026” is withdrawn" in _messages(response)
    with app.app_context():
        assert db.session.get(ArrangementsVersion, version_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0
    assert team.get(detail).status_code == 404


def test_the_preview_and_draft_pdf_are_for_everyone_and_marked_draft(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    scrutineer = signed_in(Role.SCRUTINEER)
    preview = scrutineer.get(signing.url("/preview"))
    assert preview.status_code == 200
    assert preview.mimetype == "text/html"
    assert page(preview).title.get_text(strip=True).endswith(
        "(draft) \N{EN DASH} Safeguarding partnership tracker")

    draft = fetch_pdf(scrutineer, signing.url("/draft.pdf"))
    assert draft.status_code == 200
    assert draft.data.startswith(b"%PDF")
    assert draft.headers["Content-Disposition"].startswith("attachment; filename=hscp-")
    assert draft.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        export = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "export")).one()
        assert (export.record_type, export.record_id) == ("partnership", str(signing.id))
        assert export.user_id == scrutineer.user.id  # type: ignore[attr-defined]


def test_the_dashboard_shows_review_dates_and_waiting_sign_offs(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    home = page(team.get("/")).get_text(" ", strip=True)
    assert "Hillshire Safeguarding Children Partnership Not published yet" in home

    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        assert partnership is not None
        published = ArrangementsVersion(
            partnership=partnership, title="Arrangements 2025", status=PublicationStatus.PUBLISHED,
            published_at=utcnow() - dt.timedelta(days=400),
            review_due=services.today() - dt.timedelta(days=3))
        db.session.add(published)
        db.session.commit()
    for role in (Role.TEAM, Role.CHAIR, Role.SCRUTINEER):
        home = page(signed_in(role).get("/")).get_text(" ", strip=True)
        assert "Arrangements 2025" in home and "overdue by 3 days" in home, role

    with app.app_context():
        # A later publication, made by hand (published versions never change, even here).
        partnership = db.session.get(Partnership, signing.id)
        db.session.add(ArrangementsVersion(
            partnership=partnership, title="Arrangements 2026",
            status=PublicationStatus.PUBLISHED, published_at=utcnow() - dt.timedelta(days=1),
            review_due=services.today() + dt.timedelta(days=30)))
        db.session.commit()
    home = page(client_for(signing.partner_users[0]).get("/")).get_text(" ", strip=True)
    assert "due in 30 days" in home
    assert "Nothing is waiting for your sign-off" in home


def test_review_dates_are_a_year_on_and_told_in_words() -> None:
    assert add_months(dt.date(2026, 3, 5), 12) == dt.date(2027, 3, 5)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    row = services.ReviewDate
    assert row(None, None, 1).summary == "due in 1 day"  # type: ignore[arg-type]
    assert row(None, None, 0).summary == "due today"  # type: ignore[arg-type]
    assert row(None, None, -1).summary == "overdue by 1 day"  # type: ignore[arg-type]
    assert row(None, None, None).summary == "not published yet"  # type: ignore[arg-type]


def test_a_file_that_cannot_be_made_is_said_and_can_be_tried_again(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient], monkeypatch: pytest.MonkeyPatch,
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _start_round(team, signing, "Arrangements 2026")
    for user in signing.partner_users:
        _press(client_for(user), signing, version_id, "sign-off")
    assert "is published" in _press(team, signing, version_id, "publish")

    def stopped(*_args: object, **_kwargs: object) -> None:
        raise RenderError("the render took longer than its time limit")

    with monkeypatch.context() as patched:
        patched.setattr(RenderRequest, "render", stopped)
        with app.app_context():
            run_pending()
    address = signing.url(f"/versions/{version_id}.pdf")
    failed = team.get(address)
    assert failed.status_code == 500
    shown = page(failed).get_text(" ", strip=True)
    assert "The PDF could not be made" in shown
    assert "the render took longer than its time limit" in shown
    status, sign_offs = _version(app, version_id)
    assert status is PublicationStatus.PUBLISHED and len(sign_offs) == 3

    assert team.get(address + "?retry=1").status_code == 202
    with app.app_context():
        run_pending()
    made = team.get(address)
    assert made.status_code == 200 and made.data.startswith(b"%PDF")
