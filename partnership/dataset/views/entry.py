"""Entering, correcting, approving and importing figures; the commentary; the child population;
the benchmarks and their releases."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.accounts.models import User
from partnership.dataset.forms.entry import (
    ApproveForm,
    BenchmarkImportForm,
    ConfirmImportForm,
    ImportValuesForm,
    PopulationForm,
    ValuesForm,
    values_form,
)
from partnership.dataset.models import BenchmarkRelease, Indicator, ValueStatus
from partnership.dataset.periods import Period
from partnership.dataset.series import load_series
from partnership.dataset.services import imports, values
from partnership.dataset.views import bp, indicator_for, partnership_for, period_for
from partnership.documents.spreadsheets import XLSX_MIMETYPE, SpreadsheetError, read_table
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.policy import can
from partnership.register.models import Partnership
from partnership.web import refused, render_error, run_service


def _user() -> User:
    """The signed-in user, as the services record who did what."""
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _fill(form: ValuesForm, saved: values.PeriodFigures) -> None:
    """Show the saved figures in a fresh form."""
    form.opened_at.data = saved.state
    total = saved.total
    if total is not None:
        form.number.data = total.number
        form.denominator.data = total.denominator
        form.note.data = total.note
    form.status.data = (saved.status or ValueStatus.PROVISIONAL).value
    for (dimension, subject, category), value in saved.values.items():
        name = values.field_name((dimension, subject), category)
        if name in form:
            form[name].data = value.number
    if saved.commentary is not None:
        form.commentary.data = saved.commentary.text


@bp.route("/indicators/<int:indicator_id>/periods/<period>", methods=["GET", "POST"],
          endpoint="values")
@requires("enter", "dataset")
def values_page(slug: str, indicator_id: int, period: str) -> str | Response | tuple[str, int]:
    """Enter or correct a period's figures and commentary, without overwriting anyone's."""
    partnership, indicator = indicator_for(slug, indicator_id, "enter")
    at = period_for(partnership, indicator, period)
    if at.start > clock.today():
        abort(404)
    form = values_form(indicator)
    saved = values.figures_for(indicator, at)
    if request.method == "GET":
        _fill(form, saved)
    status = 200
    if form.validate_on_submit():
        try:
            outcome = values.save_figures(indicator, at, form.entered(indicator),
                                          form.opened_at.data or "", _user())
            values.commit_figures(indicator, at)
        except DomainError as problem:
            refused(form, problem, "number")
        except values.FiguresChanged as changed:
            saved = changed.saved
            form.opened_at.data = saved.state
            form.form_errors.append(
                "Someone saved figures for this period after you opened it. Their figures "
                "are shown under Saved figures: check yours against them and save again")
            status = 409
        else:
            flash(_saved_words(indicator, at, outcome), "success")
            return redirect(url_for(".values", slug=slug, indicator_id=indicator.id,
                                    period=at.start.isoformat()))
    series = load_series([indicator], first=at.start, last=at.start)[indicator.id]
    return render_template(
        "dataset/entry/values.html", partnership=partnership, indicator=indicator, period=at,
        form=form, saved=saved, point=series.latest, threshold=series.threshold,
        history=values.history(saved), conflict=status == 409,
        saved_rows=values.saved_rows(saved),
        previous=at.shifted(-1), following=_started(at.shifted(1))), status


def _started(period: Period) -> Period | None:
    return period if period.start <= clock.today() else None


def _saved_words(indicator: Indicator, at: Period, outcome: values.Saved) -> str:
    if not outcome.changed:
        return f"Nothing changed in {indicator.reference} {at.label}"
    said = f"Saved {indicator.reference} {at.label}"
    if outcome.unapproved:
        said += ": the corrected figures need approving again before they are published"
    return said


@bp.route("/approve", methods=["GET", "POST"])
@requires("approve", "dataset")
def approve(slug: str) -> str | Response:
    """Approve validated figures for publication, a selection in one step."""
    partnership = partnership_for(slug)
    waiting = values.waiting_for_approval(partnership)
    form = ApproveForm(choices=[(each.choice, f"{each.indicator.reference} {each.period.label}")
                                for each in waiting])
    if form.validate_on_submit():
        with run_service(form, "chosen") as step:
            count = values.approve(partnership, form.chosen.data or [], _user())
        if step.done:
            flash(f"Approved for publication: the figures of {count} period"
                  f"{'' if count == 1 else 's'}", "success")
            return redirect(url_for(".approve", slug=slug))
    return render_template("dataset/entry/approve.html", partnership=partnership,
                           waiting=waiting, form=form, chosen=set(form.chosen.data or []))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Say next to the file field that a spreadsheet is too big (other pages: the error page)."""
    slug = (request.view_args or {}).get("slug", "")
    limit = max(1, (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024))
    message = f"The file must be smaller than {limit} MB: split it into smaller files"
    if request.endpoint == "dataset.import_values" and current_user.is_authenticated:
        partnership = partnership_for(slug)
        form = ImportValuesForm(formdata=None)  # the body is never read
        form.spreadsheet.errors = [message]
        return render_template(
            "dataset/entry/import.html", partnership=partnership, form=form, checked=None,
            confirm=ConfirmImportForm(formdata=None), filename="", problems=[],
            indicators=imports.enterable(partnership, _user())), 413
    return render_error(413), 413


