"""The hub's work: partner organisations and memoranda, taking a referral (refused with the
reason when the organisation has no memorandum in force), routing it to forces and
partnerships, their answers, closing it; the board of what is waiting on whom (a fixed number
of SQL statements) and the report with its workbook.

Every list reads only what the reader may see (``readable``: the policy's view rule in SQL).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import joinedload, selectinload

from partnership import clock
from partnership.documents.spreadsheets import Sheet, workbook
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.errors import DomainError, Refused
from partnership.policy import Role, can, readable, scope
from partnership.referrals.models import (
    ComplexityReason,
    Memorandum,
    MemorandumStatus,
    Outcome,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralRoute,
    RouteKind,
    Urgency,
)
from partnership.referrals.rules import (
    HUB,
    Status,
    Waiting,
    acknowledgement_clock,
    decision_clock,
    status_of,
    waiting_for,
)
from partnership.register.models import Agency, Partnership, Sector


class ReferralError(DomainError):
    """A step the hub's rules refuse; the message is for the user."""


# --- settings ---------------------------------------------------------------------------------


def referral_types() -> list[str]:
    """The kinds of referral a memorandum may cover (the REFERRAL_TYPES setting)."""
    return list(current_app.config.get("REFERRAL_TYPES") or [])


def natures() -> list[str]:
    """The natures a referral may have (the REFERRAL_NATURES setting)."""
    return list(current_app.config.get("REFERRAL_NATURES") or [])


def kept(configured: Sequence[str], stored: Iterable[str] | None) -> list[str]:
    """The setting's words, then any a record kept that the setting no longer has."""
    return list(configured) + [word for word in stored or [] if word not in configured]


# --- partner organisations and memoranda -------------------------------------------------------


def hub_partnerships(user: Any) -> list[Partnership]:
    """The partnerships whose hub the user's team may run (those the account serves)."""
    return list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                   .where(Partnership.id.in_(sorted(scope(user).partnership_ids)))
                                   .order_by(Partnership.name)))


def organisations() -> list[PartnerOrganisation]:
    """The partner organisations the reader may see, by name, with their memoranda."""
    return list(db.session.scalars(
        sa.select(PartnerOrganisation).where(readable(PartnerOrganisation))
        .options(selectinload(PartnerOrganisation.memoranda),
                 joinedload(PartnerOrganisation.partnership))
        .order_by(PartnerOrganisation.name, PartnerOrganisation.id)).unique())


def organisation_or_404(organisation_id: int) -> PartnerOrganisation:
    """A partner organisation, or 404."""
    return db.get_or_404(PartnerOrganisation, organisation_id)


def memorandum_or_404(organisation: PartnerOrganisation, memorandum_id: int) -> Memorandum:
    """One of the organisation's memoranda, or 404."""
    memorandum = db.session.get(Memorandum, memorandum_id)
    if memorandum is None or memorandum.partner_id != organisation.id:
        abort(404)
    return memorandum


def contact_or_404(organisation: PartnerOrganisation, contact_id: int) -> PartnerContact:
    """One of the organisation's contacts, or 404."""
    contact = db.session.get(PartnerContact, contact_id)
    if contact is None or contact.partner_id != organisation.id:
        abort(404)
    return contact


def create_organisation(values: Mapping[str, Any]) -> PartnerOrganisation:
    """Add a partner organisation."""
    organisation = PartnerOrganisation(**values)
    with db.session.no_autoflush:
        _check_organisation(organisation)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: PartnerOrganisation, version: object,
                        values: Mapping[str, Any]) -> bool:
    """Change an organisation from the version the user started from."""
    changed = apply_edit(organisation, version, values)
    with db.session.no_autoflush:
        _check_organisation(organisation)
    return changed


def _check_organisation(organisation: PartnerOrganisation) -> None:
    _named_once(organisation)
    agency = organisation.account_agency
    if agency is not None and agency.partnership_id != organisation.partnership_id:
        raise ReferralError("Select an agency of the hub's own partnership",
                            field="account_agency")
    if organisation.records_own and agency is None:
        raise ReferralError("Select the agency its accounts work for, or let only the hub "
                            "record its referrals", field="account_agency")


