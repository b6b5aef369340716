"""A small partnership whose three partners each have a representative with a user account."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.arrangements import services
from partnership.arrangements.models import ArrangementsVersion
from partnership.database import utcnow
from partnership.extensions import db
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from partnership.register.exchange import export_register
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Capacity,
    Frequency,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Sector,
    StatutoryPartner,
)
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient

SLUG = "hscp"
PARTNER_NAMES = {
    PartnerKind.LOCAL_AUTHORITY: ("Hillshire County Council", "Chief Executive", "Ada Council"),
    PartnerKind.HEALTH: ("Hillshire Integrated Care Board", "Chief Nurse", "Ben Health"),
    PartnerKind.POLICE: ("Hillshire Constabulary", "Chief Constable", "Cara Police"),
}


@dataclass
class SigningPartnership:
    """What the tests need to drive the workflow for one partnership."""

    slug: str
    id: int
    partner_users: list[User] = field(default_factory=list)

    def url(self, tail: str = "") -> str:
        """Return an arrangements URL of this partnership."""
        return f"/partnerships/{self.slug}/arrangements{tail}"


def build_partnership(slug: str = SLUG, name: str = "Hillshire Safeguarding Children Partnership",
                      users: list[User] | None = None) -> Partnership:
    """Create a partnership with its three partners, an agency and a board (in app context)."""
    partnership = Partnership(slug=slug, name=name, short_name=slug.upper(),
                              area="The county of Hillshire")
    since = dt.date(2020, 4, 1)
    for index, kind in enumerate(PartnerKind):
        organisation, title, person_name = PARTNER_NAMES[kind]
        partner = StatutoryPartner(kind=kind)
        partner.names = [PartnerName(name=organisation, valid_from=since)]
        user_id = users[index].id if users else None
        person = Person(name=person_name, job_title=title, organisation=organisation,
                        user_id=user_id)
        partner.representatives = [Representative(person=person, capacity=Capacity.LEAD,
                                                  title=title, valid_from=since)]
        partnership.partners.append(partner)
    partnership.agencies = [Agency(name="Hillshire Fire and Rescue", sector=Sector.OTHER)]
    partnership.bodies = [Body(kind=BodyKind.SUBGROUP, name="Scrutiny Group",
                               frequency=Frequency.QUARTERLY)]
    db.session.add(partnership)
    db.session.commit()
    return partnership


@pytest.fixture
def signing(app: Flask, make_user: Callable[..., User]) -> SigningPartnership:
    """A partnership whose three partners are represented by three PARTNER users."""
    users = [make_user(Role.PARTNER, name=PARTNER_NAMES[kind][2]) for kind in PartnerKind]
    with app.app_context():
        partnership = build_partnership(users=users)
        return SigningPartnership(SLUG, partnership.id, users)


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], BrowserLikeClient]:
    """Sign an existing account in on a new client."""

    def sign_in(user: User) -> BrowserLikeClient:
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.sign_in(user.email, PASSWORD).status_code == 302
        client.user = user  # type: ignore[attr-defined]
        return client

    return sign_in


def edit_the_register(app: Flask, signing: SigningPartnership) -> None:
    """Add an agency and make the scrutiny group meet monthly."""
    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        assert partnership is not None
        partnership.agencies.append(Agency(name="Hillshire Youth Justice Service",
                                           sector=Sector.POLICE_AND_JUSTICE))
        body = db.session.scalars(sa.select(Body).where(Body.name == "Scrutiny Group")).one()
        body.frequency = Frequency.MONTHLY
        db.session.commit()


def published_version(app: Flask, signing: SigningPartnership, title: str) -> int:
    """Store a published version of the register as it is now, without rendering a PDF.

    For tests about what happens to published versions (reading, comparing), where the
    PDF's content does not matter; the real publishing is tested in test_workflow.py.
    """
    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        assert partnership is not None
        pdf = f"%PDF-1.7\n% {title}\n".encode()
        version = ArrangementsVersion(
            partnership=partnership, title=title, status=PublicationStatus.PUBLISHED,
            snapshot=export_register(partnership), pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), pages=1, published_at=utcnow(),
            published_on=services.today(), digest=hashlib.sha256(pdf).hexdigest(),
            number=1 + len(services.published_versions(partnership)),
            review_due=services.review_due_after(services.today()))
        db.session.add(version)
        db.session.commit()
        return version.id


def stored(app: Flask, version_id: int) -> tuple[bytes, str, dict[str, object], int]:
    """Return a version's stored PDF, SHA-256, snapshot and row version."""
    with app.app_context():
        version = db.session.scalars(
            sa.select(ArrangementsVersion).where(ArrangementsVersion.id == version_id)
            .options(sa.orm.undefer(ArrangementsVersion.pdf),
                     sa.orm.undefer(ArrangementsVersion.snapshot))
        ).one()
        assert version.pdf is not None and version.sha256 is not None
        return version.pdf, version.sha256, dict(version.snapshot or {}), version.version
