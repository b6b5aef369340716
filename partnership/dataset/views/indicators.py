"""The indicator library, the indicator page, the dashboards, exceptions turned into actions,
the export and the settings."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as WerkzeugResponse

from partnership.access import authorize, requires
from partnership.actions import services as actions
from partnership.actions.models import Action
from partnership.clock import today
from partnership.dataset import spreadsheets
from partnership.dataset.charts import chart_periods, trend_chart
from partnership.dataset.forms.indicators import (
    ExceptionActionForm,
    IndicatorForm,
    LibraryFilterForm,
    SettingsForm,
    StarterForm,
)
from partnership.dataset.models import Indicator
from partnership.dataset.periods import Period, period_of
from partnership.dataset.services import indicators as services
from partnership.dataset.views import bp, bp_all, indicator_for, partnership_for
from partnership.documents.charts import chart_table, drawn
from partnership.documents.spreadsheets import XLSX_MIMETYPE
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.policy import readable
from partnership.register.models import Partnership
from partnership.web import query_id, refused, run_service


@bp.context_processor
def rules() -> dict[str, object]:
    """Let the pages ask whether the reader may raise an action from an indicator."""
    return {"may_raise_action": services.may_raise_action}


@bp_all.route("", endpoint="index")
@requires("view", "dataset")
def every_partnership() -> str:
    """Each partnership's dataset the reader serves."""
    partnerships = list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                           .order_by(Partnership.name)))
    return render_template("dataset/all.html", rows=services.overview(partnerships))


# --- the library -----------------------------------------------------------------------------


@bp.route("")
@requires("view", "dataset")
def index(slug: str) -> str:
    """The library grouped by plan priority, with each indicator's latest figure."""
    partnership = partnership_for(slug)
    filters = LibraryFilterForm(request.args, objectives=services.objective_options(partnership),
                                bodies=services.body_options(partnership),
                                agencies=services.agency_options(partnership))
    chosen = {"objective_id": None, "body_id": None, "agency_id": None}
    if filters.validate():
        chosen = {"objective_id": filters.chosen("objective"),
                  "body_id": filters.chosen("body"), "agency_id": filters.chosen("agency")}
    lines = services.lines_of(services.indicators_of(partnership, **chosen))
    return render_template(
        "dataset/index.html", partnership=partnership, filters=filters,
        groups=services.grouped(lines), filtered=any(chosen.values()),
        retired=services.retired_of(partnership), starter_form=StarterForm())


@bp.route("/starter", methods=["POST"])
@requires("edit", "dataset")
def starter(slug: str) -> WerkzeugResponse:
    """Add the starter library of indicators written from public sources."""
    partnership = partnership_for(slug)
    back = url_for(".index", slug=slug)
    if not StarterForm().validate_on_submit():
        flash("The starter library could not be added: try again", "error")
        return redirect(back)
    try:
        from partnership.dataset.starter import add_starter_library
    except ImportError:
        flash("The starter library is not available yet", "error")
        return redirect(back)
    with run_service(None) as step:
        added = add_starter_library(partnership)
    if step.done:
        flash(f"{len(added)} indicator{'s' if len(added) != 1 else ''} added from the "
              "starter library" if added else "The starter library's indicators are all "
              "in the library already", "success")
    return redirect(back)


@bp.route("/dashboard")
@requires("view", "dataset")
def dashboard(slug: str) -> str:
    """The executive's dashboard (every current indicator) or one priority's, exceptions
    first."""
    partnership = partnership_for(slug)
    objective_id = request.args.get("objective", None, type=query_id)
    objective = (services.objective_or_404(partnership, objective_id)
                 if objective_id is not None else None)
    return render_template(
        "dataset/dashboard.html", partnership=partnership,
        board=services.dashboard(partnership, objective), action_form=ExceptionActionForm(),
        objectives=services.objective_options(partnership))


# --- one indicator -------------------------------------------------------------------------


def _entry_link(partnership: Partnership, indicator: Indicator, period: Period) -> str:
    """The page that enters the period's figures ("" while there is none)."""
    try:
        return url_for("dataset.values", slug=partnership.slug, indicator_id=indicator.id,
                       period=period.start.isoformat())
    except BuildError:
        return ""


