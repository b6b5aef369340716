"""The escalations log: the rules of an escalation, the list and its summary, and the figures
the yearly report and the scrutineer read.

Time to resolve is counted in **working days** (Monday to Friday, bank holidays in England
left out), as escalation policies set their timescales ("a response within 5 working days
at each stage"). :func:`days_to_resolve` is the one place it is worked out; it is never stored.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, url_for
from sqlalchemy.orm import selectinload

from partnership import clock
from partnership.editing import apply_edit
from partnership.escalations.models import Escalation, EscalationStage, escalation_agency
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, working_days_between
from partnership.kernel.errors import DomainError
from partnership.policy import Role, readable, scope
from partnership.register.models import Agency, Partnership


class EscalationError(DomainError):
    """An escalation that breaks one of the log's rules; the message is for the user."""

    def __init__(self, message: str, field: str | None = None,
                 problems: Sequence[DomainError] = ()) -> None:
        super().__init__(message, field)
        self.problems = list(problems)


# --- the one rule for time to resolve ---------------------------------------------------------


def days_to_resolve(escalation: Any) -> int | None:
    """Return the working days from raising an escalation to resolving it (None while open).

    Resolved the day it was raised is 0; raised on a Friday and resolved on the Monday is 1.
    """
    if escalation.resolved_on is None:
        return None
    return working_days_between(escalation.raised_on, escalation.resolved_on)


def is_open(escalation: Any, on: dt.date | None = None) -> bool:
    """Say whether an escalation was still open on a day (today by default)."""
    day = on or clock.today()
    return escalation.raised_on <= day and (escalation.resolved_on is None
                                            or escalation.resolved_on > day)


# --- themes ---------------------------------------------------------------------------------


def configured_themes() -> list[str]:
    """Return the themes an escalation may be tagged with (the ESCALATION_THEMES setting)."""
    return list(current_app.config.get("ESCALATION_THEMES") or [])


def theme_choices(escalation: Escalation | None = None) -> list[str]:
    """The themes to offer: the setting's, then any the escalation kept that it no longer has."""
    themes = configured_themes()
    kept = [theme for theme in (escalation.themes if escalation else []) or []
            if theme not in themes]
    return themes + kept


# --- finding escalations --------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationFilter:
    """Which escalations the log lists."""

    status: str = ""  # "", "open" or "resolved"
    stage: EscalationStage | None = None
    theme: str = ""
    agency_id: int | None = None
    year: int | None = None  # the reporting year it was raised in

    @property
    def filtered(self) -> bool:
        """Say whether any filter is set."""
        return bool(self.status or self.stage or self.theme or self.agency_id or self.year)


def escalation_or_404(partnership: Partnership, escalation_id: int) -> Escalation:
    """Return one of the partnership's escalations, or answer 404."""
    escalation = db.session.scalars(
        sa.select(Escalation).where(Escalation.id == escalation_id,
                                    Escalation.partnership_id == partnership.id)
        .options(selectinload(Escalation.other_agencies))).one_or_none()
    if escalation is None:
        abort(404)
    return escalation


def _involving(agency_id: int) -> sa.ColumnElement[bool]:
    others = sa.select(escalation_agency.c.escalation_id).where(
        escalation_agency.c.agency_id == agency_id)
    return sa.or_(Escalation.raised_by_id == agency_id, Escalation.raised_with_id == agency_id,
                  Escalation.id.in_(others))


def escalations_of(partnership: Partnership, flt: EscalationFilter | None = None,
                   on: dt.date | None = None) -> list[Escalation]:
    """List the partnership's escalations the reader may see, newest first, filtered."""
    flt = flt or EscalationFilter()
    day = on or clock.today()
    query = (sa.select(Escalation)
             .where(Escalation.partnership_id == partnership.id, readable(Escalation))
             .options(selectinload(Escalation.other_agencies),
                      selectinload(Escalation.raised_by), selectinload(Escalation.raised_with))
             .order_by(Escalation.raised_on.desc(), Escalation.id.desc()))
    if flt.stage is not None:
        query = query.where(Escalation.stage == flt.stage)
    if flt.agency_id is not None:
        query = query.where(_involving(flt.agency_id))
    if flt.status == "open":
        query = query.where(sa.or_(Escalation.resolved_on.is_(None),
                                   Escalation.resolved_on > day))
    elif flt.status == "resolved":
        query = query.where(Escalation.resolved_on <= day)
    rows = list(db.session.scalars(query))
    if flt.year is not None:
        month = partnership.year_start_month
        rows = [row for row in rows if reporting_year(row.raised_on, month) == flt.year]
    if flt.theme:  # themes are a JSON list: filtered here, the same way on every database
        rows = [row for row in rows if flt.theme in (row.themes or [])]
    return rows


