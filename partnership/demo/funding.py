"""The demo's shared budgets: Wessexshire's and the Isle of Merrow's, for the last two complete
reporting years and the current one (dated relative to the demo's day).

Agreed contributions are the register demo's (``WSCP_CONTRIBUTIONS``, ``IOM_CONTRIBUTIONS``):
a year the register does not cover (the demo of another day) gets the nearest year's
amounts. The local authority gives about half, health a quarter, the police (with the Police
and Crime Commissioner) about a sixth, and the district councils, probation and the fire
service the rest; schools and the Department for Education add a little as other income.
The money pays for the business unit, independent scrutiny, case reviews, the training
programme and data and systems; the council, the police, the ICB and the fire service also
give help in kind. Wessexshire's statement for the last complete year is signed off by the
three delegated partners and published; the current year's is in draft, signed by the local
authority so far. The figures are fictional.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from partnership import clock
from partnership.demo.register import (
    CONTRIBUTION_YEARS,
    IOM_CONTRIBUTIONS,
    WSCP_CONTRIBUTIONS,
)
from partnership.extensions import db
from partnership.funding.figures import current_year
from partnership.funding.models import (
    BudgetLine,
    BudgetStatement,
    ContributorPartner,
    IncomeKind,
    InKind,
    Receipt,
    Spending,
)
from partnership.funding.services import default_title
from partnership.kernel.dates import add_months, year_span
from partnership.publishing import workflow
from partnership.publishing.documents import document_for
from partnership.publishing.models import DocumentKind, PublicationStatus, Signature
from partnership.register.models import (
    Agency,
    Capacity,
    Contribution,
    PartnerKind,
    Partnership,
    StatutoryPartner,
)
from partnership.register.services.partnerships import partners_in_order

DAY = dt.timedelta(days=1)

# (agency name, the partner its money counts under: None for another contributor)
WSCP_AGENCY_KEYS = {
    "cf": "Wessexshire County Council, Children and Families",
    "icb": "NHS Wessexshire and Merrow Integrated Care Board",
    "police": "Wessexshire Constabulary",
    "districts": "District and borough councils",
    "opcc": None,  # looked up by its start: its name is long
    "probation": "Probation Service, Wessexshire and Merrow delivery unit",
    "fire": "Wessexshire and Merrow Fire and Rescue Service",
}
WSCP_PARTNERS = {"cf": PartnerKind.LOCAL_AUTHORITY, "icb": PartnerKind.HEALTH,
                 "police": PartnerKind.POLICE, "opcc": PartnerKind.POLICE}
IOM_AGENCY_KEYS = {
    "iom-cs": "Isle of Merrow Council, Children's Services",
    "iom-icb": "NHS Wessexshire and Merrow Integrated Care Board",
    "iom-police": "Wessexshire Constabulary (Isle of Merrow district)",
}
IOM_PARTNERS = {"iom-cs": PartnerKind.LOCAL_AUTHORITY, "iom-icb": PartnerKind.HEALTH,
                "iom-police": PartnerKind.POLICE}
# When each contributor pays, as months after the year starts (its amount split evenly).
PAID_IN_MONTHS = {"cf": (1, 7), "icb": (2,), "police": (3,), "districts": (4,), "opcc": (2,),
                  "probation": (5,), "fire": (9,), "iom-cs": (1, 7), "iom-icb": (3,),
                  "iom-police": (4,)}

# Budget lines: heading, amount for the first of the three years, yearly rise, and the
# payments against it (months after the year starts, what it paid for, share of the line).
Line = tuple[str, int, int, tuple[tuple[int, str, int], ...]]
MONTHLY_STAFF = tuple((m, "Partnership team salaries and on-costs (council recharge)", 1)
                      for m in range(12))
WSCP_LINES: tuple[Line, ...] = (
    ("Business unit staffing", 268_000, 8_000, MONTHLY_STAFF),
    ("Independent scrutiny", 38_000, 1_000,
     ((2, "Independent scrutineer: first quarter's days", 1),
      (5, "Independent scrutineer: second quarter's days", 1),
      (8, "Independent scrutineer: third quarter's days", 1),
      (11, "Independent scrutineer: fourth quarter's days", 1))),
    ("Case reviews", 45_000, 3_500,
     ((1, "Independent reviewer: local review, scoping and chronology", 3),
      (4, "Independent reviewer: local review, practitioner events", 4),
      (7, "Independent reviewer: local review, final report", 3),
      (9, "Rapid review panel: independent chairing", 2))),
    ("Multi-agency training programme", 32_000, 1_000,
     ((0, "E-learning licence for partner agencies", 3),
      (3, "Trainers: neglect and the graded care profile", 2),
      (6, "Trainers: child exploitation and contextual safeguarding", 2),
      (10, "Venue hire and catering for the annual conference", 2))),
    ("Data, systems and website", 18_000, 500,
     ((0, "Case review and action tracking system licence", 5),
      (0, "Website hosting and accessibility audit", 2),
      (8, "Dataset dashboard development", 2))),
    ("Engagement with children and families", 8_000, 1_000,
     ((4, "Youth participation sessions with the young people's forum", 2),
      (9, "Family feedback survey and interpreting", 1))),
)
IOM_LINES: tuple[Line, ...] = (
    ("Business unit staffing", 78_000, 2_000, MONTHLY_STAFF),
    ("Independent scrutiny", 14_000, 500,
     ((5, "Independent scrutineer: half-year's days", 1),
      (11, "Independent scrutineer: half-year's days", 1))),
    ("Case reviews", 16_000, 1_000,
     ((3, "Independent reviewer: rapid review and local review scoping", 1),
      (8, "Independent reviewer: local review report", 1))),
    ("Multi-agency training programme", 9_000, 500,
     ((2, "Trainers: safeguarding children on the island", 1),
      (7, "E-learning licence for partner agencies", 1))),
    ("Data, systems and website", 4_000, 200, ((0, "Website hosting and updates", 1),)),
)
# How much of each line is spent in a complete year (a little under, some over).
SPENT_SHARE = (Decimal("0.985"), Decimal("1.02"), Decimal("0.93"), Decimal("0.97"),
               Decimal("1.0"), Decimal("0.88"))

# Grants and other income: months after the year starts, source, kind, what, amount.
WSCP_OTHER = (
    (5, "Wessexshire Schools Forum", IncomeKind.OTHER,
     "Schools' contribution to the training programme", 12_000),
    (8, "Department for Education", IncomeKind.GRANT,
     "Grant towards implementing the multi-agency child protection teams", 10_000),
    (11, "Course fees", IncomeKind.OTHER,
     "Places on partnership courses sold to independent providers", 2_650),
)
IOM_OTHER = ((6, "Merrow Link Ferries", IncomeKind.OTHER,
              "Sponsorship of the island's safeguarding week", 1_500),)

# In kind: agency name, what it gave, estimated value in the first year (then +3% a year).
WSCP_IN_KIND = (
    ("Wessexshire County Council, Children and Families",
     "Office space, IT and finance support for the partnership team", 18_000),
    ("Wessexshire Constabulary", "A seconded analyst, two days a week", 21_500),
    ("NHS Wessexshire and Merrow Integrated Care Board",
     "Designated professionals' time on case reviews and training", 12_000),
    ("Wessexshire and Merrow Fire and Rescue Service",
     "Meeting and training rooms at Wessexbury fire station", 4_200),
)
IOM_IN_KIND = (
    ("Isle of Merrow NHS Trust", "Training rooms at the hospital education centre", 2_500),
    ("Isle of Merrow Council, Children's Services", "Office space for the partnership team",
     3_000),
)


def _on(year: int, month: int, months_after: int, day_of_month: int = 15) -> dt.date:
    first = year_span(year, month)[0]
    return add_months(first, months_after).replace(day=day_of_month)


def _pounds(amount: int | Decimal) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def _agencies(partnership: Partnership, keys: dict[str, str | None]) -> dict[str, Agency]:
    found = {}
    for key, name in keys.items():
        query = sa.select(Agency).where(Agency.partnership_id == partnership.id)
        query = (query.where(Agency.name.like("Office of the Police and Crime Commissioner%"))
                 if name is None else query.where(Agency.name == name))
        found[key] = db.session.scalars(query).one()
    return found


def _agreed(agencies: dict[str, Agency], amounts: dict[str, tuple[str, str, str]],
            years: list[int]) -> dict[str, dict[int, Decimal]]:
    """Each contributor's agreed amount per year: the register's, or for a year it does not
    cover, the nearest year's (recorded in the register, where agreed contributions live)."""
    agreed: dict[str, dict[int, Decimal]] = {}
    for key, by_year in amounts.items():
        agency = agencies[key]
        held = {c.year: c.amount for c in agency.contributions}
        registered = dict(zip(CONTRIBUTION_YEARS, by_year, strict=True))
        for year in years:
            if year not in held:
                nearest = min(registered, key=lambda y: abs(y - year))
                held[year] = _pounds(Decimal(registered[nearest]))
                agency.contributions.append(Contribution(year=year, amount=held[year]))
        agreed[key] = {year: Decimal(held[year]) for year in years}
    return agreed


