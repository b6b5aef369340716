"""Published versions: immutable, readable and downloadable by everyone, and comparable."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.arrangements.models import ArrangementsVersion
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.publishing.models import DocumentKind, Signature
from partnership.publishing.workflow import AlreadyPublished
from tests.arrangements.conftest import (
    SigningPartnership,
    build_partnership,
    edit_the_register,
    published_version,
    stored,
)
from tests.support.client import BrowserLikeClient, page


def test_a_published_version_never_changes(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    version_id = published_version(app, signing, "Arrangements 2026")
    pdf, sha256, snapshot, row_version = stored(app, version_id)

    edit_the_register(app, signing)
    team = signed_in(Role.TEAM)
    team.submit(signing.url("/sections/new"), {"title": "Foreword", "markdown": "New words."})
    assert stored(app, version_id) == (pdf, sha256, snapshot, row_version)
    read = team.get(signing.url(f"/versions/{version_id}.pdf"))
    assert read.data == pdf and hashlib.sha256(read.data).hexdigest() == sha256

    # Through the pages: signing off, publishing or withdrawing it again is refused.
    detail = signing.url(f"/versions/{version_id}")
    assert not page(team.get(detail)).find("form", attrs={"method": "post",
                                                          "action": f"{detail}/publish"})
    for client, action in ((client_for(signing.partner_users[0]), "sign-off"),
                           (team, "publish"), (team, "withdraw")):
        response = client.submit(detail, {}, action=f"{detail}/{action}", follow_redirects=True)
        shown = page(response).get_text(" ", strip=True)
        assert "“Arrangements 2026” is published and cannot be" in shown, action
    assert stored(app, version_id) == (pdf, sha256, snapshot, row_version)

    # And below the pages: no code path can change, re-sign or delete it.
    with app.app_context():
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None
        for change in (lambda v: setattr(v, "title", "Rewritten"),
                       lambda v: setattr(v, "pdf", b"%PDF-forged"),
                       lambda v: db.session.delete(v),
                       lambda v: db.session.add(Signature(
                           document=DocumentKind.ARRANGEMENTS, version_id=v.id,
                           partnership_id=v.partnership_id, partner=v.partnership.partners[0],
                           user_id=signing.partner_users[0].id, signed_by="X", role="Y",
                           digest="0" * 64, comment="", deputy_for=""))):
            change(version)
            with pytest.raises(AlreadyPublished):
                db.session.flush()
            db.session.rollback()
            version = db.session.get(ArrangementsVersion, version_id)
            assert version is not None
    assert stored(app, version_id) == (pdf, sha256, snapshot, row_version)


def test_everyone_reads_and_downloads_published_versions_and_it_is_audited(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    version_id = published_version(app, signing, "Arrangements 2026")
    pdf, _sha, _snapshot, _row = stored(app, version_id)
    with app.app_context():
        version = db.session.get(ArrangementsVersion, version_id)
        assert version is not None and version.published_at is not None
        name = f"hscp-arrangements-v1-{version.published_on.isoformat()}.pdf"
    url = signing.url(f"/versions/{version_id}.pdf")

    scrutineer = signed_in(Role.SCRUTINEER)
    listing = page(scrutineer.get(signing.url())).get_text(" ", strip=True)
    assert "Arrangements 2026" in listing
    read = scrutineer.get(url)
    assert read.status_code == 200 and read.data == pdf
    assert read.mimetype == "application/pdf"
    assert read.headers["Content-Disposition"] == f"inline; filename={name}"
    assert read.headers["X-Content-Type-Options"] == "nosniff"
    assert read.headers["Cache-Control"] == "no-store"

    download = scrutineer.get(f"{url}?download=1")
    assert download.data == pdf
    assert download.headers["Content-Disposition"] == \
        f"attachment; filename={name}"

    for role in (Role.AGENCY, Role.CHAIR, Role.ADMIN):
        assert signed_in(role).get(f"{url}?download=1").data == pdf, role

    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.user_id)
            .where(AuditEvent.record_type == "arrangements_version",
                   AuditEvent.record_id == str(version_id),
                   AuditEvent.action.in_(["view", "export"]))
            .order_by(AuditEvent.id)).all()
    scrutineer_id = scrutineer.user.id  # type: ignore[attr-defined]
    assert [tuple(e) for e in events[:2]] == [("view", scrutineer_id), ("export", scrutineer_id)]
    assert [e.action for e in events[2:]] == ["export"] * 3


def test_only_published_versions_of_this_partnership_have_a_pdf(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    published_id = published_version(app, signing, "Arrangements 2026")
    team = signed_in(Role.TEAM)
    draft = team.submit(signing.url("/versions/new"), {"title": "Arrangements 2027"})
    draft_url = draft.headers["Location"]
    assert team.get(f"{draft_url}.pdf").status_code == 404
    with app.app_context():
        build_partnership(slug="other", name="Other Partnership")
    other = f"/partnerships/other/arrangements/versions/{published_id}"
    assert team.get(f"{other}.pdf").status_code == 404
    assert team.get(other).status_code == 404


def test_comparing_two_published_versions(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    first = published_version(app, signing, "Arrangements 2025")
    edit_the_register(app, signing)
    second = published_version(app, signing, "Arrangements 2026")
    third = published_version(app, signing, "Arrangements 2026 (reprint)")

    scrutineer = signed_in(Role.SCRUTINEER)
    overview = page(scrutineer.get(signing.url()))
    compare_form = overview.main.find("form", attrs={"method": "get"})
    assert compare_form is not None
    assert compare_form.find("option", selected=True) is not None

    response = scrutineer.get(signing.url(f"/compare?older={first}&newer={second}"))
    assert response.status_code == 200
    shown = page(response)
    headings = [h.get_text(strip=True) for h in shown.select("main h3")]
    assert "Agencies added" in headings
    assert "Bodies changed" in headings
    text = shown.get_text(" ", strip=True)
    assert "Hillshire Youth Justice Service" in text
    assert "Scrutiny Group" in text and "quarterly" in text.lower() and "monthly" in text.lower()

    unchanged = page(scrutineer.get(signing.url(f"/compare?older={second}&newer={third}")))
    assert "Nothing in the register changed between these two versions" in unchanged.get_text()

    same = scrutineer.get(signing.url(f"/compare?older={first}&newer={first}"))
    assert page(same).select_one(".govuk-error-message").get_text(strip=True) == \
        "Error:Select two different versions"
    assert page(same).title.get_text().startswith("Error:")
    unknown = scrutineer.get(signing.url(f"/compare?older={first}&newer=999"))
    assert "Select a published version from the list" in unknown.get_data(as_text=True)

    with app.app_context():
        viewed = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "arrangements_version",
            AuditEvent.record_id == f"{first}-{second}")).one()
        assert viewed.action == "view"


def test_comparing_with_fewer_than_two_versions_says_so(
    signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    shown = page(signed_in(Role.AGENCY).get(signing.url("/compare"))).get_text(" ", strip=True)
    assert "You can compare versions once two have been published" in shown


def test_the_versions_link_to_their_browser_page_and_the_team_to_paper_entry(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    version_id = published_version(app, signing, "Arrangements 2019")
    browser = f"/partnerships/{signing.slug}/signed/arrangements/{version_id}"
    team = signed_in(Role.TEAM)
    listed = page(team.get(signing.url("")))
    assert listed.find("a", href=browser) is not None
    detail = page(team.get(signing.url(f"/versions/{version_id}")))
    assert detail.find("a", href=browser) is not None
    # Published before pages were kept (as this stored one): the page says so, with its PDF.
    shown = page(team.get(browser))
    assert "read only as it was published: as its PDF" in shown.get_text(" ", strip=True)
    assert shown.find("a", href=signing.url(f"/versions/{version_id}.pdf")) is not None

    draft = team.submit(signing.url("/versions/new"), {"title": "Arrangements 2021"})
    draft_url = draft.headers["Location"]
    paper = f"/partnerships/{signing.slug}/signed/arrangements/{draft_url.rsplit('/', 1)[1]}/paper"
    assert page(team.get(draft_url)).find("a", href=paper) is not None
    partner = client_for(signing.partner_users[0])
    assert page(partner.get(draft_url)).find("a", href=paper) is None
