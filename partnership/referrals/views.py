"""The hub's pages: the board, a referral (every view of one is audited), taking, routing,
answering and closing it, the report and its workbook, partner organisations and memoranda."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from partnership import clock
from partnership.access import authorize, requires
from partnership.audit.services import record_event, record_view
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.dates import long_date, reporting_year, year_label
from partnership.kernel.errors import DomainError
from partnership.policy import can
from partnership.referrals import services
from partnership.referrals.forms import (
    CloseForm,
    ContactForm,
    MemorandumForm,
    OrganisationForm,
    ReferralForm,
    ReportForm,
    ResponseForm,
    RouteForm,
)
from partnership.referrals.models import ComplexityReason, PartnerOrganisation, Referral
from partnership.referrals.rules import (
    acknowledgement_clock,
    decision_clock,
    status_of,
    waiting_for,
)
from partnership.register.models import Partnership
from partnership.web import refused, run_service

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the hub's pages their ways of writing dates, reasons and clocks."""
    return {"long_date": long_date, "status_of": status_of, "reason_label":
            lambda value: ComplexityReason(value).label,
            "acknowledgement_clock": acknowledgement_clock, "decision_clock": decision_clock}


# --- finding a record and asking the policy --------------------------------------------------


def _referral(verb: str, referral_id: int) -> Referral:
    """Find the referral (404 if none, or if the user may not know of it), ask the policy
    about it; a page showing it is written to the audit trail."""
    referral = services.referral_or_404(referral_id)
    authorize("view", referral, hide=True)  # need-to-know: its existence is not revealed
    authorize(verb, referral)
    if request.method == "GET":
        record_view(referral)
    return referral


def _organisation(organisation_id: int) -> PartnerOrganisation:
    organisation = services.organisation_or_404(organisation_id)
    authorize("view", organisation, hide=True)
    return organisation


def _detail(referral: Referral, message: str, anchor: str | None = None) -> Response:
    flash(message, "success")
    return redirect(url_for(".detail", referral_id=referral.id, _anchor=anchor))


# --- the board and the report ----------------------------------------------------------------


@bp.route("")
@requires("view", "referrals")
def board() -> str:
    """What is waiting on whom: the open referrals the reader may see, most urgent first."""
    today = clock.today()
    shown = services.board(today, include_closed=request.args.get("closed") == "1")
    if shown.rows:  # a list showing referrals is a view of each: one audit row names them
        record_event("view", record_type="complex_referral", record_id="board", changes={
            "referrals": [f"{row.referral.id} {row.referral.reference}" for row in shown.rows]})
    may_record = can(current_user, "refer", "referrals") and bool(
        services.referring_organisations(current_user))
    return render_template("referrals/board.html", board=shown, today=today,
                           include_closed=request.args.get("closed") == "1",
                           may_record=may_record)


def _report_form() -> tuple[ReportForm, int, Partnership | None]:
    """The report's filters: the reporting year (this one unless chosen) and the partnership
    concerned (every one the reader may see unless chosen)."""
    today = clock.today()
    partnerships = services.partnership_options()
    form = ReportForm(request.args, years=[(y, year_label(y))
                                           for y in services.report_years(today)],
                      partnerships=partnerships)
    valid = form.validate()
    year = int(form.year.data) if valid and form.year.data else reporting_year(today)
    chosen = form.partnership.data if valid else ""
    concerning = next((p for p in partnerships if str(p.id) == chosen), None)
    form.year.data = str(year)
    return form, year, concerning


@bp.route("/report")
@requires("report", "referrals")
def report() -> str:
    """The figures for a year: counts and times, of the referrals the reader may see (for
    the hub's own report, or for one partnership concerned)."""
    form, year, concerning = _report_form()
    return render_template("referrals/report.html", form=form, year=year,
                           found=services.report(year, clock.today(), concerning),
                           label=year_label(year))


