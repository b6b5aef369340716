"""A statutory partner: its organisation's names over time and its representatives."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership import clock
from partnership.access import requires
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.register.forms.partners import (
    EndRepresentativeForm,
    PartnerNameForm,
    RepresentativeForm,
)
from partnership.register.models import Capacity, StatutoryPartner
from partnership.register.services import partners as service
from partnership.register.services.partnerships import (
    kind_label,
    partnership_or_404,
    representative_term,
)
from partnership.register.services.people import person_choices, person_or_404
from partnership.web import refused, run_service

bp = Blueprint("partners", __name__, url_prefix="/partnerships/<slug>/partners/<kind>")


def _partner(slug: str, kind: str) -> StatutoryPartner:
    return service.partner_or_404(partnership_or_404(slug), kind)


def _back(partner: StatutoryPartner) -> str:
    return url_for("partners.detail", slug=partner.partnership.slug, kind=partner.kind.value)


def _title(partner: StatutoryPartner) -> str:
    return f"{partner.name_on(clock.today())}"


@bp.route("")
@requires("view", "register")
def detail(slug: str, kind: str) -> str:
    """Show a partner's names and representatives, past and present, and their history."""
    partner = _partner(slug, kind)
    today = clock.today()
    return render_template(
        "partners/detail.html", partner=partner, partnership=partner.partnership, today=today,
        title=_title(partner), kind_label=kind_label(partner.kind),
        term=lambda capacity: representative_term(partner.partnership.guidance, capacity),
        holder_name=service.holder_name,
        history=service.partner_history(partner))


@bp.route("/names/new", methods=["GET", "POST"])
@requires("edit", "register")
def name_new(slug: str, kind: str) -> str | Response:
    """Record a name the organisation took (the CCG became the ICB on 1 July 2022)."""
    partner = _partner(slug, kind)
    form = PartnerNameForm()
    if form.validate_on_submit():
        with run_service(form, default="name") as step:
            row, replaced = service.add_name(partner, (form.name.data or "").strip(),
                                             form.valid_from.data, form.valid_to.data)
        if step.done:
            message = f"Name added: {row.name}"
            if replaced is not None and replaced.valid_to is not None:
                message += f". {replaced.name} now ends on {long_date(replaced.valid_to)}"
            flash(message, "success")
            return redirect(_back(partner))
    return render_template("partners/name_new.html", form=form, partner=partner,
                           title=_title(partner))


@bp.route("/names/<int:name_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def name_edit(slug: str, kind: str, name_id: int) -> str | Response | tuple[str, int]:
    """Correct a name or its dates."""
    partner = _partner(slug, kind)
    row = service.name_or_404(partner, name_id)
    form = PartnerNameForm(obj=row)
    if request.method == "GET":
        form.version.data = str(row.version)
    if form.validate_on_submit():
        values = {"name": (form.name.data or "").strip(), "valid_from": form.valid_from.data,
                  "valid_to": form.valid_to.data}
        try:
            if service.update_name(row, form.version.data, values):
                commit_edit(row, values)
                flash("Name updated", "success")
            return redirect(_back(partner))
        except DomainError as error:
            refused(form, error, default="name")
        except EditConflict as conflict:
            return render_conflict(conflict, form, title="This name was changed while you were "
                                   "editing it", cancel_url=_back(partner))
    return render_template("partners/name_edit.html", form=form, partner=partner, row=row,
                           title=_title(partner))


def _representative_form(partner: StatutoryPartner, **kwargs: object) -> RepresentativeForm:
    form = RepresentativeForm(**kwargs)  # type: ignore[arg-type]
    form.person.choices = [("", "Not named"), *person_choices()]
    form.capacity.choices = service.capacity_choices(partner.partnership)
    form.capacity.label.text = service.capacity_question(partner.partnership)
    return form


def _representative_values(form: RepresentativeForm) -> dict[str, object]:
    person = person_or_404(form.person.data) if form.person.data else None
    return {"person": person, "capacity": Capacity(form.capacity.data),
            "title": (form.title.data or "").strip(), "valid_from": form.valid_from.data,
            "valid_to": form.valid_to.data}


@bp.route("/representatives/new", methods=["GET", "POST"])
@requires("edit", "register")
def representative_new(slug: str, kind: str) -> str | Response:
    """Record someone who acts for the partner, lead or delegated."""
    partner = _partner(slug, kind)
    form = _representative_form(partner)
    if form.validate_on_submit():
        with run_service(form, default="person") as step:
            representative = service.add_representative(partner, _representative_values(form))
        if step.done:
            flash(f"{service.holder_name(representative)} added", "success")
            return redirect(_back(partner))
    return render_template("partners/representative_new.html", form=form, partner=partner,
                           title=_title(partner))


@bp.route("/representatives/<int:representative_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def representative_edit(slug: str, kind: str,
                        representative_id: int) -> str | Response | tuple[str, int]:
    """Change a representative's role, title or dates."""
    partner = _partner(slug, kind)
    representative = service.representative_or_404(partner, representative_id)
    form = _representative_form(partner, obj=representative)
    if request.method == "GET":
        form.version.data = str(representative.version)
        form.person.data = representative.person_id
        form.capacity.data = representative.capacity.value
    if form.validate_on_submit():
        values = _representative_values(form)
        try:
            if service.update_representative(representative, form.version.data, values):
                commit_edit(representative, values)
                flash(f"{service.holder_name(representative)}'s role updated", "success")
            return redirect(_back(partner))
        except DomainError as error:
            refused(form, error, default="person")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{service.holder_name(conflict.obj)}'s role was changed "
                "while you were editing it", cancel_url=_back(partner))
    return render_template("partners/representative_edit.html", form=form, partner=partner,
                           representative=representative, title=_title(partner),
                           holder=service.holder_name(representative))


@bp.route("/representatives/<int:representative_id>/end", methods=["GET", "POST"])
@requires("edit", "register")
def representative_end(slug: str, kind: str,
                       representative_id: int) -> str | Response | tuple[str, int]:
    """Record the last day someone acted for the partner."""
    partner = _partner(slug, kind)
    representative = service.representative_or_404(partner, representative_id)
    form = EndRepresentativeForm(obj=representative)
    if request.method == "GET":
        form.version.data = str(representative.version)
        form.valid_to.data = representative.valid_to or clock.today()
    if form.validate_on_submit():
        values = {"valid_to": form.valid_to.data}
        try:
            if service.end_representative(representative, form.version.data, form.valid_to.data):
                commit_edit(representative, values)
                flash(f"{service.holder_name(representative)}'s term ends on "
                      f"{long_date(form.valid_to.data)}", "success")
            return redirect(_back(partner))
        except DomainError as error:
            refused(form, error, default="valid_to")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{service.holder_name(conflict.obj)}'s role was changed "
                "while you were editing it", cancel_url=_back(partner))
    return render_template("partners/representative_end.html", form=form, partner=partner,
                           representative=representative, title=_title(partner),
                           holder=service.holder_name(representative))