def agency_options(partnership: Partnership) -> list[Agency]:
    """The agencies an escalation may name: the partnership's own (groups left out)."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)).order_by(Agency.name)))


def year_options(partnership: Partnership) -> list[int]:
    """The reporting years the partnership's escalations were raised in, latest first."""
    days = db.session.scalars(sa.select(Escalation.raised_on).where(
        Escalation.partnership_id == partnership.id, readable(Escalation)))
    month = partnership.year_start_month
    return sorted({reporting_year(day, month) for day in days}, reverse=True)


# --- the summary panel ----------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationSummary:
    """How many escalations, how far they went, their themes and how long they took."""

    total: int
    open: int
    resolved: int
    by_stage: list[tuple[str, int]]  # every stage in order, with its count
    by_theme: list[tuple[str, int]]  # the themes used, most frequent first
    median_days: float | None  # working days to resolve, over the resolved ones
    longest_days: int | None
    open_oldest: list[Escalation] = field(default_factory=list)


def summarise(escalations: Iterable[Escalation], on: dt.date | None = None) -> EscalationSummary:
    """Count escalations by stage and theme, the open ones, and the median time to resolve."""
    rows = list(escalations)
    day = on or clock.today()
    stages = Counter(row.stage for row in rows)
    themes: Counter[str] = Counter(theme for row in rows for theme in row.themes or [])
    days = [d for d in (days_to_resolve(row) for row in rows
                        if row.resolved_on is not None and row.resolved_on <= day)
            if d is not None]
    still = sorted((row for row in rows if is_open(row, day)), key=lambda row: row.raised_on)
    return EscalationSummary(
        total=len(rows), open=len(still), resolved=len(days),
        by_stage=[(stage.label, stages[stage]) for stage in EscalationStage],
        by_theme=sorted(themes.items(), key=lambda item: (-item[1], item[0])),
        median_days=statistics.median(days) if days else None,
        longest_days=max(days) if days else None, open_oldest=still)


def days_words(days: float) -> str:
    """Say a number of working days: "1 working day", "2.5 working days"."""
    shown = f"{days:g}" if days != int(days) else f"{int(days):,}"
    return f"{shown} working day{'' if days == 1 else 's'}"


# --- recording ------------------------------------------------------------------------------


def escalation_problems(partnership: Partnership, values: Mapping[str, Any], user: Any,
                        escalation: Escalation | None = None) -> list[DomainError]:
    """Return every rule the escalation's values break."""
    problems: list[DomainError] = []
    today = clock.today()
    raised_on, resolved_on = values.get("raised_on"), values.get("resolved_on")
    if raised_on is not None and raised_on > today:
        problems.append(DomainError("The date it was raised must be today or in the past",
                                    "raised_on"))
    if resolved_on is not None:
        if raised_on is not None and resolved_on < raised_on:
            problems.append(DomainError(
                "The date it was resolved must be the same as or after the date it was raised",
                "resolved_on"))
        elif resolved_on > today:
            problems.append(DomainError("The date it was resolved must be today or in the past",
                                        "resolved_on"))
        if not (values.get("resolution") or "").strip():
            problems.append(DomainError("Say how it was resolved", "resolution"))
    elif (values.get("resolution") or "").strip():
        problems.append(DomainError("Enter the date it was resolved, or leave the resolution "
                                    "blank while it is open", "resolved_on"))
    by, with_ = values.get("raised_by"), values.get("raised_with")
    for name, agency in (("raised_by", by), ("raised_with", with_)):
        if agency is not None and agency.partnership_id != partnership.id:
            problems.append(DomainError(f"Select one of {partnership.name}'s agencies", name))
    if by is not None and with_ is not None and by.id == with_.id:
        problems.append(DomainError("An escalation is between two agencies: choose a "
                                    "different agency it was raised with", "raised_with"))
    others = values.get("other_agencies") or []
    if any(agency.partnership_id != partnership.id for agency in others):
        problems.append(DomainError(f"Select {partnership.name}'s agencies only",
                                    "other_agencies"))
    allowed = set(theme_choices(escalation))
    if any(theme not in allowed for theme in values.get("themes") or []):
        problems.append(DomainError("Select themes from the list", "themes"))
    if getattr(user, "role", None) is Role.AGENCY:
        mine = scope(user).agency_id
        parties = {a.id for a in (by, with_, *others) if a is not None}
        if mine is None or mine not in parties:
            problems.append(DomainError(
                "You can record escalations your own agency is party to: choose it as the "
                "agency that raised it, the agency it was raised with, or another agency "
                "involved", "raised_by"))
    return problems