def _counts_under(partnership: Partnership, agencies: dict[str, Agency],
                  kinds: dict[str, PartnerKind]) -> None:
    partners = {p.kind: p for p in partnership.partners}
    for key, agency in agencies.items():
        kind = kinds.get(key)
        db.session.add(ContributorPartner(
            partnership=partnership, agency=agency,
            partner_id=partners[kind].id if kind is not None else None))


def _receipts(partnership: Partnership, agencies: dict[str, Agency],
              agreed: dict[str, dict[int, Decimal]], year: int, today: dt.date,
              other: tuple[tuple[int, str, IncomeKind, str, int], ...]) -> int:
    month, added = partnership.year_start_month, 0
    for key, by_year in agreed.items():
        instalments = PAID_IN_MONTHS[key]
        share = _pounds(by_year[year] / len(instalments))
        for n, months_after in enumerate(instalments):
            day = _on(year, month, months_after, 10 + n)
            if day > today:
                continue
            amount = share if n < len(instalments) - 1 else by_year[year] - share * n
            db.session.add(Receipt(partnership=partnership, year=year,
                                   kind=IncomeKind.CONTRIBUTION, agency=agencies[key],
                                   received_on=day, amount=amount,
                                   description=f"Contribution {n + 1} of {len(instalments)}"
                                   if len(instalments) > 1 else "Contribution in full"))
            added += 1
    for months_after, source, kind, what, amount in other:
        day = _on(year, month, months_after, 20)
        if day <= today:
            db.session.add(Receipt(partnership=partnership, year=year, kind=kind, source=source,
                                   received_on=day, description=what, amount=_pounds(amount)))
            added += 1
    return added