def _named_once(organisation: PartnerOrganisation) -> None:
    same = db.session.scalar(sa.select(PartnerOrganisation.id).where(
        PartnerOrganisation.partnership_id == organisation.partnership_id,
        sa.func.lower(PartnerOrganisation.name) == organisation.name.lower(),
        PartnerOrganisation.id != (organisation.id or 0)))
    if same is not None:
        raise ReferralError(f"The hub already has a partner organisation called "
                            f"{organisation.name}", field="name")


def add_contact(organisation: PartnerOrganisation, values: Mapping[str, Any]) -> PartnerContact:
    """Add a contact (work details only) at an organisation."""
    contact = PartnerContact(partner=organisation, **values)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: PartnerContact, version: object, values: Mapping[str, Any]) -> bool:
    """Change a contact's work details from the version the user started from."""
    return apply_edit(contact, version, values)


def _check_memorandum(memorandum: Memorandum) -> None:
    if memorandum.status is not MemorandumStatus.DRAFT and memorandum.signed_on is None:
        raise ReferralError("Enter the date it was signed (a memorandum not yet signed is a "
                            "draft)", field="signed_on")
    if (memorandum.review_on and memorandum.signed_on
            and memorandum.review_on < memorandum.signed_on):
        raise ReferralError("The review date must be on or after the date it was signed",
                            field="review_on")
    same = db.session.scalar(sa.select(Memorandum.id).where(
        Memorandum.partner_id == memorandum.partner_id,
        Memorandum.version_label == memorandum.version_label,
        Memorandum.id != (memorandum.id or 0)))
    if same is not None:
        raise ReferralError(f"This organisation already has a memorandum version "
                            f"{memorandum.version_label}", field="version_label")


def add_memorandum(organisation: PartnerOrganisation, values: Mapping[str, Any]) -> Memorandum:
    """Record a version of an organisation's memorandum."""
    memorandum = Memorandum(partner=organisation, **values)
    with db.session.no_autoflush:
        _check_memorandum(memorandum)
    db.session.add(memorandum)
    db.session.flush()
    return memorandum


def update_memorandum(memorandum: Memorandum, version: object,
                      values: Mapping[str, Any]) -> bool:
    """Change a memorandum (sign it, withdraw it...) from the version the user started from."""
    changed = apply_edit(memorandum, version, values)
    with db.session.no_autoflush:
        _check_memorandum(memorandum)
    return changed


# --- referrals ----------------------------------------------------------------------------------


def _loaded() -> list[Any]:
    """What the board, the list and a referral's page read, loaded with the referrals."""
    return [joinedload(Referral.partner), joinedload(Referral.partnership),
            selectinload(Referral.routes).joinedload(ReferralRoute.force),
            selectinload(Referral.routes).joinedload(ReferralRoute.routed_partnership)]


def referral_or_404(referral_id: int) -> Referral:
    """A referral with its routes, or 404 (the view asks the policy next)."""
    referral = db.session.scalars(sa.select(Referral).where(Referral.id == referral_id)
                                  .options(*_loaded())).unique().one_or_none()
    if referral is None:
        abort(404)
    return referral


def route_or_404(referral: Referral, route_id: int) -> ReferralRoute:
    """One of the referral's routes, or 404."""
    route = next((route for route in referral.routes if route.id == route_id), None)
    if route is None:
        abort(404)
    return route


def referring_organisations(user: Any) -> list[PartnerOrganisation]:
    """The organisations a referral may be recorded from: for the team, every one it sees
    (the memorandum is checked on the day received, with the reason if refused); for an
    organisation's own account, that organisation, where the hub allows it."""
    if user.role is Role.TEAM:
        return organisations()
    agency_id = scope(user).agency_id
    if user.role is not Role.AGENCY or agency_id is None:
        return []
    return list(db.session.scalars(
        sa.select(PartnerOrganisation).where(
            PartnerOrganisation.account_agency_id == agency_id,
            PartnerOrganisation.records_own.is_(True),
            PartnerOrganisation.partnership_id.in_(sorted(scope(user).partnership_ids)))
        .options(selectinload(PartnerOrganisation.memoranda))
        .order_by(PartnerOrganisation.name)))


