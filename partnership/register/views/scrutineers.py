"""Independent scrutiny of a partnership: a person, an organisation or commissioned experts."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership.access import requires
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.errors import DomainError
from partnership.register.forms.scrutiny import ScrutineerForm
from partnership.register.models import Partnership, ScrutinyKind
from partnership.register.services import describe_period
from partnership.register.services import scrutiny as service
from partnership.register.services.partnerships import partnership_or_404
from partnership.register.services.people import person_choices, person_or_404
from partnership.web import refused, run_service

bp = Blueprint("scrutineers", __name__, url_prefix="/partnerships/<slug>/scrutineers")


def _form(partnership: Partnership, **kwargs: object) -> ScrutineerForm:
    form = ScrutineerForm(**kwargs)  # type: ignore[arg-type]
    form.person.choices = [("", "Select a person"), *person_choices()]
    form.bodies.choices = service.body_choices(partnership)
    return form


def _values(form: ScrutineerForm, partnership: Partnership) -> dict[str, object]:
    chosen = set(form.bodies.data or [])
    return {
        "kind": ScrutinyKind(form.kind.data),
        "person": person_or_404(form.person.data) if form.person.data else None,
        "post": (form.post.data or "").strip(),
        "organisation": (form.organisation.data or "").strip(),
        "whole_partnership": form.whole_partnership.data,
        "scope": (form.scope.data or "").strip(),
        "bodies": [body for body in partnership.bodies if body.id in chosen],
        "appointed_by": (form.appointed_by.data or "").strip(),
        "valid_from": form.valid_from.data,
        "valid_to": form.valid_to.data,
    }


@bp.route("")
@requires("view", "register")
def index(slug: str) -> str:
    """List everyone commissioned to scrutinise the partnership, past and present."""
    partnership = partnership_or_404(slug)
    return render_template("scrutineers/index.html", partnership=partnership,
                           scrutineers=service.all_scrutineers(partnership),
                           scope_text=service.scope_text, period=describe_period,
                           name_of=service.scrutineer_name)


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new(slug: str) -> str | Response:
    """Record an independent scrutineer and their scope."""
    partnership = partnership_or_404(slug)
    form = _form(partnership)
    if form.validate_on_submit():
        with run_service(form, default="person") as step:
            scrutineer = service.add_scrutineer(partnership, _values(form, partnership))
        if step.done:
            flash(f"{service.scrutineer_name(scrutineer)} added as a scrutineer", "success")
            return redirect(url_for("scrutineers.detail", slug=slug, scrutineer_id=scrutineer.id))
    return render_template("scrutineers/new.html", form=form, partnership=partnership)


@bp.route("/<int:scrutineer_id>")
@requires("view", "register")
def detail(slug: str, scrutineer_id: int) -> str:
    """Show a scrutineer's scope, dates and history."""
    partnership = partnership_or_404(slug)
    scrutineer = service.scrutineer_or_404(partnership, scrutineer_id)
    return render_template("scrutineers/detail.html", partnership=partnership,
                           scrutineer=scrutineer,
                           scope_text=service.scope_text, period=describe_period,
                           name=service.scrutineer_name(scrutineer),
                           history=history_of(scrutineer))


@bp.route("/<int:scrutineer_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(slug: str, scrutineer_id: int) -> str | Response | tuple[str, int]:
    """Change a scrutineer's scope or dates, without overwriting someone else's edit."""
    partnership = partnership_or_404(slug)
    scrutineer = service.scrutineer_or_404(partnership, scrutineer_id)
    form = _form(partnership, obj=scrutineer)
    back = url_for("scrutineers.detail", slug=slug, scrutineer_id=scrutineer.id)
    if request.method == "GET":
        form.version.data = str(scrutineer.version)
        form.person.data = scrutineer.person_id
        form.kind.data = scrutineer.kind.value
        form.bodies.data = [body.id for body in scrutineer.bodies]
    if form.validate_on_submit():
        values = _values(form, partnership)
        try:
            if service.update_scrutineer(scrutineer, form.version.data, values):
                commit_edit(scrutineer, values)
                flash(f"{service.scrutineer_name(scrutineer)}: details updated", "success")
            return redirect(back)
        except DomainError as error:
            refused(form, error, default="person")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{service.scrutineer_name(conflict.obj)}: the details were "
                "changed while you were editing them", cancel_url=back)
    return render_template("scrutineers/edit.html", form=form, partnership=partnership,
                           scrutineer=scrutineer, name=service.scrutineer_name(scrutineer))