def _lines(partnership: Partnership, year: int, first_year: int, today: dt.date,
           lines: tuple[Line, ...]) -> int:
    month, added = partnership.year_start_month, 0
    for position, (heading, amount, rise, payments) in enumerate(lines, start=1):
        budget = _pounds(amount + rise * (year - first_year))
        line = BudgetLine(partnership=partnership, year=year, heading=heading, amount=budget,
                          position=position)
        db.session.add(line)
        spend = budget * SPENT_SHARE[(position + year) % len(SPENT_SHARE)]
        parts = sum(share for _, _, share in payments)
        paid = Decimal(0)
        for n, (months_after, what, share) in enumerate(payments):
            amount_paid = (_pounds(spend * share / parts) if n < len(payments) - 1
                           else _pounds(spend - paid))
            paid += amount_paid
            day = _on(year, month, months_after, 25)
            if day > today:
                continue
            db.session.add(Spending(partnership=partnership, line=line, spent_on=day,
                                    description=what, amount=amount_paid))
            added += 1
    return added


def _in_kind(partnership: Partnership, year: int, first_year: int,
             given: tuple[tuple[str, str, int], ...]) -> None:
    for name, what, value in given:
        agency = db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == partnership.id, Agency.name == name)).one()
        grown = Decimal(value) * Decimal("1.03") ** (year - first_year)
        db.session.add(InKind(partnership=partnership, year=year, agency=agency,
                              description=what, value=_pounds(round(grown, -2))))


def _sign(statement: BudgetStatement, partner: StatutoryPartner, day: dt.date) -> None:
    """Sign the statement as it reads now for one partner, by its delegated partner of the
    day (back-dated: the demo's history happened before it was loaded)."""
    posts = partner.representatives_on(day)
    post = next((p for p in posts if p.capacity is Capacity.DELEGATED), None) or posts[0]
    draft = workflow.draft_of(statement, day)
    workflow.keep_content(document_for(DocumentKind.BUDGET), draft.content, draft.digest)
    db.session.add(Signature(
        document=DocumentKind.BUDGET, version_id=statement.id,
        partnership_id=statement.partnership_id, partner=partner, user_id=post.person.user_id,
        signed_by=post.person.name[:120],
        role=(post.title or post.person.job_title or "Safeguarding partner")[:200],
        signed_at=dt.datetime.combine(day, dt.time(11), tzinfo=dt.UTC), digest=draft.digest,
        comment="", deputy_for=""))
    db.session.flush()
    db.session.expire(statement, ["sign_offs"])


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= DAY
    return day