def account_agency_options(hubs: Iterable[Partnership]) -> list[Agency]:
    """Agencies of the hubs' partnerships an organisation's accounts may work for."""
    ids = sorted(hub.id for hub in hubs)
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id.in_(ids), Agency.is_group.is_(False))
        .order_by(Agency.name, Agency.id)))


def next_reference(partnership: Partnership, received_on: dt.date) -> str:
    """The next reference for the hub's referrals in a calendar year: "WSCP-CR-2026-004"."""
    prefix = f"{partnership.short_name.upper()}-CR-{received_on.year}-"
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Referral).where(
        Referral.partnership_id == partnership.id, Referral.reference.like(f"{prefix}%"))) or 0
    return f"{prefix}{count + 1:03d}"


def _not_after_today(day: dt.date | None, field_name: str, words: str) -> None:
    if day is not None and day > clock.today():
        raise ReferralError(f"{words} must be today or in the past", field=field_name)


def _check_referral(referral: Referral) -> None:
    """The referral's own rules, each with its field: the memorandum first."""
    _not_after_today(referral.received_on, "received_on", "The date received")
    refusal = referral.partner.refusal_to_refer(referral.received_on, referral.referral_type)
    if refusal is not None:
        raise Refused(refusal, field="partner")
    reasons = set(referral.reasons or [])
    if ComplexityReason.NATURE.value in reasons and not referral.natures:
        raise ReferralError("Select the nature of the case, or untick nature as a reason",
                            field="natures")
    for reason, count, words in ((ComplexityReason.VICTIMS, referral.victims, "victims"),
                                 (ComplexityReason.SUSPECTS, referral.suspects, "suspects"),
                                 (ComplexityReason.FORCE_AREAS, referral.force_areas,
                                  "force areas")):
        if reason.value in reasons and count is not None and count < 2:
            raise ReferralError(f"A referral complex by its number of {words} involves more "
                                f"than one: enter the number, or untick it as a reason",
                                field=reason.value)
    if referral.immediate_risk and not referral.immediate_risk_note.strip():
        raise ReferralError("Say what the immediate risk is and the action needed today",
                            field="immediate_risk_note")


def record_referral(values: Mapping[str, Any]) -> Referral:
    """Take a referral from a partner organisation (refused, with the reason, unless its
    memorandum was in force on the day it was received and covers the kind of referral)."""
    partner: PartnerOrganisation = values["partner"]
    referral = Referral(partnership_id=partner.partnership_id, **values)
    with db.session.no_autoflush:
        _check_referral(referral)
        referral.reference = next_reference(partner.partnership, referral.received_on)
    db.session.add(referral)
    db.session.flush()
    return referral


def update_referral(referral: Referral, version: object, values: Mapping[str, Any]) -> bool:
    """Change the intake details from the version the user started from."""
    if referral.closed_on is not None:
        raise Refused("This referral is closed: its details can no longer change")
    changed = apply_edit(referral, version, values)
    with db.session.no_autoflush:
        _check_referral(referral)
    return changed


def force_options() -> list[Agency]:
    """Police forces in the register the reader may see (agencies of the police sector)."""
    return list(db.session.scalars(
        sa.select(Agency).where(readable(Agency), Agency.sector == Sector.POLICE_AND_JUSTICE,
                                Agency.is_group.is_(False))
        .options(joinedload(Agency.partnership)).order_by(Agency.name, Agency.id)))


def partnership_options() -> list[Partnership]:
    """Partnerships the reader may see."""
    return list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                   .order_by(Partnership.name)))


def route_referral(referral: Referral, values: Mapping[str, Any]) -> ReferralRoute:
    """Send the referral on to a force or partnership (one in the register, or one named)."""
    if referral.closed_on is not None:
        raise Refused("This referral is closed: it can no longer be routed")
    kind: RouteKind = values["kind"]
    force: Agency | None = values.get("force") if kind is RouteKind.FORCE else None
    partnership: Partnership | None = (values.get("routed_partnership")
                                       if kind is RouteKind.PARTNERSHIP else None)
    other = (values.get("other_name") or "").strip()
    if force is None and partnership is None and not other:
        field_name = "force" if kind is RouteKind.FORCE else "routed_partnership"
        raise ReferralError("Select who it is routed to, or name them", field=field_name)
    routed_on: dt.date = values["routed_on"]
    _not_after_today(routed_on, "routed_on", "The date routed")
    if routed_on < referral.received_on:
        raise ReferralError("It cannot be routed before it was received", field="routed_on")
    route = ReferralRoute(
        kind=kind, force=force, routed_partnership=partnership,
        other_name="" if force or partnership else other, routed_on=routed_on,
        reached_partnership_id=(force.partnership_id if force is not None
                                else partnership.id if partnership is not None else None))
    if any(_same_recipient(route, existing) for existing in referral.routes):
        raise ReferralError(f"It has already been routed to {route.name}",
                            field="force" if force else "routed_partnership"
                            if partnership else "other_name")
    referral.routes.append(route)
    db.session.flush()
    return route


