"""The pages of scales: a partnership's grading scales, each with its grades best first.

Everyone reads them; the team keeps them. A grade that answers give cannot be removed.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.scales import services
from partnership.scales.forms import GradeForm, MoveForm, ScaleForm
from partnership.scales.models import Grade, GradeScale
from partnership.web import refused, run_service

bp = Blueprint("scales", __name__, url_prefix="/partnerships/<slug>/scales")


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _scale(slug: str, scale_id: int, verb: str = "view") -> tuple[Partnership, GradeScale]:
    partnership = _partnership(slug)
    scale = services.scale_or_404(partnership, scale_id)
    authorize(verb, scale)
    return partnership, scale


def _grade(slug: str, scale_id: int, grade_id: int) -> tuple[Partnership, GradeScale, Grade]:
    partnership, scale = _scale(slug, scale_id, "edit")
    return partnership, scale, services.grade_or_404(scale, grade_id)


def _detail(scale: GradeScale, anchor: str | None = None) -> Response:
    return redirect(url_for(".detail", slug=scale.partnership.slug, scale_id=scale.id,
                            _anchor=anchor))


@bp.route("")
@requires("view", "scales")
def index(slug: str) -> str:
    """List the partnership's grading scales with their grades."""
    partnership = _partnership(slug)
    return render_template("scales/index.html", partnership=partnership,
                           scales=services.scales_of(partnership))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "scales")
def new(slug: str) -> str | Response:
    """Add a scale; its grades are added next."""
    partnership = _partnership(slug)
    form = ScaleForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            scale = services.create_scale(partnership, form.name.data or "",
                                          form.description.data or "")
        if step.done:
            flash(f"{scale.name} added: now add its grades, best first", "success")
            return _detail(scale)
    return render_template("scales/form.html", form=form, partnership=partnership, scale=None)


@bp.route("/<int:scale_id>")
@requires("view", "scales")
def detail(slug: str, scale_id: int) -> str:
    """Show a scale's grades, best first, and what grades on it."""
    partnership, scale = _scale(slug, scale_id)
    return render_template("scales/detail.html", partnership=partnership, scale=scale,
                           uses=services.uses_of(scale), grade_form=GradeForm())


@bp.route("/<int:scale_id>/edit", methods=["GET", "POST"])
@requires("edit", "scales")
def edit(slug: str, scale_id: int) -> str | Response | tuple[str, int]:
    """Rename a scale or change its description, without overwriting someone else's edit."""
    partnership, scale = _scale(slug, scale_id, "edit")
    form = ScaleForm(obj=scale)
    if request.method == "GET":
        form.version.data = str(scale.version)
    if form.validate_on_submit():
        values = {"name": form.name.data or "", "description": form.description.data or ""}
        try:
            if services.update_scale(scale, form.version.data, **values):
                commit_edit(scale, values)
                flash(f"{scale.name} saved", "success")
            return _detail(scale)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=url_for(
                ".detail", slug=slug, scale_id=scale_id),
                title=f"{conflict.obj.name} was changed while you were editing")
    return render_template("scales/form.html", form=form, partnership=partnership, scale=scale)


@bp.route("/<int:scale_id>/grades/new", methods=["GET", "POST"])
@requires("edit", "scales")
def grade_new(slug: str, scale_id: int) -> str | Response:
    """Add a grade at the bottom of the scale."""
    partnership, scale = _scale(slug, scale_id, "edit")
    form = GradeForm()
    if form.validate_on_submit():
        with run_service(form, default="label") as step:
            grade = services.add_grade(scale, form.values())
            label, grade_id = grade.label, grade.id
        if step.done:
            flash(f"{label} added", "success")
            return _detail(scale, f"grade-{grade_id}")
    return render_template("scales/grade_form.html", form=form, partnership=partnership,
                           scale=scale, grade=None)


@bp.route("/<int:scale_id>/grades/<int:grade_id>", methods=["GET", "POST"])
@requires("edit", "scales")
def grade_edit(slug: str, scale_id: int, grade_id: int) -> str | Response:
    """Change a grade's label, meaning or whether it needs an action."""
    partnership, scale, grade = _grade(slug, scale_id, grade_id)
    form = GradeForm(obj=grade)
    if form.validate_on_submit():
        with run_service(form, default="label") as step:
            changed = services.update_grade(grade, form.values())
        if step.done:
            if changed:
                flash(f"{grade.label} saved", "success")
            return _detail(scale, f"grade-{grade.id}")
    return render_template("scales/grade_form.html", form=form, partnership=partnership,
                           scale=scale, grade=grade)


@bp.route("/<int:scale_id>/grades/<int:grade_id>/remove", methods=["GET", "POST"])
@requires("edit", "scales")
def grade_remove(slug: str, scale_id: int, grade_id: int) -> str | Response:
    """Ask, then remove a grade that no answer gives."""
    partnership, scale, grade = _grade(slug, scale_id, grade_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = grade.label
        with run_service() as step:
            services.remove_grade(grade)
        if step.done:
            flash(f"{label} removed", "success")
        return _detail(scale, "grades")
    return render_template("scales/grade_remove.html", form=form, partnership=partnership,
                           scale=scale, grade=grade, used=services.answers_using(grade))


@bp.route("/<int:scale_id>/grades/<int:grade_id>/move", methods=["POST"])
@requires("edit", "scales")
def grade_move(slug: str, scale_id: int, grade_id: int) -> Response:
    """Move a grade one place up (better) or down (worse)."""
    _, scale, grade = _grade(slug, scale_id, grade_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data:
        with run_service() as step:
            moved = services.move_grade(grade, form.direction.data)
        if step.done and moved:
            flash(f"{grade.label} moved {form.direction.data}", "success")
    return _detail(scale, f"grade-{grade.id}")
