"""People in the register: the list, each person's roles, and their details."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership import clock
from partnership.access import requires
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.forms.people import PersonForm, PersonSearchForm
from partnership.register.models import Agency, Person
from partnership.register.services import describe_period
from partnership.register.services import people as service
from partnership.register.services.partnerships import representative_term
from partnership.register.services.scrutiny import scope_text
from partnership.web import refused, run_service

bp = Blueprint("people", __name__, url_prefix="/people")


def _form(person: Person | None = None, **kwargs: object) -> PersonForm:
    form = PersonForm(**kwargs)  # type: ignore[arg-type]
    form.agency.choices = [("", "Not an agency in the list"), *service.agency_choices()]
    form.user_id.choices = [("", "No user account"), *service.account_choices(person)]
    return form


def _values(form: PersonForm) -> dict[str, object]:
    return {
        "name": (form.name.data or "").strip(),
        "job_title": (form.job_title.data or "").strip(),
        "agency": db.session.get(Agency, form.agency.data) if form.agency.data else None,
        "organisation": (form.organisation.data or "").strip(),
        "email": (form.email.data or "").strip(),
        "phone": (form.phone.data or "").strip(),
        "user_id": form.user_id.data,
    }


@bp.route("")
@requires("view", "register")
def index() -> str:
    """List people, optionally those whose name matches a search."""
    form = PersonSearchForm(formdata=request.args if request.args else None)
    search = (form.q.data or "") if form.validate() else ""
    return render_template("people/index.html", form=form, search=search,
                           people=service.people_named(search))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new() -> str | Response:
    """Add a person to the register."""
    form = _form()
    if form.validate_on_submit():
        with run_service(form, default="name") as step:
            person = service.create_person(_values(form))
        if step.done:
            flash(f"{person.name} added", "success")
            return redirect(url_for("people.detail", person_id=person.id))
    return render_template("people/new.html", form=form)


@bp.route("/<int:person_id>")
@requires("view", "register")
def detail(person_id: int) -> str:
    """Show a person, everything they are in the register, and their history."""
    person = service.person_or_404(person_id)
    return render_template(
        "people/detail.html", person=person, roles=service.roles_of(person), today=clock.today(),
        term=lambda rep: representative_term(rep.partner.partnership.guidance, rep.capacity),
        period=describe_period, scope_text=scope_text, home_of=service.home_of,
        history=history_of(person))


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(person_id: int) -> str | Response | tuple[str, int]:
    """Change a person's details or linked account, without overwriting someone else's edit."""
    person = service.person_or_404(person_id)
    form = _form(person, obj=person)
    if request.method == "GET":
        form.version.data = str(person.version)
        form.agency.data = person.agency_id
    if form.validate_on_submit():
        values = _values(form)
        try:
            if service.update_person(person, form.version.data, values):
                commit_edit(person, values)
                flash(f"{person.name}'s details updated", "success")
            return redirect(url_for("people.detail", person_id=person.id))
        except DomainError as error:
            refused(form, error, default="name")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.name} was changed while you were editing",
                cancel_url=url_for("people.detail", person_id=person.id))
    return render_template("people/edit.html", form=form, person=person)