def _same_recipient(one: ReferralRoute, other: ReferralRoute) -> bool:
    if one.force is not None or other.force is not None:
        return one.force is other.force
    if one.routed_partnership is not None or other.routed_partnership is not None:
        return one.routed_partnership is other.routed_partnership
    return one.other_name.strip().lower() == other.other_name.strip().lower()


def respond(route: ReferralRoute, version: object, values: Mapping[str, Any]) -> bool:
    """Record a force's or partnership's acknowledgement and outcome."""
    if route.referral.closed_on is not None:
        raise Refused("This referral is closed: its answers can no longer change")
    changed = apply_edit(route, version, values)
    problems = []
    for name, words in (("acknowledged_on", "The date acknowledged"),
                        ("decided_on", "The date of the decision")):
        day = getattr(route, name)
        if day is not None and day > clock.today():
            problems.append(ReferralError(f"{words} must be today or in the past", field=name))
    for name, words in (("acknowledged_on", "acknowledged"), ("decided_on", "decided")):
        day = getattr(route, name)
        if day is not None and day < route.routed_on:
            problems.append(ReferralError(f"It cannot have been {words} before it was routed "
                                          f"on {route.routed_on.day} {route.routed_on:%B %Y}",
                                          field=name))
    if route.outcome is not None and route.decided_on is None:
        problems.append(ReferralError("Enter the date of the decision", field="decided_on"))
    if route.decided_on is not None and route.outcome is None:
        problems.append(ReferralError("Select the outcome", field="outcome"))
    if (route.decided_on is not None and route.acknowledged_on is not None
            and route.decided_on < route.acknowledged_on):
        problems.append(ReferralError("The decision cannot come before the acknowledgement",
                                      field="decided_on"))
    if route.outcome is not None and route.acknowledged_on is None:
        route.acknowledged_on = route.decided_on  # a decision acknowledges it too
    if problems:
        raise problems[0]
    return changed


def close_referral(referral: Referral, closed_on: dt.date, note: str) -> None:
    """Close a referral once every force and partnership has decided."""
    if referral.closed_on is not None:
        raise Refused("This referral is already closed")
    waiting = [route.name for route in referral.routes if route.outcome is None]
    if waiting:
        raise ReferralError("It cannot be closed while waiting for a decision from "
                            + _and(waiting), field="closed_on")
    if closed_on < referral.received_on:
        raise ReferralError("It cannot be closed before it was received", field="closed_on")
    _not_after_today(closed_on, "closed_on", "The date closed")
    if not referral.routes and not note.strip():
        raise ReferralError("Say why it is closed without being routed", field="closing_note")
    referral.closed_on = closed_on
    referral.closing_note = note


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- the board ------------------------------------------------------------------------------


@dataclass
class BoardRow:
    """One open referral on the board, with what it waits for."""

    referral: Referral
    status: Status
    waiting: list[Waiting]

    @property
    def overdue(self) -> bool:
        """Something it waits for is past its due day (or a same-day action is missed)."""
        return any(w.overdue for w in self.waiting)


@dataclass
class Board:
    """What is waiting, on whom: the rows, and the same items by who must act."""

    rows: list[BoardRow]
    by_whom: list[tuple[str, list[Waiting]]] = field(default_factory=list)