@bp.route("/import", methods=["GET", "POST"])
@requires("enter", "dataset")
def import_values(slug: str) -> str | Response:
    """Upload a spreadsheet of figures; every row is checked and the changes shown."""
    partnership = partnership_for(slug)
    form = ImportValuesForm()
    checked = None
    confirm = ConfirmImportForm(formdata=None)
    filename = ""
    if form.validate_on_submit():
        upload = form.spreadsheet.data
        filename = (upload.filename or "spreadsheet").replace("\\", "/").rsplit("/", 1)[-1]
        try:
            checked = imports.check_values(partnership, _user(), filename, upload.read())
        except DomainError as problem:
            refused(form, problem, "spreadsheet")
        else:
            if checked.ok:
                confirm.sealed.data = imports.seal(filename, checked)
    return render_template(
        "dataset/entry/import.html", partnership=partnership, form=form, checked=checked,
        confirm=confirm, filename=filename, problems=(checked.problems[:200] if checked else []),
        indicators=imports.enterable(partnership, _user()))


@bp.route("/import/confirm", methods=["POST"])
@requires("enter", "dataset")
def import_confirm(slug: str) -> Response:
    """Import the checked figures, all in one go (a second click imports nothing twice)."""
    partnership = partnership_for(slug)
    form = ConfirmImportForm()
    back = url_for(".import_values", slug=slug)
    if not form.validate_on_submit() or not form.sealed.data:
        flash("Upload the file to check it first", "info")
        return redirect(back)
    with run_service(None) as step:
        filename, rows, states = imports.unseal(form.sealed.data)
        saved = imports.apply_values(partnership, _user(), filename, rows, states)
    if not step.done:
        return redirect(back)
    flash(f"Imported {filename}: {saved.new} new figure{'' if saved.new == 1 else 's'}, "
          f"{saved.corrected} corrected", "success")
    return redirect(url_for(".approve", slug=slug) if can(_user(), "approve", "dataset")
                    else back)


@bp.route("/import/template.xlsx")
@requires("enter", "dataset")
def import_template(slug: str) -> Response:
    """A workbook to fill in, listing the indicators the reader may enter."""
    partnership = partnership_for(slug)
    content = imports.template_workbook(partnership, _user())
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{partnership.slug}-figures.xlsx"'})


@bp.route("/population")
@requires("view", "dataset")
def population(slug: str) -> str:
    """The child population per area and year, with its source; the team keeps it."""
    return _population_page(partnership_for(slug), PopulationForm())


@bp.route("/population/change", methods=["POST"], endpoint="population_save")
@requires("edit", "dataset")
def population_save(slug: str) -> str | Response:
    """Add or correct one area's population for a year."""
    partnership = partnership_for(slug)
    form = PopulationForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            saved, new = imports.save_population(
                partnership, form.area.data or "", form.year.data or 0,
                form.children.data or 0, form.source.data or "")
        if step.done:
            flash(f"{'Added' if new else 'Corrected'}: {saved.area} {saved.year}", "success")
            return redirect(url_for(".population", slug=slug))
    return _population_page(partnership, form)


def _population_page(partnership: Partnership, form: PopulationForm) -> str:
    return render_template("dataset/entry/population.html", partnership=partnership,
                           rows=imports.populations_of(partnership), form=form,
                           may_edit=can(_user(), "edit", "dataset"))


@bp.route("/benchmarks")
@requires("edit", "dataset")
def benchmarks(slug: str) -> str:
    """The benchmark releases imported, latest first."""
    partnership = partnership_for(slug)
    return render_template("dataset/entry/benchmarks.html", partnership=partnership,
                           releases=imports.releases_of(partnership))


@bp.route("/benchmarks/<int:release_id>")
@requires("edit", "dataset")
def release(slug: str, release_id: int) -> str:
    """One release's figures."""
    partnership = partnership_for(slug)
    found = db.session.get(BenchmarkRelease, release_id)
    if found is None or found.partnership_id != partnership.id:
        abort(404)
    return render_template("dataset/entry/release.html", partnership=partnership,
                           release=found, rows=imports.release_rows(found))


@bp.route("/benchmarks/import", methods=["GET", "POST"])
@requires("edit", "dataset")
def benchmarks_import(slug: str) -> str | Response:
    """Import a release of published benchmarks (England, region, statistical neighbours)."""
    partnership = partnership_for(slug)
    library = [i for i in imports.indicators_of(partnership) if not i.retired]
    form = BenchmarkImportForm(indicators=library)
    problems: list[imports.Problem] = []
    if form.validate_on_submit():
        upload = form.spreadsheet.data
        chosen = next((i for i in library if str(i.id) == form.indicator.data), None)
        try:
            table = read_table(upload.filename or "", upload.read())
        except SpreadsheetError as problem:
            form.spreadsheet.errors = [str(problem)]
        else:
            checked = imports.check_benchmarks(partnership, table, chosen,
                                               (form.column.data or "").strip())
            problems = checked.problems
            if problems:
                form.spreadsheet.errors = [f"The file has {len(problems)} problem"
                                           f"{'' if len(problems) == 1 else 's'}: nothing was "
                                           "imported. See the problems below"]
            else:
                with run_service(form, "spreadsheet") as step:
                    saved, count = imports.save_release(
                        partnership, form.publication.data or "", form.released_on.data,
                        form.url.data or "", checked, _user())
                if step.done:
                    flash(f"Imported {count} figure{'' if count == 1 else 's'} from {saved}. "
                          + ". ".join(checked.notes), "success")
                    return redirect(url_for(".release", slug=slug, release_id=saved.id))
    return render_template("dataset/entry/benchmarks_import.html", partnership=partnership,
                           form=form, problems=problems[:200], total=len(problems))