@bp.route("/indicators/<int:indicator_id>")
@requires("view", "dataset")
def indicator(slug: str, indicator_id: int) -> str:
    """An indicator: its definition, trend against its comparators and band, its figures
    per period with commentary, its breakdowns, exceptions and the actions raised."""
    partnership, record = indicator_for(slug, indicator_id)
    line = services.lines_of([record])[0]
    periods = chart_periods(line.series)
    chart = trend_chart(line.series) if line.series.points else None
    latest = line.latest
    entry_links = {p.start: _entry_link(partnership, record, p) for p in periods}
    following = (latest.period.shifted(1) if latest else
                 period_of(today(), record.frequency, partnership.year_start_month).shifted(-1))
    return render_template(
        "dataset/indicator.html", partnership=partnership, indicator=record, line=line,
        chart=chart, chart_svgs=drawn(chart) if chart else [],
        chart_table=chart_table(chart) if chart else None,
        periods=services.period_lines(line.series, periods), entry_links=entry_links,
        breakdowns=services.breakdown_figures(line.series, latest.period) if latest else [],
        band=services.band_words(record), actions_raised=services.actions_raised(record),
        action_form=ExceptionActionForm(), following=following,
        following_link=_entry_link(partnership, record, following))


def _form(partnership: Partnership, indicator: Indicator | None = None,
          **kwargs: object) -> IndicatorForm:
    return IndicatorForm(
        agencies=services.agency_options(partnership),
        people=services.owner_options(partnership, indicator.owner if indicator else None),
        objectives=services.objective_options(partnership),
        bodies=services.body_options(partnership), obj=indicator, **kwargs)


@bp.route("/indicators/new", methods=["GET", "POST"])
@requires("edit", "dataset")
def indicator_new(slug: str) -> str | WerkzeugResponse:
    """Add an indicator to the library."""
    partnership = partnership_for(slug)
    form = _form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            added = services.create_indicator(partnership, form.values())
        if step.done:
            flash(f"Added: {added}", "success")
            return redirect(url_for(".indicator", slug=slug, indicator_id=added.id))
    return render_template("dataset/indicator_new.html", form=form, partnership=partnership)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("edit", "dataset")
def indicator_edit(slug: str, indicator_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    """Change an indicator, without overwriting another's edit."""
    partnership, record = indicator_for(slug, indicator_id, "edit")
    form = _form(partnership, record)
    if request.method == "GET":
        form.version.data = str(record.version)
    back = url_for(".indicator", slug=slug, indicator_id=record.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_indicator(record, form.version.data, values):
                commit_edit(record, {k: v for k, v in values.items() if k != "breakdowns"})
                flash(f"Updated: {record}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj} was changed while you were editing")
    return render_template("dataset/indicator_edit.html", form=form, partnership=partnership,
                           indicator=record)


@bp.route("/indicators/<int:indicator_id>/action", methods=["POST"])
@requires("create", "actions")
def exception_action(slug: str, indicator_id: int) -> WerkzeugResponse:
    """Turn the latest figure's exception into an action on the tracker in one step (the
    tracker's own create service), then open it."""
    partnership, record = indicator_for(slug, indicator_id)
    authorize("create", services.proposed_action(record))  # a chair: of its group only
    back = request.form.get("back") == "dashboard"
    back_url = (url_for(".dashboard", slug=slug) if back
                else url_for(".indicator", slug=slug, indicator_id=record.id))
    if not ExceptionActionForm().validate_on_submit():
        flash("The action could not be raised: try again", "error")
        return redirect(back_url)
    line = services.lines_of([record])[0]
    action: Action | None = None
    with run_service(None) as step:
        flag = services.exception_to_act_on(line.series)
        action = services.action_already_raised(record, flag)
        if action is None:
            origin = actions.Origin(partnership, body=record.body, indicator=record)
            action = actions.create_action(origin, services.action_values(line, flag))
            authorize("create", action)  # the tracker's rule on the saved record, to be sure
            flash(f"Action raised: {action.title}. Name its target date", "success")
        else:
            flash(f"An action was already raised for this exception: {action.title}",
                  "success")
    if not step.done or action is None:
        return redirect(back_url)
    return redirect(url_for("actions.edit", action_id=action.id))


# --- export and settings --------------------------------------------------------------------


@bp.route("/export.xlsx")
@requires("export", "dataset")
def export(slug: str) -> Response:
    """The dataset as a workbook: headline figures, breakdowns and benchmarks."""
    partnership = partnership_for(slug)
    content = spreadsheets.dataset_workbook(partnership)
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{partnership.slug}-dataset.xlsx"'})


@bp.route("/settings", methods=["GET", "POST"])
@requires("edit", "dataset")
def settings(slug: str) -> str | WerkzeugResponse | tuple[str, int]:
    """The small-number threshold, the region and the statistical neighbours."""
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
    return render_template("dataset/settings.html", form=form, partnership=partnership)