def board(today: dt.date, *, include_closed: bool = False) -> Board:
    """The open referrals the reader may see, most urgent first, and what waits on whom: a
    fixed number of SQL statements whatever the number of referrals."""
    stmt = sa.select(Referral).where(readable(Referral)).options(*_loaded())
    if not include_closed:
        stmt = stmt.where(Referral.closed_on.is_(None))
    referrals = db.session.scalars(stmt.order_by(Referral.received_on, Referral.id)
                                   .execution_options(populate_existing=True)).unique()
    rows = [BoardRow(r, status_of(r), waiting_for(r, today)) for r in referrals]
    far = dt.date.max
    rows.sort(key=lambda row: (not any(w.same_day for w in row.waiting), not row.overdue,
                               min((w.due or far for w in row.waiting), default=far),
                               row.referral.received_on, row.referral.id))
    whom: dict[str, list[Waiting]] = {}
    for row in rows:
        for item in row.waiting:
            whom.setdefault(item.on, []).append(item)
    ordered = sorted(whom.items(), key=lambda pair: (pair[0] != HUB, pair[0].lower()))
    return Board(rows=rows, by_whom=ordered)


# --- the report -------------------------------------------------------------------------------


@dataclass
class Timing:
    """How long the forces and partnerships took: median working days and in time."""

    name: str
    working_days: int
    answered: int = 0
    in_time: int = 0
    median: float | None = None
    waiting: int = 0


@dataclass
class Report:
    """The hub's figures for a period: what the reader may see of it."""

    first: dt.date
    last: dt.date
    concerning: Partnership | None
    referrals: list[Referral]
    by_reason: list[tuple[str, int]]
    by_nature: list[tuple[str, int]]
    by_organisation: list[tuple[str, int]]
    by_force_area: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    by_urgency: list[tuple[str, int]]
    immediate_risk: int
    closed: int
    timings: list[Timing]


def report_years(today: dt.date) -> list[int]:
    """The reporting years with referrals the reader may see, newest first (this one always)."""
    days = db.session.scalars(sa.select(Referral.received_on).where(readable(Referral)))
    years = {reporting_year(day) for day in days} | {reporting_year(today)}
    return sorted(years, reverse=True)


def _counted(counter: Counter[str], order: Sequence[str] = ()) -> list[tuple[str, int]]:
    first = [(name, counter[name]) for name in order if counter[name]]
    rest = sorted(((name, count) for name, count in counter.items() if name not in order),
                  key=lambda pair: (-pair[1], pair[0]))
    return first + rest


def report(year: int, today: dt.date, concerning: Partnership | None = None) -> Report:
    """Counts by complexity reason, nature, organisation, force area and outcome, and times
    to acknowledge and decide, for the referrals received in a reporting year (only those
    routed to a force or partnership of ``concerning``, for that partnership's report)."""
    first, last = year_span(year)
    stmt = sa.select(Referral).where(readable(Referral), Referral.received_on.between(first, last))
    if concerning is not None:
        stmt = stmt.where(Referral.routes.any(ReferralRoute.reached_partnership_id
                                              == concerning.id))
    referrals = list(db.session.scalars(
        stmt.options(*_loaded()).order_by(Referral.received_on, Referral.id)).unique())
    reasons: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    organisations_: Counter[str] = Counter()
    forces: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    urgencies: Counter[str] = Counter()
    acknowledged: list[int] = []
    decided: list[int] = []
    ack = Timing("Acknowledged", 0)
    dec = Timing("Decided", 0)
    for referral in referrals:
        reasons.update(ComplexityReason(r).label for r in referral.reasons or [])
        kinds.update(referral.natures or [])
        organisations_[referral.partner.name] += 1
        urgencies[referral.urgency.label] += 1
        for route in referral.routes:
            forces[route.name] += 1
            outcomes[route.outcome.label if route.outcome else "Waiting for a decision"] += 1
            for step, taken, timing in ((acknowledgement_clock(route, today), acknowledged, ack),
                                        (decision_clock(route, today), decided, dec)):
                timing.working_days = step.working_days
                if step.met_on is None:
                    timing.waiting += 1
                    continue
                timing.answered += 1
                timing.in_time += bool(step.met_in_time)
                taken.append(step.taken or 0)
    ack.median = statistics.median(acknowledged) if acknowledged else None
    dec.median = statistics.median(decided) if decided else None
    return Report(
        first=first, last=last, concerning=concerning, referrals=referrals,
        by_reason=_counted(reasons, [r.label for r in ComplexityReason]),
        by_nature=_counted(kinds, natures()),
        by_organisation=_counted(organisations_), by_force_area=_counted(forces),
        by_outcome=_counted(outcomes, [o.label for o in Outcome]),
        by_urgency=_counted(urgencies, [u.label for u in Urgency]),
        immediate_risk=sum(r.immediate_risk for r in referrals),
        closed=sum(r.closed_on is not None for r in referrals), timings=[ack, dec])


