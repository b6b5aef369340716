"""Cross-area collaborations: the list, each one's members and shared bodies, and details."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership import clock
from partnership.access import requires
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.errors import DomainError
from partnership.register.forms.collaborations import CollaborationForm
from partnership.register.services import collaborations as service
from partnership.web import refused, run_service

bp = Blueprint("collaborations", __name__, url_prefix="/collaborations")


def _form(**kwargs: object) -> CollaborationForm:
    form = CollaborationForm(**kwargs)  # type: ignore[arg-type]
    form.partnerships.choices = service.partnership_choices()
    return form


def _values(form: CollaborationForm) -> dict[str, object]:
    return {
        "name": (form.name.data or "").strip(),
        "short_name": (form.short_name.data or "").strip(),
        "description": (form.description.data or "").strip(),
        "independently_chaired": form.independently_chaired.data,
        "partnerships": service.partnerships_with_ids(form.partnerships.data or []),
        "external_members": list(form.external_members.data or []),
    }


@bp.route("")
@requires("view", "register")
def index() -> str:
    """List the collaborations."""
    return render_template("collaborations/index.html",
                           collaborations=service.all_collaborations())


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new() -> str | Response:
    """Record a collaboration between partnerships."""
    form = _form()
    if form.validate_on_submit():
        with run_service(form, default="name") as step:
            collaboration = service.create_collaboration(_values(form))
        if step.done:
            flash(f"{collaboration.name} added", "success")
            return redirect(url_for("collaborations.detail", collaboration_id=collaboration.id))
    return render_template("collaborations/new.html", form=form)


@bp.route("/<int:collaboration_id>")
@requires("view", "register")
def detail(collaboration_id: int) -> str:
    """Show a collaboration, its member partnerships, its shared bodies and its history."""
    collaboration = service.collaboration_or_404(collaboration_id)
    return render_template("collaborations/detail.html", collaboration=collaboration,
                           history=history_of(collaboration), today=clock.today())


@bp.route("/<int:collaboration_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(collaboration_id: int) -> str | Response | tuple[str, int]:
    """Change a collaboration or its members, without overwriting someone else's edit."""
    collaboration = service.collaboration_or_404(collaboration_id)
    form = _form(obj=collaboration)
    if request.method == "GET":
        form.version.data = str(collaboration.version)
        form.partnerships.data = [p.id for p in collaboration.partnerships]
    if form.validate_on_submit():
        values = _values(form)
        try:
            if service.update_collaboration(collaboration, form.version.data, values):
                commit_edit(collaboration, values)
                flash(f"{collaboration.name} updated", "success")
            return redirect(url_for("collaborations.detail", collaboration_id=collaboration.id))
        except DomainError as error:
            refused(form, error, default="name")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.name} was changed while you were editing",
                cancel_url=url_for("collaborations.detail", collaboration_id=collaboration.id))
    return render_template("collaborations/edit.html", form=form, collaboration=collaboration)