@bp.route("/report.xlsx")
@requires("report", "referrals")
def report_xlsx() -> Response:
    """The year's figures as an XLSX workbook (the export is audited)."""
    today = clock.today()
    _, year, concerning = _report_form()
    content = services.report_workbook(services.report(year, today, concerning), today)
    record_event("export", record_type="complex_referral", record_id=f"report {year}")
    name = f"complex-referrals-{year_label(year)}".replace("\u2013", "-")
    if concerning is not None:
        name += f"-{concerning.slug}"
    return Response(content, headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"',
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


# --- a referral ---------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@requires("refer", "referrals")
def new() -> str | Response:
    """Record a referral received from a partner organisation."""
    form = ReferralForm(organisations=services.referring_organisations(current_user),
                        types=services.referral_types(), natures=services.natures())
    if request.method == "GET":
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        with run_service(form) as step:
            referral = services.record_referral(form.values())
            authorize("refer", referral)  # the policy's word on the saved record
        if step.done:
            return _detail(referral, f"Referral {referral.reference} recorded")
    return render_template("referrals/new.html", form=form)


@bp.route("/<int:referral_id>")
@requires("view", "referrals")
def detail(referral_id: int) -> str:
    """A referral: why it is complex, where it was routed, each answer and its clocks."""
    referral = _referral("view", referral_id)
    today = clock.today()
    return render_template("referrals/detail.html", referral=referral, today=today,
                           waiting=waiting_for(referral, today),
                           may_edit=can(current_user, "edit", referral),
                           answerable={route.id for route in referral.routes
                                       if can(current_user, "respond", route)})


@bp.route("/<int:referral_id>/edit", methods=["GET", "POST"])
@requires("edit", "referrals")
def edit(referral_id: int) -> str | Response | tuple[str, int]:
    """Change a referral's details, without overwriting another's edit."""
    referral = _referral("edit", referral_id)
    form = ReferralForm(obj=referral, organisations=services.referring_organisations(
        current_user), types=services.kept(services.referral_types(), [referral.referral_type]),
        natures=services.kept(services.natures(), referral.natures))
    if request.method == "GET":
        form.version.data = str(referral.version)
    back = url_for(".detail", referral_id=referral.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_referral(referral, form.version.data, values):
                commit_edit(referral, values)
                flash("Referral updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This referral was changed while you were editing")
    return render_template("referrals/edit.html", form=form, referral=referral)


@bp.route("/<int:referral_id>/routes/new", methods=["GET", "POST"])
@requires("edit", "referrals")
def route_new(referral_id: int) -> str | Response:
    """Route the referral to a police force or a partnership."""
    referral = _referral("edit", referral_id)
    form = RouteForm(forces=services.force_options(),
                     partnerships=services.partnership_options())
    if request.method == "GET":
        form.routed_on.data = clock.today()
    if form.validate_on_submit():
        with run_service(form) as step:
            route = services.route_referral(referral, form.values())
        if step.done:
            return _detail(referral, f"Routed to {route.name}", "routes")
    return render_template("referrals/route_new.html", form=form, referral=referral)


@bp.route("/<int:referral_id>/routes/<int:route_id>", methods=["GET", "POST"])
@requires("respond", "referrals")
def route_answer(referral_id: int, route_id: int) -> str | Response | tuple[str, int]:
    """Record a force's or partnership's acknowledgement and outcome."""
    referral = _referral("view", referral_id)
    route = services.route_or_404(referral, route_id)
    authorize("respond", route)
    form = ResponseForm(obj=route)
    if request.method == "GET":
        form.version.data = str(route.version)
        form.outcome.data = route.outcome.value if route.outcome else ""
    back = url_for(".detail", referral_id=referral.id, _anchor="routes")
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.respond(route, form.version.data, values):
                commit_edit(route, values)
                flash(f"Answer from {route.name} saved", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This answer was changed while you were editing")
    today = clock.today()
    return render_template("referrals/route_answer.html", form=form, referral=referral,
                           route=route, ack=acknowledgement_clock(route, today),
                           dec=decision_clock(route, today))


@bp.route("/<int:referral_id>/close", methods=["GET", "POST"])
@requires("edit", "referrals")
def close(referral_id: int) -> str | Response:
    """Close the referral once every force and partnership has decided."""
    referral = _referral("edit", referral_id)
    form = CloseForm()
    if request.method == "GET":
        form.closed_on.data = clock.today()
    if form.validate_on_submit():
        with run_service(form) as step:
            services.close_referral(referral, form.closed_on.data,
                                    (form.closing_note.data or "").strip())
        if step.done:
            return _detail(referral, f"Referral {referral.reference} closed")
    return render_template("referrals/close.html", form=form, referral=referral)


# --- partner organisations and memoranda -------------------------------------------------------


@bp.route("/organisations")
@requires("view", "referral_partners")
def organisations() -> str:
    """The partner organisations and whether each may refer today."""
    return render_template("referrals/organisations.html", today=clock.today(),
                           organisations=services.organisations())


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires("edit", "referral_partners")
def organisation_new() -> str | Response:
    """Add a partner organisation."""
    hubs = services.hub_partnerships(current_user)
    form = OrganisationForm(hubs=hubs, agencies=services.account_agency_options(hubs))
    if form.validate_on_submit():
        with run_service(form) as step:
            organisation = services.create_organisation(form.values())
            authorize("edit", organisation)
        if step.done:
            flash(f"{organisation.name} added", "success")
            return redirect(url_for(".organisation", organisation_id=organisation.id))
    return render_template("referrals/organisation_new.html", form=form)


@bp.route("/organisations/<int:organisation_id>")
@requires("view", "referral_partners")
def organisation(organisation_id: int) -> str:
    """A partner organisation: its contacts and memoranda."""
    found = _organisation(organisation_id)
    today = clock.today()
    return render_template("referrals/organisation.html", organisation=found, today=today,
                           refusal=found.refusal_to_refer(today))


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires("edit", "referral_partners")
def organisation_edit(organisation_id: int) -> str | Response | tuple[str, int]:
    """Change a partner organisation."""
    found = _organisation(organisation_id)
    authorize("edit", found)
    hubs = services.hub_partnerships(current_user)
    form = OrganisationForm(obj=found, hubs=hubs,
                            agencies=services.account_agency_options(hubs))
    if request.method == "GET":
        form.version.data = str(found.version)
    back = url_for(".organisation", organisation_id=found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_organisation(found, form.version.data, values):
                commit_edit(found, values)
                flash(f"{found.name} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This organisation was changed while you were editing")
    return render_template("referrals/organisation_edit.html", form=form, organisation=found)


@bp.route("/organisations/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@requires("edit", "referral_partners")
def contact_new(organisation_id: int) -> str | Response:
    """Add a contact at a partner organisation (work details only)."""
    found = _organisation(organisation_id)
    authorize("edit", found)
    form = ContactForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            contact = services.add_contact(found, form.values())
        if step.done:
            flash(f"{contact.name} added", "success")
            return redirect(url_for(".organisation", organisation_id=found.id))
    return render_template("referrals/contact_new.html", form=form, organisation=found)


@bp.route("/organisations/<int:organisation_id>/contacts/<int:contact_id>/edit",
          methods=["GET", "POST"])
@requires("edit", "referral_partners")
def contact_edit(organisation_id: int, contact_id: int) -> str | Response | tuple[str, int]:
    """Change a contact's work details."""
    found = _organisation(organisation_id)
    contact = services.contact_or_404(found, contact_id)
    authorize("edit", contact)
    form = ContactForm(obj=contact)
    if request.method == "GET":
        form.version.data = str(contact.version)
    back = url_for(".organisation", organisation_id=found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_contact(contact, form.version.data, values):
                commit_edit(contact, values)
                flash(f"{contact.name} updated", "success")
            return redirect(back)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This contact was changed while you were editing")
    return render_template("referrals/contact_edit.html", form=form, organisation=found,
                           contact=contact)


@bp.route("/organisations/<int:organisation_id>/memoranda/new", methods=["GET", "POST"])
@requires("edit", "referral_partners")
def memorandum_new(organisation_id: int) -> str | Response:
    """Record a version of an organisation's memorandum of understanding."""
    found = _organisation(organisation_id)
    authorize("edit", found)
    form = MemorandumForm(types=services.referral_types())
    if form.validate_on_submit():
        with run_service(form) as step:
            memorandum = services.add_memorandum(found, form.values())
        if step.done:
            flash(f"Memorandum version {memorandum.version_label} recorded", "success")
            return redirect(url_for(".organisation", organisation_id=found.id))
    return render_template("referrals/memorandum_new.html", form=form, organisation=found)


@bp.route("/organisations/<int:organisation_id>/memoranda/<int:memorandum_id>/edit",
          methods=["GET", "POST"])
@requires("edit", "referral_partners")
def memorandum_edit(organisation_id: int, memorandum_id: int
                    ) -> str | Response | tuple[str, int]:
    """Change a memorandum: sign it, set its review date, withdraw it."""
    found = _organisation(organisation_id)
    memorandum = services.memorandum_or_404(found, memorandum_id)
    authorize("edit", memorandum)
    form = MemorandumForm(obj=memorandum, types=services.kept(services.referral_types(),
                                                              memorandum.referral_types))
    if request.method == "GET":
        form.version.data = str(memorandum.version)
        form.status.data = memorandum.status.value
    back = url_for(".organisation", organisation_id=found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_memorandum(memorandum, form.version.data, values):
                commit_edit(memorandum, values)
                flash(f"Memorandum version {memorandum.version_label} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This memorandum was changed while you were editing")
    return render_template("referrals/memorandum_edit.html", form=form, organisation=found,
                           memorandum=memorandum)
