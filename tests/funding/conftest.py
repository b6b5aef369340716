"""Hillshire's shared budget, worked out by hand, for the budget's tests.

The partnership is the arrangements' signing partnership (three partners, each represented by
a PARTNER user) with five agencies. Reporting years start in April; "today" is 30 June 2026,
so 2025-26 is the last complete year and 2026-27 has begun.

2024-25 (the first year with figures): the council received £50,000 and a £1,000 grant came
in; £45,000 was spent. So £6,000 is carried into 2025-26.

2025-26, agreed in the register: Hillshire Children's Services £60,000 and the council's
public health £10,000 (both the local authority's), Hillshire ICB £36,000, Hillshire
Constabulary £18,000, the fire service £6,000 (another contributor): £130,000.
Received: children's services £60,000 in two halves, the ICB £36,000, the police £9,000 of
£18,000, the fire service £6,000, a £2,500.50 grant from the Department for Education:
£111,000 of contributions, £113,500.50 in all. Lines: staffing £90,000 (spent £88,000.25 in
two payments), scrutiny £20,000 (spent £21,000: £1,000 over). In kind: the fire service's
rooms, £3,000. So: spent £109,000.25, carried forward 6,000 + 113,500.50 - 109,000.25 =
£10,500.25. Shares of £130,000: the local authority £70,000 (54%), health £36,000 (28%),
police £18,000 (14%), others £6,000 (5%).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.funding.models import (
    BudgetLine,
    ContributorPartner,
    IncomeKind,
    InKind,
    Receipt,
    Spending,
)
from partnership.policy import Role
from partnership.register.models import (
    Agency,
    Contribution,
    PartnerKind,
    Partnership,
    Sector,
)
from tests.arrangements.conftest import PARTNER_NAMES, build_partnership, client_for
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

__all__ = ["client_for"]

TODAY = dt.date(2026, 6, 30)
SLUG = "hscp"
today = clock_at(TODAY)


@dataclass
class Hillshire:
    """The budget's partnership: its id, its agencies by short name, its partner users."""

    id: int
    agencies: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    partner_users: list[User] = field(default_factory=list)


def url(tail: str = "") -> str:
    """Return a budget URL of the test partnership."""
    return f"/partnerships/{SLUG}/budget{tail}"


def messages(response: object) -> str:
    """Return the text of the notification banners on a page."""
    html = page(response)  # type: ignore[arg-type]
    return " ".join(b.get_text(" ", strip=True)
                    for b in html.select(".govuk-notification-banner__content"))


def money(amount: str) -> Decimal:
    """A stored amount."""
    return Decimal(amount)


def build_budget(partnership: Partnership) -> Hillshire:
    """Record Hillshire's 2024-25 and 2025-26 figures (see the module's docstring)."""
    names = {"cs": ("Hillshire Children's Services", Sector.LOCAL_AUTHORITY),
             "ph": ("Hillshire Public Health", Sector.LOCAL_AUTHORITY),
             "icb": ("Hillshire Integrated Care Board", Sector.HEALTH),
             "police": ("Hillshire Constabulary", Sector.POLICE_AND_JUSTICE)}
    fire = next(a for a in partnership.agencies if a.name == "Hillshire Fire and Rescue")
    agencies = {key: Agency(name=name, sector=sector) for key, (name, sector) in names.items()}
    partnership.agencies.extend(agencies.values())
    agencies["fire"] = fire
    for key, amount in (("cs", "60000"), ("ph", "10000"), ("icb", "36000"),
                        ("police", "18000"), ("fire", "6000")):
        agencies[key].contributions.append(Contribution(year=2025, amount=money(amount)))
    agencies["cs"].contributions.append(Contribution(year=2024, amount=money("50000")))
    partners = {p.kind: p for p in partnership.partners}
    for key, kind in (("cs", PartnerKind.LOCAL_AUTHORITY), ("ph", PartnerKind.LOCAL_AUTHORITY),
                      ("icb", PartnerKind.HEALTH), ("police", PartnerKind.POLICE),
                      ("fire", None)):
        db.session.add(ContributorPartner(partnership=partnership, agency=agencies[key],
                                          partner=partners[kind] if kind else None))

    def received(year: int, key: str | None, day: dt.date, amount: str,
                 kind: IncomeKind = IncomeKind.CONTRIBUTION, source: str = "") -> None:
        db.session.add(Receipt(partnership=partnership, year=year, kind=kind,
                               agency=agencies[key] if key else None, source=source,
                               received_on=day, amount=money(amount)))

    received(2024, "cs", dt.date(2024, 5, 1), "50000")
    received(2024, None, dt.date(2024, 9, 1), "1000", IncomeKind.GRANT, "Home Office")
    received(2025, "cs", dt.date(2025, 5, 1), "30000")
    received(2025, "cs", dt.date(2025, 10, 1), "30000")
    received(2025, "icb", dt.date(2025, 6, 1), "36000")
    received(2025, "police", dt.date(2025, 7, 1), "9000")
    received(2025, "fire", dt.date(2026, 4, 20), "6000")  # paid late, for 2025-26
    received(2025, None, dt.date(2025, 11, 1), "2500.50", IncomeKind.GRANT,
             "Department for Education")

    earlier = BudgetLine(partnership=partnership, year=2024, heading="Business unit staffing",
                         amount=money("46000"), position=1)
    staffing = BudgetLine(partnership=partnership, year=2025, heading="Business unit staffing",
                          amount=money("90000"), position=1)
    scrutiny = BudgetLine(partnership=partnership, year=2025, heading="Independent scrutiny",
                          amount=money("20000"), position=2)
    db.session.add_all([earlier, staffing, scrutiny])
    for line, day, amount in ((earlier, dt.date(2025, 3, 1), "45000"),
                              (staffing, dt.date(2025, 9, 30), "44000.25"),
                              (staffing, dt.date(2026, 3, 31), "44000"),
                              (scrutiny, dt.date(2026, 2, 1), "21000")):
        db.session.add(Spending(partnership=partnership, line=line, spent_on=day,
                                description="Payment", amount=money(amount)))
    db.session.add(InKind(partnership=partnership, year=2025, agency=agencies["fire"],
                          description="Training rooms at the fire station",
                          value=money("3000")))
    db.session.commit()
    return Hillshire(partnership.id, {key: a.id for key, a in agencies.items()},
                     {"staffing": staffing.id, "scrutiny": scrutiny.id})


@pytest.fixture
def hillshire(app: Flask, make_user: Callable[..., User]) -> Hillshire:
    """Hillshire with its budget; its three partners are represented by PARTNER users."""
    users = [make_user(Role.PARTNER, name=PARTNER_NAMES[kind][2]) for kind in PartnerKind]
    with app.app_context():
        partnership = build_partnership(users=users)
        built = build_budget(partnership)
        built.partner_users = users
        return built


def partnership_of(built: Hillshire) -> Partnership:
    """The test partnership (in an app context)."""
    return db.session.scalars(sa.select(Partnership).where(Partnership.id == built.id)).one()


def team_client(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    """The partnership team's officer, signed in."""
    return signed_in(Role.TEAM)