def report_workbook(found: Report, today: dt.date) -> bytes:
    """The report as an XLSX workbook: the counts, each referral, and each route's times (no
    summaries: the workbook travels, the words stay in the service)."""
    counts: list[list[Any]] = [["Referrals received", "", len(found.referrals)],
                               ["With an immediate risk", "", found.immediate_risk],
                               ["Closed", "", found.closed]]
    for heading, pairs in (("Complexity reason", found.by_reason), ("Nature", found.by_nature),
                           ("Referring organisation", found.by_organisation),
                           ("Force or partnership routed to", found.by_force_area),
                           ("Outcome", found.by_outcome), ("Urgency", found.by_urgency)):
        counts.extend([heading, name, count] for name, count in pairs)
    for timing in found.timings:
        counts.append([f"{timing.name} within {timing.working_days} working days", "",
                       timing.in_time])
        counts.append([f"{timing.name}: median working days", "",
                       timing.median if timing.median is not None else ""])
    referral_rows = [[r.reference, r.received_on, r.partner.name, r.referral_type,
                      ", ".join(ComplexityReason(x).label for x in r.reasons or []),
                      ", ".join(r.natures or []), r.victims, r.suspects, r.force_areas,
                      r.urgency.label, "Yes" if r.immediate_risk else "No",
                      status_of(r).label, r.closed_on]
                     for r in found.referrals]
    route_rows = []
    for r in found.referrals:
        for route in r.routes:
            ack, dec = acknowledgement_clock(route, today), decision_clock(route, today)
            route_rows.append([r.reference, route.name, route.kind.label, route.routed_on,
                               route.acknowledged_on, ack.taken, _yes_no(ack.met_in_time),
                               route.decided_on if route.outcome else None, dec.taken,
                               _yes_no(dec.met_in_time),
                               route.outcome.label if route.outcome else ""])
    return workbook([
        Sheet("Counts", ["Measure", "Of", "Number"], counts, [34, 48, 10]),
        Sheet("Referrals", ["Reference", "Received", "Referring organisation", "Type",
                            "Why complex", "Nature", "Victims", "Suspects", "Force areas",
                            "Urgency", "Immediate risk", "Status", "Closed"], referral_rows),
        Sheet("Routes", ["Reference", "Routed to", "Kind", "Routed", "Acknowledged",
                         "Working days to acknowledge", "Acknowledged in time", "Decided",
                         "Working days to decide", "Decided in time", "Outcome"], route_rows),
    ])


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "Yes" if value else "No"



# --- reminders ----------------------------------------------------------------------------------


def memoranda_due_for_review(user: Any, today: dt.date) -> list[Memorandum]:
    """The memoranda in force (or lapsed at review) of the hubs the user's team runs whose
    review date falls within the REFERRAL_MEMORANDUM_REMINDER_DAYS setting, or has passed,
    soonest first: each organisation's governing memorandum only."""
    if not can(user, "edit", "referral_partners"):
        return []
    until = today + dt.timedelta(days=int(current_app.config.get(
        "REFERRAL_MEMORANDUM_REMINDER_DAYS", 60)))
    found = db.session.scalars(
        sa.select(PartnerOrganisation).where(
            PartnerOrganisation.partnership_id.in_(sorted(scope(user).partnership_ids)),
            PartnerOrganisation.memoranda.any(sa.and_(
                Memorandum.status == MemorandumStatus.SIGNED, Memorandum.review_on <= until)))
        .options(selectinload(PartnerOrganisation.memoranda))).all()
    due = []
    for organisation in found:
        memorandum = organisation.memorandum_on(today)
        if (memorandum is not None and memorandum.status is MemorandumStatus.SIGNED
                and memorandum.review_on is not None and memorandum.review_on <= until):
            due.append(memorandum)
    return sorted(due, key=lambda m: (m.review_on, m.partner.name))
