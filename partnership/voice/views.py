"""The pages of the voice register: the list, an engagement with what came of it, adding and
changing one, and turning it into an action."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.actions import services as actions
from partnership.actions.models import Action
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.kernel.dates import long_date, year_label
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.voice import services
from partnership.voice.forms import (
    ActionFromEngagementForm,
    EngagementFilterForm,
    EngagementForm,
)
from partnership.voice.models import Engagement, EngagementKind
from partnership.web import refused, run_service

bp = Blueprint("voice", __name__, url_prefix="/partnerships/<slug>/voice")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the register's pages their way of writing dates."""
    return {"long_date": long_date}


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _engagement(slug: str, engagement_id: int, verb: str = "view"
                ) -> tuple[Partnership, Engagement]:
    partnership = _partnership(slug)
    engagement = services.engagement_or_404(partnership, engagement_id)
    authorize(verb, engagement)
    return partnership, engagement


def _activity_link(partnership: Partnership, activity_id: int) -> str:
    """The scrutiny activity's page ("" if the scrutiny pages are not installed)."""
    try:
        return url_for("scrutiny.activity", slug=partnership.slug, activity_id=activity_id)
    except BuildError:
        return ""


def _form(partnership: Partnership, **kwargs: Any) -> EngagementForm:
    return EngagementForm(agencies=services.agency_options(partnership),
                          bodies=services.body_options(partnership), **kwargs)


@bp.route("")
@requires("view", "voice")
def index(slug: str) -> str:
    """List the engagements, latest first, by kind and year."""
    partnership = _partnership(slug)
    month = partnership.year_start_month
    filters = EngagementFilterForm(request.args, years=[
        (year, year_label(year, month)) for year in services.year_options(partnership)])
    kind = year = None
    if filters.validate():
        kind = EngagementKind(filters.kind.data) if filters.kind.data else None
        year = int(filters.year.data) if filters.year.data else None
    return render_template(
        "voice/index.html", partnership=partnership, filters=filters,
        rows=services.engagements_of(partnership, kind, year), filtered=bool(kind or year))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "voice")
def new(slug: str) -> str | Response:
    """Record how children, young people or families were heard."""
    partnership = _partnership(slug)
    form = _form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            engagement = services.create_engagement(partnership, form.values())
        if step.done:
            flash(f"Added: {engagement.title}", "success")
            return redirect(url_for(".detail", slug=slug, engagement_id=engagement.id))
    return render_template("voice/new.html", form=form, partnership=partnership)


@bp.route("/<int:engagement_id>")
@requires("view", "voice")
def detail(slug: str, engagement_id: int) -> str:
    """Show an engagement, the actions that came of it and the scrutiny that drew on it."""
    partnership, engagement = _engagement(slug, engagement_id)
    activities = [(activity, _activity_link(partnership, activity.id))
                  for activity in services.activities_of(engagement)]
    return render_template(
        "voice/detail.html", partnership=partnership, engagement=engagement,
        actions=services.actions_of(engagement), activities=activities,
        action_form=ActionFromEngagementForm())


@bp.route("/<int:engagement_id>/edit", methods=["GET", "POST"])
@requires("edit", "voice")
def edit(slug: str, engagement_id: int) -> str | Response | tuple[str, int]:
    """Change an engagement (say what changed as a result), without overwriting another's edit."""
    partnership, engagement = _engagement(slug, engagement_id, "edit")
    form = _form(partnership, obj=engagement)
    if request.method == "GET":
        form.version.data = str(engagement.version)
    back = url_for(".detail", slug=slug, engagement_id=engagement.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_engagement(engagement, form.version.data, values):
                commit_edit(engagement, values)
                flash(f"Updated: {engagement.title}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.title} was changed while you were "
                                         "editing")
    return render_template("voice/edit.html", form=form, partnership=partnership,
                           engagement=engagement)


@bp.route("/<int:engagement_id>/action", methods=["POST"])
@requires("edit", "voice")
def create_action(slug: str, engagement_id: int) -> Response:
    """Turn what was heard into an action on the tracker (the tracker's own create service),
    then open it to name its lead and target date."""
    partnership, engagement = _engagement(slug, engagement_id, "edit")
    form = ActionFromEngagementForm()
    back = url_for(".detail", slug=slug, engagement_id=engagement.id)
    if not form.validate_on_submit():
        flash("The action could not be created: try again", "error")
        return redirect(back)
    origin = actions.Origin(partnership, body=engagement.body, engagement=engagement)
    action: Action | None = None
    with run_service(None) as step:
        action = actions.create_action(origin, services.action_values(engagement))
        authorize("create", action)  # the tracker's rule on the saved record, to be sure
    if not step.done or action is None:
        return redirect(back)
    flash(f"Action added: {action.title}. Name its lead and target date", "success")
    return redirect(url_for("actions.edit", action_id=action.id))
