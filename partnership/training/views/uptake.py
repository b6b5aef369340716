"""Uptake against expected places, the expected places themselves, the follow-ups due, the
settings, and importing attendance from a booking system."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_label, year_span
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.training.forms.programme import (
    ConfirmImportForm,
    ImportForm,
    SettingsForm,
    UptakeFilterForm,
    expected_form,
)
from partnership.training.services import imports
from partnership.training.services import programme as services
from partnership.training.services import uptake as uptakes
from partnership.training.views import bp, partnership_for
from partnership.web import refused, run_service

Page = str | Response | tuple[str, int]


def _year(partnership: Partnership, years: list[int]) -> int:
    """The reporting year asked for in the query string (the current one otherwise)."""
    current = reporting_year(clock.today(), partnership.year_start_month)
    asked = request.args.get("year", "")
    return int(asked) if asked.isdigit() and int(asked) in years else current


@bp.route("/uptake")
@requires("view", "training")
def uptake(slug: str) -> str:
    """Attendance by sector and agency against the places expected, for a reporting year."""
    partnership = partnership_for(slug)
    years = uptakes.years_of(partnership, clock.today())
    year = _year(partnership, years)
    month = partnership.year_start_month
    filters = UptakeFilterForm(request.args, years=[(y, year_label(y, month)) for y in years])
    filters.year.data = str(year)
    return render_template("training/uptake.html", partnership=partnership, year=year,
                           filters=filters, table=uptakes.uptake_of_year(partnership, year),
                           complete=year_span(year, month)[1] < clock.today())


@bp.route("/uptake/expected", methods=["GET", "POST"])
@requires("edit", "training")
def expected(slug: str) -> Page:
    """Set the places each agency is expected to take up in a reporting year."""
    partnership = partnership_for(slug)
    years = uptakes.years_of(partnership, clock.today())
    current = reporting_year(clock.today(), partnership.year_start_month)
    years = sorted(set(years) | {current + 1}, reverse=True)
    year = _year(partnership, years)
    agencies = services.agency_options(partnership)
    targets = uptakes.targets_of(partnership, year)
    form = expected_form(agencies)
    status = 200
    if request.method == "GET":
        form.opened_at.data = uptakes.state_of(targets)
        for agency in agencies:
            if agency.id in targets:
                form[f"agency_{agency.id}"].data = targets[agency.id].expected
    elif form.validate_on_submit():
        numbers = {agency.id: form[f"agency_{agency.id}"].data for agency in agencies}
        try:
            changed = uptakes.save_expected(partnership, year, form.opened_at.data or "",
                                            numbers)
        except uptakes.ExpectedChanged as problem:
            refused(form, problem)
            targets = uptakes.targets_of(partnership, year)
            form.opened_at.data = uptakes.state_of(targets)
            status = 409
        except DomainError as problem:
            refused(form, problem)
        else:
            db.session.commit()
            flash(f"Expected places for {year_label(year, partnership.year_start_month)} "
                  f"saved ({changed} changed)", "success")
            return redirect(url_for(".uptake", slug=slug, year=year))
    sectors = {}
    for agency in agencies:
        sectors.setdefault(uptakes.sector_label(agency.sector), []).append(agency)
    return render_template("training/expected.html", partnership=partnership, form=form,
                           year=year, years=years, sectors=sorted(sectors.items()),
                           saved=targets, conflict=status == 409), status


@bp.route("/follow-ups")
@requires("view", "training")
def follow_ups(slug: str) -> str:
    """The sessions whose follow-up is due, by agency, with how many have answered."""
    partnership = partnership_for(slug)
    return render_template("training/follow_ups.html", partnership=partnership,
                           rows=services.follow_ups_due(partnership),
                           settings=services.settings_of(partnership))


@bp.route("/settings", methods=["GET", "POST"])
@requires("edit", "training")
def settings(slug: str) -> Page:
    """How many months after a session to follow it up, and whether a manager confirms."""
    partnership = partnership_for(slug)
    current = services.settings_of(partnership)
    form = SettingsForm(obj=current)
    if request.method == "GET":
        form.version.data = str(current.version)
    back = url_for(".index", slug=slug)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_settings(current, form.version.data, values):
                commit_edit(current, values)
                flash("Settings saved", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="The settings were changed while you were editing")
    return render_template("training/settings.html", form=form, partnership=partnership)


# --- importing attendance ---------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@requires("edit", "training")
def import_attendance(slug: str) -> Page:
    """Upload a booking system's export; every row is checked and the changes shown."""
    partnership = partnership_for(slug)
    form = ImportForm()
    confirm = ConfirmImportForm(formdata=None)
    checked = None
    filename = ""
    if form.validate_on_submit():
        upload = form.spreadsheet.data
        filename = (upload.filename or "spreadsheet").replace("\\", "/").rsplit("/", 1)[-1]
        try:
            checked = imports.check_attendance(partnership, filename, upload.read())
        except DomainError as problem:
            refused(form, problem, "spreadsheet")
        else:
            if checked.ok:
                confirm.sealed.data = imports.seal(filename, checked)
    return render_template(
        "training/import.html", partnership=partnership, form=form, checked=checked,
        confirm=confirm, filename=filename,
        problems=checked.problems[:200] if checked else [])


@bp.route("/import/confirm", methods=["POST"])
@requires("edit", "training")
def import_confirm(slug: str) -> Response:
    """Import the checked attendance, all in one go (a second click imports nothing twice)."""
    partnership = partnership_for(slug)
    form = ConfirmImportForm()
    back = url_for(".import_attendance", slug=slug)
    if not form.validate_on_submit() or not form.sealed.data:
        flash("Upload the file to check it first", "info")
        return redirect(back)
    with run_service(None) as step:
        filename, lines, states = imports.unseal(form.sealed.data)
        saved = imports.apply_attendance(partnership, filename, lines, states)
    if not step.done:
        return redirect(back)
    flash(f"Imported {filename}: {saved.new} new line{'' if saved.new == 1 else 's'} of "
          f"attendance, {saved.changed} changed, across {saved.sessions} session"
          f"{'' if saved.sessions == 1 else 's'}", "success")
    return redirect(url_for(".index", slug=slug))


@bp.route("/import/template.csv")
@requires("edit", "training")
def import_template(slug: str) -> Response:
    """A CSV to fill in, with a row for each session of the last and next three months."""
    partnership = partnership_for(slug)
    return Response(imports.template_csv(partnership), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{partnership.slug}-attendance.csv"'})
