"""Records the tests of entering and importing figures share (this module holds no tests): a
partnership with two agencies, indicators, and users of the team and of an agency."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.dataset.models import (
    Breakdown,
    Dimension,
    Frequency,
    Indicator,
    IndicatorValue,
    Polarity,
    Subject,
    Unit,
    ValueStatus,
)
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership, Person
from tests.conftest import PASSWORD
from tests.register.records import add_agency, add_area
from tests.support.client import BrowserLikeClient

SLUG = "eastvale"
BASE = f"/partnerships/{SLUG}/dataset"
Q2 = dt.date(2025, 7, 1)  # Q2 2025-26


def world(app: Flask) -> dict[str, int]:
    """A partnership with the council (children's social care) and the police."""
    ids = {"partnership": add_area(app, SLUG, "Eastvale Partnership")}
    ids["council"] = add_agency(app, SLUG, "Eastvale Council")
    ids["police"] = add_agency(app, SLUG, "Eastvale Police")
    return ids


def add_indicator(app: Flask, reference: str, agency_id: int | None, *,
                  unit: Unit = Unit.COUNT, frequency: Frequency = Frequency.QUARTERLY,
                  breakdowns: Iterable[tuple[Dimension, Subject]] = (),
                  name: str | None = None) -> int:
    """Add an indicator of the Eastvale dataset; return its id."""
    with app.app_context(), acting_as("tests"):
        partnership = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug == SLUG)).one()
        indicator = Indicator(partnership=partnership, reference=reference,
                              name=name or f"Indicator {reference}", unit=unit,
                              polarity=Polarity.LOWER, frequency=frequency,
                              source_agency_id=agency_id)
        for dimension, subject in breakdowns:
            indicator.breakdowns.append(Breakdown(dimension=dimension, subject=subject))
        db.session.add(indicator)
        db.session.commit()
        return indicator.id


def add_value(app: Flask, indicator_id: int, start: dt.date, number: int, *,
              dimension: Dimension = Dimension.TOTAL, subject: Subject = Subject.CHILDREN,
              category: str = "", status: ValueStatus = ValueStatus.PROVISIONAL,
              approved: bool = False, denominator: int | None = None) -> int:
    """Save one value directly; return its id."""
    with app.app_context(), acting_as("tests"):
        value = IndicatorValue(indicator_id=indicator_id, period_start=start,
                               dimension=dimension, subject=subject, category=category,
                               number=Decimal(number), status=status,
                               denominator=None if denominator is None else Decimal(denominator),
                               approved_on=dt.date(2025, 11, 1) if approved else None)
        db.session.add(value)
        db.session.commit()
        return value.id


def agency_user(app: Flask, make_user: Callable[..., User], agency_id: int,
                name: str = "Ann Analyst") -> BrowserLikeClient:
    """Sign in an agency lead who works for the agency."""
    user = make_user(Role.AGENCY, name=name)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name=name, agency_id=agency_id, user_id=user.id))
        db.session.commit()
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    client.user = user  # type: ignore[attr-defined]
    return client


def values_of(app: Flask, indicator_id: int | None = None) -> list[tuple[Any, ...]]:
    """Every saved value as (reference, period, dimension, subject, category, number, status,
    approved)."""
    with app.app_context():
        query = (sa.select(Indicator.reference, IndicatorValue.period_start,
                           IndicatorValue.dimension, IndicatorValue.subject,
                           IndicatorValue.category, IndicatorValue.number,
                           IndicatorValue.status, IndicatorValue.approved_on)
                 .join(Indicator).order_by(IndicatorValue.id))
        if indicator_id is not None:
            query = query.where(IndicatorValue.indicator_id == indicator_id)
        return [tuple(row) for row in db.session.execute(query)]


def xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook whose first sheet holds the rows (the first is the headings)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV file of the rows."""
    return "\n".join(",".join("" if v is None else str(v) for v in row)
                     for row in rows).encode()
