"""Statutory partners: their organisations' names over time and who represents them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import abort

from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.editing import apply_edit
from partnership.register.models import (
    Capacity,
    PartnerName,
    Partnership,
    Representative,
    StatutoryPartner,
)
from partnership.register.services import (
    RegisterError,
    check_period,
    describe_period,
    periods_overlap,
)
from partnership.register.services.partnerships import representative_term

ONE_DAY = dt.timedelta(days=1)


def partner_or_404(partnership: Partnership, kind: str) -> StatutoryPartner:
    """Return the partnership's partner of this kind, or answer 404."""
    for partner in partnership.partners:
        if partner.kind.value == kind:
            return partner
    abort(404)


def holder_name(representative: Representative) -> str:
    """Name who acts for the partner: the person, else the post."""
    if representative.person is not None:
        return representative.person.name
    return representative.title


def capacity_question(partnership: Partnership) -> str:
    """Ask lead or delegated in the words of the partnership's guidance."""
    lead, delegated = (representative_term(partnership.guidance, c) for c in Capacity)
    return f"{lead.capitalize()} or {delegated}?"


def capacity_choices(partnership: Partnership) -> list[tuple[str, str]]:
    """Offer lead and delegated, named as the partnership's guidance names them."""
    return [(capacity.value, representative_term(partnership.guidance, capacity).capitalize())
            for capacity in Capacity]


# --- organisation names -------------------------------------------------------------------


def _check_names(partner: StatutoryPartner, valid_from: dt.date, valid_to: dt.date | None,
                 periods: Mapping[int, tuple[dt.date, dt.date | None]],
                 editing: PartnerName | None = None) -> None:
    check_period(valid_from, valid_to)
    for row in partner.names:
        if row is editing:
            continue
        period = periods.get(id(row), (row.valid_from, row.valid_to))
        if periods_overlap((valid_from, valid_to), period):
            raise RegisterError(
                f"These dates overlap “{row.name}” ({describe_period(*period)}). "
                "Each name must cover its own dates", "valid_from")


def add_name(partner: StatutoryPartner, name: str, valid_from: dt.date,
             valid_to: dt.date | None) -> tuple[PartnerName, PartnerName | None]:
    """Record a name the organisation took; return it and the name it replaced, if any.

    A new name that starts after the open-ended current name replaces it: the old name is
    given an end date the day before (the CCG ends on 30 June when the ICB starts on 1 July).
    """
    replaced = next((row for row in partner.names
                     if row.valid_to is None and row.valid_from < valid_from), None)
    periods = {id(replaced): (replaced.valid_from, valid_from - ONE_DAY)} if replaced else {}
    _check_names(partner, valid_from, valid_to, periods)
    if replaced is not None:
        replaced.valid_to = valid_from - ONE_DAY
    row = PartnerName(name=name, valid_from=valid_from, valid_to=valid_to)
    partner.names.append(row)
    return row, replaced


def update_name(row: PartnerName, started_from: object, values: Mapping[str, Any]) -> bool:
    """Correct a name or its dates if the editor saw the current version; say if it changed."""
    _check_names(row.partner, values["valid_from"], values["valid_to"], {}, editing=row)
    return apply_edit(row, started_from, values)


def name_or_404(partner: StatutoryPartner, name_id: int) -> PartnerName:
    """Return one of the partner's names, or answer 404."""
    for row in partner.names:
        if row.id == name_id:
            return row
    abort(404)


# --- representatives ----------------------------------------------------------------------


def _check_representative(partner: StatutoryPartner, values: Mapping[str, Any],
                          editing: Representative | None = None) -> None:
    if values.get("person") is None and not values.get("title", "").strip():
        raise RegisterError("Enter the post, or select the person who holds it", "title")
    check_period(values["valid_from"], values["valid_to"])
    if Capacity(values["capacity"]) is not Capacity.LEAD:
        return
    for other in partner.representatives:
        if other is editing or other.capacity is not Capacity.LEAD:
            continue
        if periods_overlap((values["valid_from"], values["valid_to"]),
                           (other.valid_from, other.valid_to)):
            term = representative_term(partner.partnership.guidance, Capacity.LEAD)
            period = describe_period(other.valid_from, other.valid_to)
            raise RegisterError(
                f"{holder_name(other)} is the {term} {period}. "
                f"A partner has one {term} at a time: end their term first", "valid_from")


def add_representative(partner: StatutoryPartner, values: Mapping[str, Any]) -> Representative:
    """Record who acts for a partner, lead or delegated, from a date."""
    _check_representative(partner, values)
    representative = Representative(**values)
    partner.representatives.append(representative)
    return representative


def update_representative(representative: Representative, started_from: object,
                          values: Mapping[str, Any]) -> bool:
    """Change a representative's role or dates if the editor saw the current version."""
    _check_representative(representative.partner, values, editing=representative)
    return apply_edit(representative, started_from, values)


def end_representative(representative: Representative, started_from: object,
                       valid_to: dt.date) -> bool:
    """Record the last day someone acted for the partner."""
    check_period(representative.valid_from, valid_to)
    return apply_edit(representative, started_from, {"valid_to": valid_to})


def representative_or_404(partner: StatutoryPartner, representative_id: int) -> Representative:
    """Return one of the partner's representatives, or answer 404."""
    for representative in partner.representatives:
        if representative.id == representative_id:
            return representative
    abort(404)


def partner_history(partner: StatutoryPartner) -> list[AuditEvent]:
    """Return the changes to the partner, its names and its representatives, newest first."""
    events = history_of(partner)
    for row in [*partner.names, *partner.representatives]:
        events += history_of(row)
    return sorted(events, key=lambda event: (event.at, event.id), reverse=True)
