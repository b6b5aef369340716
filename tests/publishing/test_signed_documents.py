"""The one publishing workflow, as a partner and the team meet it: a sign-off binds to what
is published, lapses when the draft changes (with what changed, in words), deputies sign for
their lead, versions are numbered and superseded, and nothing published ever changes, even
through SQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.arrangements.adapter import ArrangementsDocument
from partnership.arrangements.models import ArrangementsVersion
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing import workflow
from partnership.publishing.documents import text_changes
from partnership.publishing.models import Delegation, PublicationStatus, Signature
from partnership.register.models import Partnership, Person
from tests.arrangements.conftest import SigningPartnership
from tests.support.client import BrowserLikeClient, page

FUNDING = "The police contribute £60,000 a year."
CUT = "The police contribution falls by 20% to £48,000 a year."


def _messages(response: object) -> str:
    html = page(response)  # type: ignore[arg-type]
    return " ".join(b.get_text(" ", strip=True)
                    for b in html.select(".govuk-notification-banner__content"))


def _start(team: BrowserLikeClient, signing: SigningPartnership, title: str) -> int:
    response = team.submit(signing.url("/versions/new"), {"title": title})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/versions/(\d+)$", response.headers["Location"])
    assert found
    return int(found.group(1))


def _press(client: BrowserLikeClient, signing: SigningPartnership, version_id: int,
           action: str, data: dict[str, str] | None = None) -> str:
    detail = signing.url(f"/versions/{version_id}")
    response = client.submit(detail, data or {}, action=f"{detail}/{action}",
                             follow_redirects=True)
    assert response.status_code == 200
    return _messages(response)


def _write_funding(team: BrowserLikeClient, signing: SigningPartnership, text: str) -> None:
    """Write the Funding section (added the first time) through its page."""
    overview = page(team.get(signing.url("")))
    link = next((a["href"] for a in overview.find_all("a", href=re.compile(r"/sections/\d+$"))
                 if "Funding" in a.get_text()), None)
    if link is None:
        response = team.submit(signing.url("/sections/new"),
                               {"title": "Funding", "topic": "funding", "markdown": text})
    else:
        form = page(team.get(link))
        version = form.find("input", attrs={"name": "version"})["value"]
        response = team.submit(link, {"version": version, "title": "Funding",
                                      "topic": "funding", "markdown": text})
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:300]


def _signed_round(team: BrowserLikeClient, signing: SigningPartnership,
                  client_for: Callable[[User], BrowserLikeClient], title: str) -> int:
    version_id = _start(team, signing, title)
    for user in signing.partner_users:
        assert "You have signed off" in _press(client_for(user), signing, version_id,
                                               "sign-off")
    return version_id


def test_a_change_after_every_partner_signed_is_refused_until_they_sign_again(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    """The probe: sign, change the Funding section, publish: refused, with what changed."""
    team = signed_in(Role.TEAM)
    _write_funding(team, signing, FUNDING)
    version_id = _signed_round(team, signing, client_for, "Arrangements 2026")
    _write_funding(team, signing, CUT)

    said = _press(team, signing, version_id, "publish")
    assert ("All three statutory partners must sign off “Arrangements 2026” as it reads now "
            "before it is published: Hillshire County Council, Hillshire Integrated Care "
            "Board and Hillshire Constabulary have to sign off again because the "
            "arrangements changed after they signed.") in said
    with app.app_context():
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None and version.status is PublicationStatus.DRAFT

    # Each partner's home lists it again, and the page says what changed, in words.
    council = client_for(signing.partner_users[0])
    waiting = page(council.get("/")).find(id="waiting-sign-offs")
    assert waiting is not None and "Changed since you signed" in waiting.get_text()
    detail = page(council.get(signing.url(f"/versions/{version_id}")))
    changed = detail.find(id="what-changed")
    assert changed is not None
    text = changed.get_text(" ", strip=True)
    assert "You signed an earlier draft" in text
    assert "Funding" in text or "funding" in text
    assert "partnership_id" not in text and "markdown" not in text  # no database words
    assert detail.find("button", string=re.compile("Sign off again"))

    for user in signing.partner_users:
        assert "You have signed off" in _press(client_for(user), signing, version_id,
                                               "sign-off", {"comment": "Agreed at the board"})
    assert "is published" in _press(team, signing, version_id, "publish")
    with app.app_context():
        run_pending()
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None and version.status is PublicationStatus.PUBLISHED
        assert version.snapshot is not None
        assert CUT in str(version.snapshot["register"]["narrative"])
        assert {s.digest for s in version.sign_offs} == {version.digest}
        assert all(s.sealed and s.comment == "Agreed at the board" for s in version.sign_offs)
    pdf = team.get(signing.url(f"/versions/{version_id}.pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_second_publication_supersedes_the_first_and_files_carry_the_version(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    first = _signed_round(team, signing, client_for, "Arrangements 2025")
    _press(team, signing, first, "publish")
    _write_funding(team, signing, CUT)
    second = _signed_round(team, signing, client_for, "Arrangements 2026")
    _press(team, signing, second, "publish")
    with app.app_context():
        run_pending()
        older = db.session.get(ArrangementsVersion, first)
        newer = db.session.get(ArrangementsVersion, second)
        assert older is not None and newer is not None
        assert (older.status, older.number) == (PublicationStatus.SUPERSEDED, 1)
        assert (newer.status, newer.number) == (PublicationStatus.PUBLISHED, 2)
        assert older.superseded_at is not None and older.sha256 is not None
        day = newer.published_on
    download = team.get(signing.url(f"/versions/{second}.pdf?download=1"))
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=hscp-arrangements-v2-{day.isoformat()}.pdf")
    listing = page(team.get(signing.url())).get_text(" ", strip=True)
    assert "Superseded (version 1)" in listing and "Published (version 2)" in listing


def _sql_refused(statement: str, **values: object) -> None:
    with db.engine.connect() as connection, pytest.raises(sa.exc.DatabaseError), \
            connection.begin():
        connection.execute(sa.text(statement), values)


def test_the_database_refuses_changes_to_what_was_published(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    version_id = _signed_round(team, signing, client_for, "Arrangements 2026")
    _press(team, signing, version_id, "publish")
    with app.app_context():
        run_pending()
        signature_id = db.session.scalars(sa.select(Signature.id)).first()
        _sql_refused("UPDATE arrangements_version SET title = 'Forged' WHERE id = :id",
                     id=version_id)
        _sql_refused("UPDATE arrangements_version SET pdf = :pdf WHERE id = :id",
                     id=version_id, pdf=b"%PDF forged")
        _sql_refused("UPDATE arrangements_version SET status = 'draft' WHERE id = :id",
                     id=version_id)
        _sql_refused("DELETE FROM arrangements_version WHERE id = :id", id=version_id)
        _sql_refused("UPDATE signature SET signed_by = 'Someone else' WHERE id = :id",
                     id=signature_id)
        _sql_refused("DELETE FROM signature WHERE id = :id", id=signature_id)
        partner_id = db.session.scalars(sa.select(Signature.partner_id)).first()
        _sql_refused(
            "INSERT INTO signature (document, version_id, partnership_id, partner_id, "
            "signed_by, role, signed_at, digest, comment, deputy_for, sealed) VALUES "
            "('arrangements', :v, :p, :partner, 'X', 'Y', CURRENT_TIMESTAMP, '0', '', '', "
            "FALSE)", v=version_id, p=signing.id, partner=partner_id)
        # Superseding is the one change allowed, and only from published.
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "UPDATE arrangements_version SET status = 'superseded', "
                "superseded_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": version_id})
        _sql_refused("UPDATE arrangements_version SET status = 'published' WHERE id = :id",
                     id=version_id)


def test_a_named_deputy_signs_for_their_lead_and_the_document_says_so(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient], make_user: Callable[..., User],
) -> None:
    deputy_user = make_user(Role.PARTNER, name="Dev Deputy")
    with app.app_context():
        deputy = Person(name="Dev Deputy", job_title="Deputy Chief Executive",
                        user_id=deputy_user.id)
        db.session.add(deputy)
        db.session.commit()
        deputy_id = deputy.id
        lead_post = next(post for partner in db.session.get(Partnership, signing.id).partners
                         for post in partner.representatives
                         if post.person.user_id == signing.partner_users[0].id)
        lead_post_id = lead_post.id

    team = signed_in(Role.TEAM)
    version_id = _start(team, signing, "Arrangements 2026")
    stand_in = client_for(deputy_user)
    assert "nor their named deputy" in _press(stand_in, signing, version_id, "sign-off")

    # The team names the deputy; a date that cannot be is refused next to its field.
    url = f"/partnerships/{signing.slug}/deputies/new"
    bad = team.submit(url, {"lead": str(lead_post_id), "deputy": str(deputy_id),
                            "starts_on": ["1", "3", "2026"], "ends_on": ["1", "2", "2026"]})
    assert bad.status_code == 200
    assert "End date must be the same as or after the start date" in \
        page(bad).select_one(".govuk-error-message").get_text()
    start = clock.today() - dt.timedelta(days=10)
    made = team.submit(url, {"lead": str(lead_post_id), "deputy": str(deputy_id),
                             "starts_on": [str(start.day), str(start.month), str(start.year)]})
    assert made.status_code == 302, made.get_data(as_text=True)

    home = page(stand_in.get("/")).find(id="waiting-sign-offs")
    assert home is not None and "as deputy for Ada Council" in home.get_text(" ", strip=True)
    assert "You have signed off" in _press(stand_in, signing, version_id, "sign-off")
    said = _press(client_for(signing.partner_users[0]), signing, version_id, "sign-off")
    assert "Hillshire County Council has already signed off" in said
    preview = page(team.get(signing.url("/preview"))).get_text(" ", strip=True)
    assert "Dev Deputy (for Ada Council, Chief Executive, under a delegation dated" in preview

    # Ended today, the deputy may not sign the next round.
    with app.app_context():
        delegation_id = db.session.scalars(sa.select(Delegation.id)).one()
    deputies = f"/partnerships/{signing.slug}/deputies"
    ended = team.submit(deputies, {}, action=f"{deputies}/{delegation_id}/end",
                        follow_redirects=True)
    assert "may no longer sign off for Ada Council" in _messages(ended)
    with app.app_context():
        delegation = db.session.get(Delegation, delegation_id)
        assert delegation is not None and delegation.ends_on is not None
        assert not delegation.active_on(delegation.ends_on + dt.timedelta(days=1))


def test_the_partner_home_lists_every_kind_waiting_and_how_long(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    _start(team, signing, "Arrangements 2026")
    with app.test_request_context():
        user = db.session.get(User, signing.partner_users[1].id)
        waiting = workflow.waiting_for(user, clock.today() + dt.timedelta(days=12))
    assert [(w.kind, w.title, w.partner) for w in waiting] == [
        ("Safeguarding arrangements", "Arrangements 2026", "Hillshire Integrated Care Board")]
    assert waiting[0].waited(clock.today() + dt.timedelta(days=12)) == "12 days"


def test_what_changed_quotes_the_sentences_that_changed() -> None:
    funding = ("The budget pays for the team and the reviews. The yearly report sets out "
               "income and spending.")
    cut = ("The budget pays for the team and the reviews. The police contribution falls by "
           "20% from April 2027.")
    assert text_changes(funding, cut) == (
        "Removed: “The yearly report sets out income and spending.” Added: “The police "
        "contribution falls by 20% from April 2027.”")
    assert text_changes("One.", "One.\n\nTwo.") == "Added: “Two.”"
    assert text_changes("One.\n\nTwo.", "Two.") == "Removed: “One.”"
    assert text_changes("Ring us today.", "Ring us.") == ("Removed: “Ring us today.” "
                                                          "Added: “Ring us.”")
    assert text_changes("Ring the front door team today, or email us.",
                        "Ring the front door team today, or write to us.") == (
        "Reworded: “Ring the front door team today, or email us.” now reads “Ring the front "
        "door team today, or write to us.”")
    said = ArrangementsDocument().changes(
        {"title": "A", "register": {"narrative": {"funding": funding}}},
        {"title": "B", "register": {"narrative": {"funding": cut, "voice": "New words."}}})
    assert [(c.where, c.what) for c in said] == [
        ("Title", "“A” is now “B”."),
        ("Funding", "Rewritten. Removed: “The yearly report sets out income and spending.” "
                    "Added: “The police contribution falls by 20% from April 2027.”"),
        ("Voice of children and families", "Written since you signed: “New words.”"),
    ]
