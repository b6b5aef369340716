"""The threshold document's whole sign-off round through the pages people use: start it,
three partners sign, a change makes a signature lapse and the signer reads what changed,
publish, the file made by the worker, numbered versions and the next one superseding."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import undefer

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.jobs.services import run_pending
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from partnership.thresholds.models import ThresholdVersion
from tests.arrangements.conftest import PARTNER_NAMES, SigningPartnership
from tests.documents.pdftools import pdf_text
from tests.support.client import BrowserLikeClient, page
from tests.thresholds.conftest import add_sections, press, section_ids, start_round, url

SECTIONS = [("Introduction", "What this document is for."),
            ("Levels of need", "### Universal\n\nEvery child.\n\n### Early help\n\nA little "
                               "extra help, early."),
            ("How to get help", "Ring the Front Door on 01632 960 300.")]


def _stored(app: Flask, version_id: int) -> ThresholdVersion:
    with app.app_context():
        version = db.session.scalars(
            sa.select(ThresholdVersion).where(ThresholdVersion.id == version_id)
            .options(undefer(ThresholdVersion.pdf), undefer(ThresholdVersion.snapshot))).one()
        db.session.expunge(version)
        return version


def _sign_all(partners: list[BrowserLikeClient], version_id: int) -> None:
    for partner in partners:
        assert "You have signed off" in press(partner, version_id, "sign-off")


def test_the_whole_round_from_draft_to_published_and_superseded(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    add_sections(app, signing.id, SECTIONS)
    team = signed_in(Role.TEAM)
    partners = [client_for(user) for user in signing.partner_users]
    assert "No sign-off round is open" in page(team.get(url())).get_text()

    version_id = start_round(team, "HSCP threshold document 2026")
    shown = page(team.get(url(f"/versions/{version_id}"))).get_text(" ", strip=True)
    assert "You can publish once all three partners have signed off" in shown
    home = page(partners[0].get("/")).find(id="waiting-sign-offs").get_text(" ", strip=True)
    assert "HSCP threshold document 2026 Threshold document" in home

    _sign_all(partners, version_id)
    assert "3 of 3 partners signed off" in page(team.get(url())).get_text(" ", strip=True)

    # The team rewrites a section after everyone signed: every signature lapses.
    [(_, _), (levels, _), (_, _)] = section_ids(app, signing.id)
    team.submit(url(f"/sections/{levels}"),
                {"heading": "Levels of need",
                 "markdown": "### Universal\n\nEvery child, every day.\n\n### Early help\n\n"
                             "A little extra help, early."})
    assert "must sign off" in press(team, version_id, "publish")
    detail = page(team.get(url(f"/versions/{version_id}"))).get_text(" ", strip=True)
    assert "have to sign" in detail and "again" in detail

    # The partner is asked to sign again and reads, in words, what changed since they signed.
    again = page(partners[0].get(url(f"/versions/{version_id}")))
    changed = again.find(id="what-changed").get_text(" ", strip=True)
    assert "You signed an earlier draft." in changed
    assert ("Levels of need: Rewritten. Removed: “Every child.” Added: “Every child, every "
            "day.”") in changed
    home = page(partners[0].get("/")).find(id="waiting-sign-offs").get_text(" ", strip=True)
    assert "HSCP threshold document 2026" in home
    assert "Sign off again" in [b.get_text(strip=True) for b in again.find_all("button")]

    _sign_all(partners, version_id)
    assert "“HSCP threshold document 2026” is published" in press(team, version_id, "publish")

    # The file is made by the worker, not by the request.
    waiting = team.get(url(f"/versions/{version_id}.pdf"))
    assert waiting.status_code == 202
    with app.app_context():
        assert run_pending() >= 1
    first = _stored(app, version_id)
    assert first.status is PublicationStatus.PUBLISHED and first.number == 1
    assert first.pdf is not None and first.pdf.startswith(b"%PDF")
    assert first.sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert [s["heading"] for s in first.snapshot["sections"]] == [h for h, _t in SECTIONS]
    text = " ".join(pdf_text(first.pdf).split())
    assert "Every child, every day." in text and "Ring the Front Door" in text
    for _org, title, person in PARTNER_NAMES.values():
        assert person in text and title in text
    served = team.get(url(f"/versions/{version_id}.pdf?download=1"))
    assert served.status_code == 200 and served.data == first.pdf
    assert "hscp-threshold-document-v1-" in served.headers["Content-Disposition"]

    # A second version, published, supersedes the first; the first never changes.
    add_sections(app, signing.id, [("Consent and information sharing", "Ask first.")])
    second_id = start_round(team, "HSCP threshold document 2027")
    _sign_all(partners, second_id)
    assert "is published" in press(team, second_id, "publish")
    with app.app_context():
        run_pending()
    second, first_again = _stored(app, second_id), _stored(app, version_id)
    assert (second.number, second.status) == (2, PublicationStatus.PUBLISHED)
    assert first_again.status is PublicationStatus.SUPERSEDED
    assert first_again.superseded_at is not None
    assert first_again.pdf == first.pdf and first_again.snapshot == first.snapshot
    assert "Consent and information sharing" in pdf_text(second.pdf or b"")
    overview = page(team.get(url())).get_text(" ", strip=True)
    assert "Superseded (version 1)" in overview and "Published (version 2)" in overview


def test_publish_is_refused_with_a_clear_message_when_a_signature_lapsed(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
    client_for: Callable[[User], BrowserLikeClient],
) -> None:
    add_sections(app, signing.id, SECTIONS)
    team = signed_in(Role.TEAM)
    partners = [client_for(user) for user in signing.partner_users]
    version_id = start_round(team, "HSCP threshold document 2026")
    _sign_all(partners, version_id)
    [(intro, _), *_rest] = section_ids(app, signing.id)
    team.submit(url(f"/sections/{intro}"), {"heading": "About this document",
                                            "markdown": "What this document is for."})

    detail = url(f"/versions/{version_id}")
    response = team.post_with_token(f"{detail}/publish", token_from=detail,
                                     follow_redirects=True)
    said = " ".join(b.get_text(" ", strip=True)
                    for b in page(response).select(".govuk-notification-banner__content"))
    assert "All three statutory partners must sign off “HSCP threshold document 2026” as it " \
           "reads now before it is published" in said
    assert "have to sign" in said and "again" in said
    with app.app_context():
        version = db.session.get(ThresholdVersion, version_id)
        assert version is not None and version.is_draft and version.number is None
    changed = page(partners[1].get(detail)).find(id="what-changed").get_text(" ", strip=True)
    assert "About this document: Retitled: it was called “Introduction”." in changed


def test_a_round_needs_sections_and_only_one_is_open_at_a_time(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(url("/versions/new"), {"title": "Too early"})
    assert response.status_code == 200
    assert "Write the document's sections before" in page(response).select_one(
        ".govuk-error-message").get_text()
    add_sections(app, signing.id, SECTIONS)
    version_id = start_round(team, "HSCP threshold document 2026")
    response = team.submit(url("/versions/new"), {"title": "Another"})
    assert "A sign-off round is already open" in page(response).select_one(
        ".govuk-error-message").get_text()
    said = press(team, version_id, "withdraw")
    assert "The sign-off round for “HSCP threshold document 2026” is withdrawn" in said
    with app.app_context():
        assert db.session.get(ThresholdVersion, version_id) is None


def test_the_draft_is_previewed_and_downloaded_as_it_reads_now(
    app: Flask, signing: SigningPartnership, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_sections(app, signing.id, SECTIONS)
    reader = signed_in(Role.CHAIR)
    preview = page(reader.get(url("/preview")))
    assert [h.get_text(strip=True) for h in preview.select("main h2")][1:4] == [
        heading for heading, _text in SECTIONS]
    assert "DRAFT" in preview.select_one(".cover__status").get_text()
    assert "Awaiting sign-off: no sign-off round is open" in preview.get_text(" ", strip=True)

    first = reader.get(url("/draft.pdf"))
    assert first.status_code == 202  # rendered by the worker, not the request
    with app.app_context():
        assert run_pending() >= 1
    ready = reader.get(url("/draft.pdf"))
    assert ready.status_code == 200 and ready.data.startswith(b"%PDF")
    assert "hscp-threshold-document-draft-" in ready.headers["Content-Disposition"]
    assert "Ring the Front Door" in pdf_text(ready.data)
    with app.app_context():
        exported = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "export", AuditEvent.record_type == "partnership")).all()
        assert [event.changes for event in exported] == [
            {"document": "threshold document draft PDF"}]
