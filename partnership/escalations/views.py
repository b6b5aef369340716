"""The pages of the escalations log: the log with its summary, an escalation, adding and
changing one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.escalations import services
from partnership.escalations.forms import EscalationFilterForm, EscalationForm
from partnership.escalations.models import Escalation, EscalationStage
from partnership.kernel.dates import long_date, year_label
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("escalations", __name__, url_prefix="/partnerships/<slug>/escalations")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the log's pages their ways of writing dates and times to resolve."""
    return {"long_date": long_date, "days_to_resolve": services.days_to_resolve,
            "days_words": services.days_words, "is_open": services.is_open}


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _escalation(slug: str, escalation_id: int, verb: str = "view"
                ) -> tuple[Partnership, Escalation]:
    partnership = _partnership(slug)
    escalation = services.escalation_or_404(partnership, escalation_id)
    authorize(verb, escalation, hide=True)  # an agency lead never learns of others' escalations
    return partnership, escalation


def _filter(partnership: Partnership, form: EscalationFilterForm) -> services.EscalationFilter:
    if not form.validate():
        return services.EscalationFilter()
    stage = form.stage.data
    return services.EscalationFilter(
        status=form.status.data or "",
        stage=EscalationStage(stage) if stage else None,
        theme=form.theme.data or "",
        agency_id=int(form.agency.data) if form.agency.data else None,
        year=int(form.year.data) if form.year.data else None)


@bp.route("")
@requires("view", "escalations")
def index(slug: str) -> str:
    """List the escalations the reader may see, filtered, with a summary of them."""
    partnership = _partnership(slug)
    month = partnership.year_start_month
    agencies = services.agency_options(partnership)
    filters = EscalationFilterForm(
        request.args, themes=services.theme_choices(), agencies=agencies,
        years=[(year, year_label(year, month)) for year in services.year_options(partnership)])
    flt = _filter(partnership, filters)
    rows = services.escalations_of(partnership, flt)
    return render_template(
        "escalations/index.html", partnership=partnership, rows=rows, filters=filters,
        flt=flt, summary=services.summarise(rows))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "escalations")
def new(slug: str) -> str | Response:
    """Log an escalation or professional difference."""
    partnership = _partnership(slug)
    form = EscalationForm(agencies=services.agency_options(partnership),
                          themes=services.theme_choices())
    if form.validate_on_submit():
        with run_service(form) as step:
            escalation = services.create_escalation(partnership, form.values(), current_user)
            authorize("edit", escalation)  # the policy's word on the saved record
        if step.done:
            flash("Escalation logged", "success")
            return redirect(url_for(".detail", slug=slug, escalation_id=escalation.id))
    return render_template("escalations/new.html", form=form, partnership=partnership)


@bp.route("/<int:escalation_id>")
@requires("view", "escalations")
def detail(slug: str, escalation_id: int) -> str:
    """Show an escalation: who, how far it went, how and when it was resolved."""
    partnership, escalation = _escalation(slug, escalation_id)
    return render_template("escalations/detail.html", partnership=partnership,
                           escalation=escalation)


@bp.route("/<int:escalation_id>/edit", methods=["GET", "POST"])
@requires("edit", "escalations")
def edit(slug: str, escalation_id: int) -> str | Response | tuple[str, int]:
    """Change an escalation (record its resolution, say), without overwriting another's edit."""
    partnership, escalation = _escalation(slug, escalation_id, "edit")
    form = EscalationForm(obj=escalation, agencies=services.agency_options(partnership),
                          themes=services.theme_choices(escalation))
    if request.method == "GET":
        form.version.data = str(escalation.version)
    back = url_for(".detail", slug=slug, escalation_id=escalation.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_escalation(escalation, form.version.data, values, current_user):
                commit_edit(escalation, values)
                flash("Escalation updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This escalation was changed while you were editing")
    return render_template("escalations/edit.html", form=form, partnership=partnership,
                           escalation=escalation)
