"""Business plan pages: the plans, a plan's year, objectives and phases, little or no
progress, carrying unfinished actions forward, and the plan as a PDF."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.actions.rag import Rag
from partnership.audit.services import record_event
from partnership.documents.delivery import pdf_response
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.dates import long_date, year_span
from partnership.kernel.errors import DomainError
from partnership.plans import services
from partnership.plans.document import pdf_filename, plan_pdf_request
from partnership.plans.forms import (
    CarryForwardForm,
    ObjectiveForm,
    PeriodForm,
    PhaseForm,
    PlanForm,
)
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("plans", __name__)

PHASE_TAG_CLASSES = {
    services.PhaseState.COMPLETE: "govuk-tag--blue",
    services.PhaseState.ACTIONS_DONE: "govuk-tag--turquoise",
    services.PhaseState.OVERDUE: "govuk-tag--red",
    services.PhaseState.AT_RISK: "govuk-tag--orange",
    services.PhaseState.UNDER_WAY: "govuk-tag--light-blue",
    services.PhaseState.NOT_DUE: "govuk-tag--grey",
}
RAG_ORDER = tuple(Rag)  # worst first


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the plan pages the ways of writing ratings, phases, years and links."""
    return {"phase_classes": PHASE_TAG_CLASSES, "rag_order": RAG_ORDER,
            "period_label": services.period_label, "year_label": services.plan_year_label,
            "Part": Part}


def _plan_form(partnership: Partnership, plan: Plan | None = None) -> PlanForm:
    return PlanForm(obj=plan, years=services.year_choices(partnership, plan))


def _objective_form(plan: Plan, objective: Objective | None = None) -> ObjectiveForm:
    return ObjectiveForm(
        obj=objective, years=[(y, services.plan_year_label(plan, y)) for y in plan.years],
        bodies=services.lead_body_options(plan, objective),
        partnerships=services.joint_options(plan))


# --- plans -----------------------------------------------------------------------------------


@bp.route("/plans", endpoint="all")
@requires("view", "plans")
def all_plans() -> str:
    """List every partnership's business plans."""
    return render_template("plans/all.html", rows=services.plan_rows())


@bp.route("/partnerships/<slug>/plans")
@requires("view", "plans")
def index(slug: str) -> str:
    """List one partnership's business plans."""
    partnership = partnership_or_404(slug)
    return render_template("plans/index.html", partnership=partnership,
                           rows=services.plan_rows(partnership))


@bp.route("/partnerships/<slug>/plans/new", methods=["GET", "POST"])
@requires("edit", "plans")
def new(slug: str) -> str | Response:
    """Start a business plan for a partnership."""
    partnership = partnership_or_404(slug)
    form = _plan_form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            plan = services.create_plan(partnership, form.values())
        if step.done:
            flash(f"{plan.title} added", "success")
            return redirect(url_for(".detail", plan_id=plan.id))
    return render_template("plans/new.html", form=form, partnership=partnership)


