"""Relevant agencies: the list as the arrangements show it, each agency, its contributions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.forms.agencies import (
    AgencyFilterForm,
    AgencyForm,
    ContributionForm,
)
from partnership.register.models import Agency, Contribution, Partnership, Sector
from partnership.register.services import agencies as services
from partnership.register.services import describe_period
from partnership.register.services.bodies import MEMBER_KIND_LABELS, seats_of, slug_for
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("agencies", __name__, url_prefix="/partnerships/<slug>/agencies")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the agency pages the register's ways of writing periods, money and seats."""
    return {"describe_period": describe_period, "pounds": services.pounds,
            "agency_status": services.agency_status, "today": clock.today(),
            "duty_starts": services.duty_starts,
            "member_kinds": MEMBER_KIND_LABELS}


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _agency(slug: str, agency_id: int, verb: str = "view") -> tuple[Partnership, Agency]:
    partnership = _partnership(slug)
    agency = services.agency_or_404(partnership, agency_id)
    authorize(verb, agency)
    return partnership, agency


def _contribution(slug: str, agency_id: int,
                  contribution_id: int) -> tuple[Partnership, Agency, Contribution]:
    partnership, agency = _agency(slug, agency_id, "edit")
    return partnership, agency, services.contribution_or_404(agency, contribution_id)


@bp.route("")
@requires("view", "register")
def index(slug: str) -> str:
    """List the partnership's agencies: groups with their members, then by sector."""
    partnership = _partnership(slug)
    filters = AgencyFilterForm(request.args)
    sector = status = None
    if filters.validate():
        sector = Sector(filters.sector.data) if filters.sector.data else None
        status = filters.status.data or None
    return render_template(
        "agencies/index.html", partnership=partnership, filters=filters,
        roster=services.agency_roster(partnership, sector=sector, status=status),
        totals=services.contribution_totals(partnership), filtered=bool(sector or status))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new(slug: str) -> str | Response:
    """Add a relevant agency (or a group of agencies) to the partnership."""
    partnership = _partnership(slug)
    authorize("edit", partnership)
    form = AgencyForm(groups=services.groups_of(partnership), people=services.people())
    if form.validate_on_submit():
        with run_service(form) as step:
            agency = services.create_agency(partnership, form.values())
        if step.done:
            flash(f"{agency.name} added", "success")
            return redirect(url_for(".detail", slug=slug, agency_id=agency.id))
    return render_template("agencies/new.html", form=form, partnership=partnership)


@bp.route("/<int:agency_id>")
@requires("view", "register")
def detail(slug: str, agency_id: int) -> str:
    """Show an agency, its members or group, its contributions, its seats and its history."""
    partnership, agency = _agency(slug, agency_id)
    return render_template(
        "agencies/detail.html", partnership=partnership, agency=agency,
        year_label=lambda year: services.reporting_year_label(partnership, year),
        seats=seats_of(agency), body_slug=lambda body: slug_for(partnership, body),
        establishments=services.establishment_count(agency),
        history=services.agency_history(agency))


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(slug: str, agency_id: int) -> str | Response | tuple[str, int]:
    """Change an agency, without overwriting someone else's edit."""
    partnership, agency = _agency(slug, agency_id, "edit")
    form = AgencyForm(obj=agency, groups=services.groups_of(partnership, agency),
                      people=services.people())
    if request.method == "GET":
        form.version.data = str(agency.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_agency(partnership, agency, form.version.data, values):
                commit_edit(agency, values)
                flash(f"{agency.name} updated", "success")
            return redirect(url_for(".detail", slug=slug, agency_id=agency.id))
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.name} was changed while you were editing",
                cancel_url=url_for(".detail", slug=slug, agency_id=agency.id))
    return render_template("agencies/edit.html", form=form, partnership=partnership,
                           agency=agency)


@bp.route("/<int:agency_id>/contributions", methods=["GET", "POST"])
@requires("edit", "register")
def contributions(slug: str, agency_id: int) -> str | Response:
    """List an agency's contributions and record one for another reporting year."""
    partnership, agency = _agency(slug, agency_id, "edit")
    form = ContributionForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            contribution = services.add_contribution(agency, form.values())
        if step.done:
            label = services.reporting_year_label(partnership, contribution.year)
            flash(f"Contribution for {label} added", "success")
            return redirect(url_for(".contributions", slug=slug, agency_id=agency.id))
    return render_template(
        "agencies/contributions.html", form=form, partnership=partnership, agency=agency,
        year_label=lambda year: services.reporting_year_label(partnership, year))


@bp.route("/<int:agency_id>/contributions/<int:contribution_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def contribution_edit(slug: str, agency_id: int,
                      contribution_id: int) -> str | Response | tuple[str, int]:
    """Correct a contribution's year or amount."""
    partnership, agency, contribution = _contribution(slug, agency_id, contribution_id)
    form = ContributionForm(obj=contribution)
    if request.method == "GET":
        form.version.data = str(contribution.version)
    back = url_for(".contributions", slug=slug, agency_id=agency.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_contribution(contribution, form.version.data, values):
                commit_edit(contribution, values)
                flash("Contribution updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This contribution was changed while you were editing")
    return render_template(
        "agencies/contribution_edit.html", form=form, partnership=partnership, agency=agency,
        contribution=contribution, history=history_of(contribution),
        year_label=services.reporting_year_label(partnership, contribution.year))


@bp.route("/<int:agency_id>/contributions/<int:contribution_id>/remove",
          methods=["GET", "POST"])
@requires("edit", "register")
def contribution_remove(slug: str, agency_id: int, contribution_id: int) -> str | Response:
    """Ask for confirmation, then remove a contribution recorded in error."""
    partnership, agency, contribution = _contribution(slug, agency_id, contribution_id)
    confirm = ConfirmForm()
    label = services.reporting_year_label(partnership, contribution.year)
    if confirm.validate_on_submit():
        services.remove_contribution(contribution)
        db.session.commit()
        flash(f"Contribution for {label} removed", "success")
        return redirect(url_for(".contributions", slug=slug, agency_id=agency.id))
    return render_template("agencies/contribution_remove.html", confirm=confirm,
                           partnership=partnership, agency=agency, contribution=contribution,
                           year_label=label)
