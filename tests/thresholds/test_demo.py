"""The demo's threshold document: published once, with a second round open in which the
local authority's delegated partner signed an earlier draft and is shown what changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import undefer

from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.publishing.models import PublicationStatus
from partnership.thresholds.models import ThresholdSection, ThresholdVersion
from tests.documents.pdftools import pdf_text
from tests.support.client import BrowserLikeClient, page


def _client(app: Flask, email: str) -> BrowserLikeClient:
    account = next(a for a in DEMO_ACCOUNTS if a.email == email)
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(account.email, account.password).status_code == 302
    return client


@pytest.mark.demo
def test_the_demo_has_a_published_threshold_document_and_a_round_to_sign_again(
        app: Flask) -> None:
    with app.app_context():
        versions = list(db.session.scalars(
            sa.select(ThresholdVersion).options(undefer(ThresholdVersion.pdf))
            .order_by(ThresholdVersion.id)))
        assert [(v.status, v.number) for v in versions] == [
            (PublicationStatus.PUBLISHED, 1), (PublicationStatus.DRAFT, None)]
        published, draft = versions
        assert published.pdf is not None and published.pages and published.sha256
        text = " ".join(pdf_text(published.pdf).split())
        assert "Levels of need" in text and "Level 2: Early help" in text
        assert "Children's Front Door" in text
        headings = list(db.session.scalars(sa.select(ThresholdSection.heading)
                                           .order_by(ThresholdSection.position)))
        assert headings[:2] == ["Introduction", "Levels of need"]
        slug, draft_id = draft.partnership.slug, draft.id

    partner = _client(app, "partner@demo.example")
    detail = f"/partnerships/{slug}/thresholds/versions/{draft_id}"
    changed = page(partner.get(detail)).find(id="what-changed")
    assert changed is not None
    said = changed.get_text(" ", strip=True)
    assert "You signed an earlier draft." in said
    assert ("Consent and information sharing: Rewritten. Added: “A practitioner who is unsure "
            "may always ask the Front Door") in said
    home = page(partner.get("/")).find(id="waiting-sign-offs").get_text(" ", strip=True)
    assert "threshold document" in home.lower()

    police = page(_client(app, "police.partner@demo.example").get(detail))
    assert police.find(id="what-changed") is None
    assert "Sign off" in [b.get_text(strip=True) for b in police.find_all("button")]

    scrutineer = page(_client(app, "scrutineer@demo.example").get("/reading-room"))
    shelf = scrutineer.find(id=f"partnership-{slug}").find(attrs={"data-group": "thresholds"})
    assert shelf is not None and "1 published version" in shelf.get_text()