@bp.route("/plans/<int:plan_id>")
@requires("view", "plans")
def detail(plan_id: int) -> str:
    """Show a reporting year of the plan: objectives, activities, priorities, roll-ups."""
    plan = services.plan_or_404(plan_id)
    today = clock.today()
    year = services.chosen_year(plan, request.args.get("year"), today)
    return render_template("plans/detail.html", plan=plan, view=services.plan_year(plan, year,
                                                                                   today),
                           years=[(y, services.plan_year_label(plan, y)) for y in plan.years],
                           history=services.plan_history(plan))


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("edit", "plans")
def edit(plan_id: int) -> str | Response | tuple[str, int]:
    """Change a plan's title, period, introduction or settings, without losing an edit."""
    plan = services.plan_or_404(plan_id)
    form = _plan_form(plan.partnership, plan)
    if request.method == "GET":
        form.version.data = str(plan.version)
    back = url_for(".detail", plan_id=plan.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_plan(plan, form.version.data, values):
                commit_edit(plan, values)
                flash(f"{plan.title} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.title} was changed while you were "
                                         "editing")
    return render_template("plans/edit.html", form=form, plan=plan)


@bp.route("/plans/<int:plan_id>/plan.pdf")
@requires("view", "plans")
def pdf(plan_id: int) -> Response:
    """Show a year of the plan as a PDF in the familiar table layout, rendered by the worker
    (audited as an export when it is sent)."""
    plan = services.plan_or_404(plan_id)
    today = clock.today()
    year = services.chosen_year(plan, request.args.get("year"), today)
    response = pdf_response(plan_pdf_request(plan, year, today), pdf_filename(plan, year),
                            download=False,
                            back_url=url_for("plans.detail", plan_id=plan.id, year=year),
                            back_text="Back to the plan")
    if response.status_code == 200:
        record_event("export", record_type="plan", record_id=plan.id,
                     changes={"document": "business plan PDF "
                                          f"{services.plan_year_label(plan, year)}"})
    return response


# --- little or no progress -------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/little-progress")
@requires("view", "plans")
def little_progress(plan_id: int) -> str:
    """List the objectives and actions with little or no progress in a period."""
    plan = services.plan_or_404(plan_id)
    today = clock.today()
    default_start, default_end = year_span(services.default_year(plan, today),
                                           services.start_month(plan))
    start, end = default_start, default_end
    form = PeriodForm(formdata=request.args if request.args else None)
    if request.args and form.validate():
        start, end = form.start.data or default_start, form.end.data or default_end
        if end < start:
            form.end.errors = ["To must be the same as or after From"]
            start, end = default_start, default_end
    if not request.args:
        form.start.data, form.end.data = start.isoformat(), end.isoformat()
    return render_template(
        "plans/little_progress.html", plan=plan, form=form, start=start, end=end,
        gaps=services.little_or_no_progress(plan, start, end, today))


# --- carrying forward ------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/carry-forward", methods=["GET", "POST"])
@requires("carry_forward", "actions")
def carry_forward(plan_id: int) -> str | Response:
    """Carry a year's unfinished actions into the next year, as new linked actions."""
    plan = services.plan_or_404(plan_id)
    today = clock.today()
    raw_year = request.form.get("year") if request.method == "POST" else request.args.get("year")
    year = services.chosen_carry_year(plan, raw_year, today)
    candidates = services.carry_candidates(plan, year, today) if year is not None else []
    form = CarryForwardForm()
    form.action_ids.choices = [(c.action.id, c.action.title) for c in candidates]
    if request.method == "GET":
        form.year.data = str(year) if year is not None else ""
        form.action_ids.data = [c.action.id for c in candidates]
    if year is not None and form.validate_on_submit():
        with run_service(form, default="action_ids") as step:
            copies = services.carry_forward(plan, year, form.action_ids.data or [], today)
        if step.done:
            count = len(copies)
            flash(f"{count} action{'s' if count != 1 else ''} carried forward into "
                  f"{services.plan_year_label(plan, year + 1)}", "success")
            return redirect(url_for(".detail", plan_id=plan.id, year=year + 1))
    return render_template(
        "plans/carry_forward.html", plan=plan, form=form, year=year, candidates=candidates,
        years=[(y, services.plan_year_label(plan, y)) for y in services.carry_years(plan)],
        next_start=year_span(year + 1, services.start_month(plan))[0]
        if year is not None else None)


# --- objectives ------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/objectives/new", methods=["GET", "POST"])
@requires("edit", "plans")
def objective_new(plan_id: int) -> str | Response:
    """Add a Part A objective, a Part B activity or a learning hub priority to a plan."""
    plan = services.plan_or_404(plan_id)
    form = _objective_form(plan)
    if request.method == "GET":
        part = request.args.get("part")
        form.part.data = part if part in {p.value for p in Part} else Part.STRATEGIC.value
    if form.validate_on_submit():
        with run_service(form) as step:
            objective = services.create_objective(plan, form.values())
        if step.done:
            flash(f"{objective.reference} {objective.title} added", "success")
            return redirect(url_for(".objective", objective_id=objective.id))
    return render_template("plans/objective_new.html", form=form, plan=plan)


@bp.route("/objectives/<int:objective_id>")
@requires("view", "plans")
def objective(objective_id: int) -> str:
    """Show an objective: roll-ups, latest evidence of impact, phases, actions, history."""
    found = services.objective_or_404(objective_id)
    return render_template("plans/objective.html", objective=found, plan=found.plan,
                           view=services.objective_view(found, clock.today()),
                           history=services.objective_history(found),
                           label_year=lambda year: services.plan_year_label(found.plan, year))


@bp.route("/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
@requires("edit", "plans")
def objective_edit(objective_id: int) -> str | Response | tuple[str, int]:
    """Change an objective, without overwriting someone else's edit."""
    found = services.objective_or_404(objective_id)
    plan = found.plan
    form = _objective_form(plan, found)
    if request.method == "GET":
        form.version.data = str(found.version)
    back = url_for(".objective", objective_id=found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_objective(found, form.version.data, values):
                commit_edit(found, values)
                flash(f"{found.reference} {found.title} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.reference} was changed while you "
                                         "were editing")
    return render_template("plans/objective_edit.html", form=form, plan=plan, objective=found)


# --- phases ----------------------------------------------------------------------------------


def _phase_hint(found: Objective) -> str:
    first, last = services.phase_window(found)
    return f"Between {long_date(first)} and {long_date(last)}"


@bp.route("/objectives/<int:objective_id>/phases/new", methods=["GET", "POST"])
@requires("edit", "plans")
def phase_new(objective_id: int) -> str | Response:
    """Add a named phase (scoping, auditing, feedback...) to a priority."""
    found = services.objective_or_404(objective_id)
    form = PhaseForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            phase = services.create_phase(found, form.values())
        if step.done:
            flash(f"{phase.name} phase added", "success")
            return redirect(url_for(".objective", objective_id=found.id, _anchor="phases"))
    return render_template("plans/phase_new.html", form=form, objective=found, plan=found.plan,
                           window=_phase_hint(found))


@bp.route("/phases/<int:phase_id>/edit", methods=["GET", "POST"])
@requires("edit", "plans")
def phase_edit(phase_id: int) -> str | Response | tuple[str, int]:
    """Change a phase's dates, completion or notes, without overwriting someone else's edit."""
    phase: Phase = services.phase_or_404(phase_id)
    found = phase.objective
    form = PhaseForm(obj=phase)
    if request.method == "GET":
        form.version.data = str(phase.version)
    back = url_for(".objective", objective_id=found.id, _anchor="phases")
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_phase(phase, form.version.data, values):
                commit_edit(phase, values)
                flash(f"{phase.name} phase updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"The {conflict.obj.name} phase was changed while "
                                         "you were editing")
    return render_template("plans/phase_edit.html", form=form, phase=phase, objective=found,
                           plan=found.plan, window=_phase_hint(found))
