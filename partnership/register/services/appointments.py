"""Dated roles in a partnership: its chair, education's lead, participating observers.

The statutory partners' own lead and delegated safeguarding partners are representatives
(services/partners.py); sign-off stays with the three statutory partners whatever is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import abort

from partnership import clock
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.register.models import (
    Agency,
    Appointment,
    AppointmentRole,
    Partnership,
    StatutoryPartner,
)
from partnership.register.services import (
    RegisterError,
    check_period,
    describe_period,
    periods_overlap,
)

ONE_CHAIR = ("{holder} is recorded as the partnership chair {period}. A partnership has one "
             "chair at a time: end that appointment first, or change these dates")


def holder_of(appointment: Appointment) -> str:
    """Name who holds an appointment: the person, else the post."""
    if appointment.person is not None:
        return appointment.person.name
    return appointment.post or appointment.role.label


def organisation_of(appointment: Appointment, day: dt.date | None = None) -> str:
    """Name the organisation the post is in ("" when none is recorded)."""
    if appointment.agency is not None:
        return appointment.agency.name
    if appointment.partner is not None:
        return appointment.partner.name_on(day or appointment.valid_from or clock.today())
    return ""


def describe_appointment(appointment: Appointment, day: dt.date | None = None) -> str:
    """Say an appointment in one line: post, holder, organisation, independence."""
    parts = [appointment.post] if appointment.post else []
    if appointment.person is not None:
        parts.append(appointment.person.name)
    organisation = organisation_of(appointment, day)
    if organisation:
        parts.append(organisation)
    text = ", ".join(parts)
    return f"{text} (independent)" if appointment.independent and text else text


def appointments_on(partnership: Partnership, day: dt.date) -> list[Appointment]:
    """Return the partnership's appointments held on a date, by role (chair first)."""
    order = list(AppointmentRole)
    held = [a for a in partnership.appointments if a.in_post_on(day)]
    return sorted(held, key=lambda a: (order.index(a.role), holder_of(a), a.id))


def all_appointments(partnership: Partnership) -> list[Appointment]:
    """Return every appointment the partnership has recorded, by role, most recent first."""
    order = list(AppointmentRole)
    newest_first = sorted(partnership.appointments,
                          key=lambda a: (a.valid_from or dt.date.min, a.id), reverse=True)
    return sorted(newest_first, key=lambda a: order.index(a.role))


def chair_on(partnership: Partnership, day: dt.date) -> Appointment | None:
    """Return the partnership chair on a date, if one is recorded."""
    return next((a for a in partnership.appointments
                 if a.role is AppointmentRole.PARTNERSHIP_CHAIR and a.in_post_on(day)), None)


def appointment_or_404(partnership: Partnership, appointment_id: int) -> Appointment:
    """Return one of the partnership's appointments, or answer 404."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.partnership_id != partnership.id:
        abort(404)
    return appointment


def appointment_problems(partnership: Partnership, appointment: Appointment | None,
                         values: Mapping[str, Any]) -> list[RegisterError]:
    """Return every rule the values break for a new (None) or existing appointment."""
    problems: list[RegisterError] = []
    agency: Agency | None = values.get("agency")
    partner: StatutoryPartner | None = values.get("partner")
    if not values.get("post") and values.get("person") is None:
        problems.append(RegisterError("Enter the post, or select the person who holds it",
                                      "post"))
    if agency is not None and partner is not None:
        problems.append(RegisterError(
            "Select a statutory partner or an agency, not both", "agency"))
    if (agency is not None and agency.partnership_id != partnership.id) or (
            partner is not None and partner.partnership_id != partnership.id):
        problems.append(RegisterError("Select an organisation in this partnership",
                                      "agency" if agency is not None else "partner"))
    if values.get("independent") and partner is not None:
        problems.append(RegisterError(
            "An independent post is not in a statutory partner's organisation: choose no "
            "organisation, or answer no to independent", "independent"))
    try:
        check_period(values.get("valid_from"), values.get("valid_to"))
    except RegisterError as problem:
        problems.append(problem)
    else:
        if values.get("role") is AppointmentRole.PARTNERSHIP_CHAIR:
            period = (values.get("valid_from"), values.get("valid_to"))
            for other in partnership.appointments:
                if (other is appointment or other.role is not AppointmentRole.PARTNERSHIP_CHAIR
                        or not periods_overlap(period, (other.valid_from, other.valid_to))):
                    continue
                problems.append(RegisterError(ONE_CHAIR.format(
                    holder=holder_of(other),
                    period=describe_period(other.valid_from, other.valid_to)), "valid_from"))
                break
    return problems


def _checked(partnership: Partnership, appointment: Appointment | None,
             values: Mapping[str, Any]) -> None:
    problems = appointment_problems(partnership, appointment, values)
    if problems:
        error = problems[0]
        error.problems = problems  # type: ignore[attr-defined]  # web.refused shows them all
        raise error


def add_appointment(partnership: Partnership, values: Mapping[str, Any]) -> Appointment:
    """Record a dated role in the partnership, or raise a RegisterError naming the field."""
    _checked(partnership, None, values)
    appointment = Appointment(**values)
    partnership.appointments.append(appointment)
    db.session.flush()
    return appointment


def update_appointment(appointment: Appointment, started_from: object,
                       values: Mapping[str, Any]) -> bool:
    """Change an appointment if the rules allow and the editor saw its current version."""
    _checked(appointment.partnership, appointment, values)
    return apply_edit(appointment, started_from, values)


def remove_appointment(appointment: Appointment) -> None:
    """Delete an appointment recorded in error (an ended one is kept, with its end date)."""
    db.session.delete(appointment)
    db.session.flush()