def _check(problems: list[DomainError]) -> None:
    if problems:
        first = problems[0]
        raise EscalationError(first.message, first.field, problems)


def create_escalation(partnership: Partnership, values: Mapping[str, Any],
                      user: Any) -> Escalation:
    """Log an escalation, or raise an EscalationError naming each field at fault."""
    _check(escalation_problems(partnership, values, user))
    escalation = Escalation(partnership=partnership, **values)
    db.session.add(escalation)
    db.session.flush()
    return escalation


def update_escalation(escalation: Escalation, started_from: object, values: Mapping[str, Any],
                      user: Any) -> bool:
    """Change an escalation if the rules allow and the editor saw its current version."""
    _check(escalation_problems(escalation.partnership, values, user, escalation))
    return apply_edit(escalation, started_from, values)


# --- the yearly report and the scrutineer -----------------------------------------------------


@dataclass(frozen=True)
class EscalationReport:
    """The escalations of a period, as the yearly report reads them (plain values only).

    Counted over the escalations raised in the period (``raised``), except the time to
    resolve (those resolved in the period) and ``open_at_end`` (raised on or before the
    period's end and not resolved by then, whenever raised).
    """

    raised: int
    resolved: int
    open_at_end: int
    by_stage: list[tuple[str, int]]
    by_theme: list[tuple[str, int]]
    median_days: float | None  # working days, over the escalations resolved in the period
    learning: list[str]  # the learning recorded on escalations resolved in the period
    link: str


def escalations_for_report(partnership_id: int, start: dt.date, end: dt.date
                           ) -> EscalationReport:
    """Sum up the partnership's escalations for a period: counts by stage and theme, the
    median working days to resolve, those open at the period's end, and the learning."""
    rows = list(db.session.scalars(
        sa.select(Escalation).where(Escalation.partnership_id == partnership_id,
                                    Escalation.raised_on <= end,
                                    sa.or_(Escalation.resolved_on.is_(None),
                                           Escalation.resolved_on >= start))
        .order_by(Escalation.raised_on, Escalation.id)))
    raised = [row for row in rows if start <= row.raised_on]
    resolved = [row for row in rows
                if row.resolved_on is not None and start <= row.resolved_on <= end]
    stages = Counter(row.stage for row in raised)
    themes: Counter[str] = Counter(theme for row in raised for theme in row.themes or [])
    days = [d for d in map(days_to_resolve, resolved) if d is not None]
    slug = db.session.scalar(sa.select(Partnership.slug).where(Partnership.id == partnership_id))
    return EscalationReport(
        raised=len(raised), resolved=len(resolved),
        open_at_end=sum(1 for row in rows if is_open(row, end)),
        by_stage=[(stage.label, stages[stage]) for stage in EscalationStage if stages[stage]],
        by_theme=sorted(themes.items(), key=lambda item: (-item[1], item[0])),
        median_days=statistics.median(days) if days else None,
        learning=[row.learning.strip() for row in resolved if row.learning.strip()],
        link=url_for("escalations.index", slug=slug) if slug else "")
