"""The partnership's dated roles: its chair, education's lead and participating observers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.errors import DomainError
from partnership.register.forms.appointments import AppointmentForm
from partnership.register.models import Appointment, Partnership
from partnership.register.services import appointments as service
from partnership.register.services import describe_period
from partnership.register.services.agencies import people
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("appointments", __name__, url_prefix="/partnerships/<slug>/appointments")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the appointment pages the register's ways of writing periods and posts."""
    return {"period": describe_period, "holder_of": service.holder_of,
            "organisation_of": service.organisation_of, "today": clock.today()}


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _appointment(slug: str, appointment_id: int,
                 verb: str = "view") -> tuple[Partnership, Appointment]:
    partnership = _partnership(slug)
    appointment = service.appointment_or_404(partnership, appointment_id)
    authorize(verb, appointment)
    return partnership, appointment


def _form(partnership: Partnership, **kwargs: Any) -> AppointmentForm:
    return AppointmentForm(
        partners=partnership.partners, people=people(), day=clock.today(),
        agencies=[a for a in partnership.agencies if not a.is_group], **kwargs)


@bp.route("")
@requires("view", "register")
def index(slug: str) -> str:
    """List the partnership's appointments, past and present, by role."""
    partnership = _partnership(slug)
    return render_template("appointments/index.html", partnership=partnership,
                           appointments=service.all_appointments(partnership))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new(slug: str) -> str | Response:
    """Record a dated role: the partnership chair, education's lead or an observer."""
    partnership = _partnership(slug)
    authorize("edit", partnership)
    form = _form(partnership)
    if request.method == "GET" and request.args.get("role") in {c[0] for c in form.role.choices}:
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        with run_service(form, default="role") as step:
            appointment = service.add_appointment(partnership, form.values())
        if step.done:
            flash(f"{appointment.role.label} added", "success")
            return redirect(url_for(".detail", slug=slug, appointment_id=appointment.id))
    return render_template("appointments/new.html", form=form, partnership=partnership)


@bp.route("/<int:appointment_id>")
@requires("view", "register")
def detail(slug: str, appointment_id: int) -> str:
    """Show an appointment, its dates and its history."""
    partnership, appointment = _appointment(slug, appointment_id)
    return render_template("appointments/detail.html", partnership=partnership,
                           appointment=appointment, history=history_of(appointment))


@bp.route("/<int:appointment_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(slug: str, appointment_id: int) -> str | Response | tuple[str, int]:
    """Change an appointment (or end it), without overwriting someone else's edit."""
    partnership, appointment = _appointment(slug, appointment_id, "edit")
    form = _form(partnership, obj=appointment)
    back = url_for(".detail", slug=slug, appointment_id=appointment.id)
    if request.method == "GET":
        form.version.data = str(appointment.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if service.update_appointment(appointment, form.version.data, values):
                commit_edit(appointment, values)
                flash(f"{appointment.role.label} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem, default="role")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, cancel_url=back,
                title=f"This {appointment.role.label.lower()} appointment was changed while "
                      "you were editing it")
    return render_template("appointments/edit.html", form=form, partnership=partnership,
                           appointment=appointment)


@bp.route("/<int:appointment_id>/remove", methods=["GET", "POST"])
@requires("edit", "register")
def remove(slug: str, appointment_id: int) -> str | Response:
    """Ask for confirmation, then remove an appointment recorded in error."""
    partnership, appointment = _appointment(slug, appointment_id, "edit")
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        label = appointment.role.label
        with run_service(confirm) as step:
            service.remove_appointment(appointment)
        if step.done:
            flash(f"{label} appointment removed", "success")
            return redirect(url_for(".index", slug=slug))
    return render_template("appointments/remove.html", confirm=confirm,
                           partnership=partnership, appointment=appointment)
