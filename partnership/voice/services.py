"""The voice register: the rules of an engagement, the list, what came of each one, and the
entries the yearly report reads.

An engagement belongs to a period when it was held in it: it started on or before the
period's end and ended (or, with no end date, started) on or after its start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, url_for

from partnership import clock
from partnership.actions.models import Action, Status
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.errors import DomainError
from partnership.policy import readable
from partnership.register.models import Agency, Body, Partnership
from partnership.register.services.bodies import bodies_of, takes_part_in
from partnership.scrutiny.models import ScrutinyActivity, scrutiny_activity_engagement
from partnership.voice.models import Engagement, EngagementKind

ACTION_TITLE = "Act on what we heard: {title}"


class EngagementError(DomainError):
    """An engagement that breaks one of the register's rules; the message is for the user."""


# --- finding engagements --------------------------------------------------------------------


def engagement_or_404(partnership: Partnership, engagement_id: int) -> Engagement:
    """Return one of the partnership's engagements, or answer 404."""
    engagement = db.session.scalars(sa.select(Engagement).where(
        Engagement.id == engagement_id, Engagement.partnership_id == partnership.id,
        readable(Engagement))).one_or_none()
    if engagement is None:
        abort(404)
    return engagement


def _held_between(start: dt.date, end: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(Engagement.held_from <= end,
                   sa.func.coalesce(Engagement.held_to, Engagement.held_from) >= start)


def engagements_of(partnership: Partnership, kind: EngagementKind | None = None,
                   year: int | None = None) -> list[Engagement]:
    """List the partnership's engagements, latest first: of one kind, held in a reporting year."""
    query = (sa.select(Engagement)
             .where(Engagement.partnership_id == partnership.id, readable(Engagement))
             .order_by(Engagement.held_from.desc(), Engagement.id.desc()))
    if kind is not None:
        query = query.where(Engagement.kind == kind)
    if year is not None:
        query = query.where(_held_between(*year_span(year, partnership.year_start_month)))
    return list(db.session.scalars(query))


def year_options(partnership: Partnership) -> list[int]:
    """The reporting years the partnership's engagements started in, latest first."""
    days = db.session.scalars(sa.select(Engagement.held_from).where(
        Engagement.partnership_id == partnership.id, readable(Engagement)))
    month = partnership.year_start_month
    return sorted({reporting_year(day, month) for day in days}, reverse=True)


def agency_options(partnership: Partnership) -> list[Agency]:
    """The agencies that may lead an engagement: the partnership's own (groups left out)."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)).order_by(Agency.name)))


def body_options(partnership: Partnership) -> list[Body]:
    """The groups that may commission an engagement: every body the partnership takes part in."""
    return bodies_of(partnership)


def actions_of(engagement: Engagement) -> list[Action]:
    """The actions that came of an engagement, oldest first."""
    return list(db.session.scalars(
        sa.select(Action).where(Action.engagement_id == engagement.id, readable(Action))
        .order_by(Action.created_at, Action.id)))


def activities_of(engagement: Engagement) -> list[ScrutinyActivity]:
    """The scrutiny activities that drew on an engagement."""
    drew = sa.select(scrutiny_activity_engagement.c.activity_id).where(
        scrutiny_activity_engagement.c.engagement_id == engagement.id)
    return list(db.session.scalars(
        sa.select(ScrutinyActivity).where(ScrutinyActivity.id.in_(drew),
                                          readable(ScrutinyActivity))
        .order_by(ScrutinyActivity.planned_start, ScrutinyActivity.id)))


# --- recording ------------------------------------------------------------------------------


def engagement_problems(partnership: Partnership, values: Mapping[str, Any]) -> list[DomainError]:
    """Return every rule the engagement's values break."""
    problems: list[DomainError] = []
    held_from, held_to = values.get("held_from"), values.get("held_to")
    if held_from is not None and held_to is not None and held_to < held_from:
        problems.append(EngagementError(
            "The end date must be the same as or after the start date", "held_to"))
    if held_from is not None and held_from > clock.today():
        problems.append(EngagementError(
            "The start date must be today or in the past: record an engagement once it has "
            "begun", "held_from"))
    agency: Agency | None = values.get("led_by")
    if agency is not None and agency.partnership_id != partnership.id:
        problems.append(EngagementError(f"Select one of {partnership.name}'s agencies",
                                        "led_by"))
    body: Body | None = values.get("body")
    if body is not None and not takes_part_in(partnership, body):
        problems.append(EngagementError(f"Select one of {partnership.name}'s groups", "body"))
    how_many = values.get("how_many")
    if how_many is not None and how_many < 1:
        problems.append(EngagementError("How many took part must be 1 or more, or left blank",
                                        "how_many"))
    return problems


def _check(problems: list[DomainError]) -> None:
    for problem in problems:
        raise problem


def create_engagement(partnership: Partnership, values: Mapping[str, Any]) -> Engagement:
    """Add an engagement, or raise an EngagementError naming the field at fault."""
    _check(engagement_problems(partnership, values))
    engagement = Engagement(partnership=partnership, **values)
    db.session.add(engagement)
    db.session.flush()
    return engagement


def update_engagement(engagement: Engagement, started_from: object,
                      values: Mapping[str, Any]) -> bool:
    """Change an engagement if the rules allow and the editor saw its current version."""
    _check(engagement_problems(engagement.partnership, values))
    return apply_edit(engagement, started_from, values)


def action_values(engagement: Engagement) -> dict[str, Any]:
    """What a new action taken from an engagement starts with: the tracker's create service
    takes these (the view links the action back to the engagement)."""
    detail = "\n\n".join(part for part in (
        f"What {engagement.who} told us: {engagement.what_said}" if engagement.what_said else "",
        f"What has changed so far: {engagement.what_changed}" if engagement.what_changed else "",
    ) if part)
    return {"title": ACTION_TITLE.format(title=engagement.title)[:300], "detail": detail,
            "body": engagement.body, "lead_agency": engagement.led_by,
            "status": Status.NOT_STARTED}


# --- the yearly report ----------------------------------------------------------------------


@dataclass(frozen=True)
class EngagementAction:
    """An action that came of an engagement, as the report names it."""

    action_id: int  # for the report to judge the action as at its own day
    title: str
    status: str  # the status label as the action stands now
    link: str


@dataclass(frozen=True)
class EngagementSummary:
    """An engagement held in the period, as the yearly report reads it (plain values only)."""

    title: str
    kind: str  # the kind's label
    held_from: str  # ISO date
    held_to: str | None
    who: str
    how_many: int | None
    led_by: str
    commissioned_by: str
    what_said: str
    what_changed: str
    actions: list[EngagementAction]
    link: str


def engagements_for_report(partnership_id: int, start: dt.date, end: dt.date
                           ) -> list[EngagementSummary]:
    """The engagements held in the period (oldest first), with the actions that came of each."""
    rows = list(db.session.scalars(
        sa.select(Engagement).where(Engagement.partnership_id == partnership_id,
                                    _held_between(start, end))
        .order_by(Engagement.held_from, Engagement.id)))
    actions: dict[int, list[Action]] = {}
    if rows:
        for action in db.session.scalars(
                sa.select(Action).where(Action.engagement_id.in_([row.id for row in rows]))
                .order_by(Action.created_at, Action.id)):
            actions.setdefault(action.engagement_id or 0, []).append(action)
    slug = db.session.scalar(sa.select(Partnership.slug).where(Partnership.id == partnership_id))
    return [EngagementSummary(
        title=row.title, kind=row.kind.label, held_from=row.held_from.isoformat(),
        held_to=row.held_to.isoformat() if row.held_to else None, who=row.who,
        how_many=row.how_many, led_by=row.led_by.name if row.led_by else "",
        commissioned_by=row.body.name if row.body else "", what_said=row.what_said,
        what_changed=row.what_changed,
        actions=[EngagementAction(action_id=action.id, title=action.title,
                                  status=action.status.label,
                                  link=url_for("actions.detail", action_id=action.id))
                 for action in actions.get(row.id, [])],
        link=url_for("voice.detail", slug=slug, engagement_id=row.id) if slug else "")
        for row in rows]