def _statements(partnership: Partnership, years: list[int], today: dt.date) -> int:
    """Publish the last complete year's statement (if the partners have had time to sign it)
    and open the current year's round, signed by the local authority so far."""
    last_complete, current = years[-2], years[-1]
    published_on = _weekday(year_span(last_complete, partnership.year_start_month)[1]
                            + 70 * DAY)
    partners = partners_in_order(partnership)
    made = 0
    if published_on <= today - 7 * DAY:
        statement = BudgetStatement(
            partnership=partnership, year=last_complete, status=PublicationStatus.DRAFT,
            title=default_title(partnership, last_complete),
            created_at=dt.datetime.combine(published_on - 30 * DAY, dt.time(9), tzinfo=dt.UTC))
        db.session.add(statement)
        db.session.flush()
        for index, partner in enumerate(partners):
            _sign(statement, partner, _weekday(published_on - (20 - 6 * index) * DAY))
        workflow.publish(statement, published_on, file_now=True)
        made += 1
    opened = max(today - 12 * DAY, year_span(current, partnership.year_start_month)[0])
    draft = BudgetStatement(partnership=partnership, year=current,
                            status=PublicationStatus.DRAFT,
                            title=default_title(partnership, current),
                            created_at=dt.datetime.combine(opened, dt.time(9), tzinfo=dt.UTC))
    db.session.add(draft)
    db.session.flush()
    _sign(draft, partners[0], max(opened, today - 5 * DAY))
    return made + 1


def _budget(partnership: Partnership, keys: dict[str, str | None],
            amounts: dict[str, tuple[str, str, str]], kinds: dict[str, PartnerKind],
            lines: tuple[Line, ...], other: tuple[tuple[int, str, IncomeKind, str, int], ...],
            given: tuple[tuple[str, str, int], ...], today: dt.date) -> dict[str, int]:
    now = current_year(partnership, today)
    years = [now - 2, now - 1, now]
    agencies = _agencies(partnership, keys)
    agreed = _agreed(agencies, amounts, years)
    _counts_under(partnership, agencies, kinds)
    receipts = payments = 0
    for year in years:
        receipts += _receipts(partnership, agencies, agreed, year, today, other)
        payments += _lines(partnership, year, years[0], today, lines)
        _in_kind(partnership, year, years[0], given)
    db.session.flush()
    return {"receipts": receipts, "payments": payments}


def load_demo_funding(today: dt.date | None = None) -> dict[str, int]:
    """Record the county's and the island's budgets, publish the county's statement for the
    last complete year and open the current year's round."""
    today = today or clock.today()
    by_slug = {p.slug: p for p in db.session.scalars(
        sa.select(Partnership).where(Partnership.slug.in_(("wscp", "imscp"))))}
    if set(by_slug) != {"wscp", "imscp"}:
        return {}
    county = by_slug["wscp"]
    counts = _budget(county, WSCP_AGENCY_KEYS, WSCP_CONTRIBUTIONS, WSCP_PARTNERS, WSCP_LINES,
                     WSCP_OTHER, WSCP_IN_KIND, today)
    island = _budget(by_slug["imscp"], IOM_AGENCY_KEYS, IOM_CONTRIBUTIONS, IOM_PARTNERS,
                     IOM_LINES, IOM_OTHER, IOM_IN_KIND, today)
    now = current_year(county, today)
    statements = _statements(county, [now - 2, now - 1, now], today)
    return {"budget receipts": counts["receipts"] + island["receipts"],
            "budget payments": counts["payments"] + island["payments"],
            "budget statements": statements}


def load_synthetic_funding(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give each synthetic partnership a small budget for three years: its first three
    agencies are its partners' own organisations and every agency contributes."""
    today = today or clock.today()
    receipts = payments = 0
    for partnership in db.session.scalars(
            sa.select(Partnership).where(Partnership.slug.like("synthetic-%"))
            .order_by(Partnership.id)).all()[:scale]:
        agencies = list(db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == partnership.id).order_by(Agency.name)))
        if len(agencies) < 3 or len(partnership.partners) != 3:
            continue
        now = current_year(partnership, today)
        partners = {p.kind: p for p in partnership.partners}
        for index, agency in enumerate(agencies):
            kind = list(PartnerKind)[index] if index < 3 else None
            db.session.add(ContributorPartner(
                partnership=partnership, agency=agency,
                partner_id=partners[kind].id if kind is not None else None))
        for year in (now - 2, now - 1, now):
            for index, agency in enumerate(agencies):
                amount = _pounds((90_000, 45_000, 25_000)[index] if index < 3 else 2_500)
                db.session.add(Contribution(agency=agency, year=year, amount=amount))
                day = _on(year, partnership.year_start_month, 2 + index % 6, 12)
                if day <= today:
                    db.session.add(Receipt(partnership=partnership, year=year,
                                           kind=IncomeKind.CONTRIBUTION, agency=agency,
                                           received_on=day, amount=amount))
                    receipts += 1
            payments += _lines(partnership, year, now - 2, today, IOM_LINES)
    db.session.flush()
    return {"synthetic budget receipts": receipts, "synthetic budget payments": payments}
