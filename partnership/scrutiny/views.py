"""The pages of scrutiny: a partnership's plans, a plan by the scrutineer's functions, an
activity from plan to findings to response, and a recommendation turned into an action.

Everyone reads. The team and the partnership's scrutineer plan (``edit``); only the
scrutineer writes findings and recommendations (``report``); only the team writes the
partnership's response and turns recommendations into actions (``respond``). Each route asks
the policy about the record itself before it reads the form, so a refused POST changes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.actions import services as actions
from partnership.actions.models import Action
from partnership.clock import today
from partnership.database import Versioned
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.policy import Role, scope
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.scrutiny import services
from partnership.scrutiny.forms import (
    ActivityForm,
    FindingsForm,
    NewPlanForm,
    PlanForm,
    RecommendationActionForm,
    RecommendationForm,
    ResponseForm,
    StatusForm,
)
from partnership.scrutiny.models import (
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)
from partnership.web import refused, run_service

bp = Blueprint("scrutiny", __name__, url_prefix="/partnerships/<slug>/scrutiny")

STATUS_TAGS = {ActivityStatus.PLANNED: "govuk-tag--grey",
               ActivityStatus.UNDER_WAY: "govuk-tag--blue",
               ActivityStatus.REPORTED: "govuk-tag--yellow",
               ActivityStatus.RESPONDED: "govuk-tag--green",
               ActivityStatus.CANCELLED: "govuk-tag--red"}


def paragraphs(text: str | None) -> list[str]:
    """Split plain text into paragraphs at blank lines (each escaped by the template)."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def record_url(endpoint: str, **values: Any) -> str | None:
    """Link to another feature's page (a case audit, an engagement), or None without one."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the scrutiny pages their ways of writing dates, statuses, text and links."""
    return {"long_date": long_date, "timing": services.timing, "paragraphs": paragraphs,
            "status_tags": STATUS_TAGS, "record_url": record_url,
            "describe_meeting": services.describe_meeting}


@bp.app_template_global()
def scrutiny_plans_for_home() -> list[services.HomePlan]:
    """For the scrutineer's home page: this year's plan of each partnership they scrutinise."""
    if current_user.role is not Role.SCRUTINEER:
        return []
    return services.plans_for_scrutineer(scope(current_user).scrutinised_partnership_ids)


# --- finding records and asking the policy ---------------------------------------------------


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _plan(slug: str, scrutiny_plan_id: int, verb: str = "view") -> ScrutinyPlan:
    plan = services.plan_or_404(_partnership(slug), scrutiny_plan_id)
    authorize(verb, plan)
    return plan


def _activity(slug: str, activity_id: int, verb: str = "view") -> ScrutinyActivity:
    activity = services.activity_or_404(_partnership(slug), activity_id)
    authorize(verb, activity)
    return activity


def _recommendation(slug: str, recommendation_id: int, verb: str) -> ScrutinyRecommendation:
    recommendation = services.recommendation_or_404(_partnership(slug), recommendation_id)
    authorize(verb, recommendation)
    return recommendation


def _to_activity(activity: ScrutinyActivity, anchor: str | None = None) -> Response:
    return redirect(url_for(".activity", slug=activity.plan.partnership.slug,
                            activity_id=activity.id, _anchor=anchor))


def _saved(form: FlaskForm, record: Versioned, change: Callable[[], bool],
           values: Mapping[str, Any], *, words: Callable[[Mapping[str, Any]], dict[str, Any]],
           title: str, back: str, done: str) -> Response | tuple[str, int] | None:
    """Run an edit of a versioned record: commit it, or show the problem next to its field,
    or the conflict page (in words) when someone saved it after this user opened it."""
    try:
        if change():
            commit_edit(record, values)
            flash(done, "success")
        return redirect(back)
    except DomainError as problem:
        refused(form, problem)
    except EditConflict as conflict:
        db.session.rollback()
        theirs = words({name: getattr(conflict.obj, name) for name in values})
        snapshot = SimpleNamespace(id=conflict.obj.id, version=conflict.obj.version, **theirs)
        return render_conflict(EditConflict(snapshot, words(values)), form, title=title,
                               cancel_url=back)
    return None


def _in_words(values: Mapping[str, Any]) -> dict[str, Any]:
    """Show submitted or saved values as people read them: labels, dates, names."""
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, ScrutinyFunction | ActivityStatus) or hasattr(value, "label"):
            shown[name] = value.label
        elif hasattr(value, "isoformat"):
            shown[name] = long_date(value)
        elif isinstance(value, list | tuple):
            shown[name] = ", ".join(str(item) for item in value) or "None"
        elif value is None or value == "":
            shown[name] = "None"
        elif name == "meeting":
            shown[name] = services.describe_meeting(value)
        else:
            shown[name] = str(value)
    return shown


# --- plans -----------------------------------------------------------------------------------


@bp.route("")
@requires("view", "scrutiny")
def index(slug: str) -> str:
    """The partnership's independent scrutiny plans, newest year first."""
    partnership = _partnership(slug)
    return render_template("scrutiny/index.html", partnership=partnership,
                           rows=services.plans_of(partnership),
                           current=services.current_year(partnership),
                           can_add=bool(services.new_plan_years(partnership)))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "scrutiny")
def plan_new(slug: str) -> str | Response:
    """Start the plan for a year: its title, the scrutineer's introduction, when agreed."""
    partnership = _partnership(slug)
    authorize("edit", ScrutinyPlan(partnership_id=partnership.id))
    years = services.new_plan_years(partnership)
    if not years:
        flash(f"{partnership.name} has a plan for every year offered", "error")
        return redirect(url_for(".index", slug=slug))
    form = NewPlanForm(years=years)
    if request.method == "GET":
        now = services.current_year(partnership)
        year = now if now in dict(years) else years[0][0]
        form.year.data = year
        form.title.data = services.default_title(partnership, year)
    if form.validate_on_submit():
        with run_service(form) as step:
            plan = services.create_plan(partnership, form.year.data, form.values())
        if step.done:
            flash(f"{plan.title} started", "success")
            return redirect(url_for(".plan", slug=slug, scrutiny_plan_id=plan.id))
    return render_template("scrutiny/plan_new.html", form=form, partnership=partnership)


@bp.route("/<int:scrutiny_plan_id>")
@requires("view", "scrutiny")
def plan(slug: str, scrutiny_plan_id: int) -> str:
    """A year's plan: the introduction, then the activities under each of the five
    functions, each function with none shown as a gap."""
    record = _plan(slug, scrutiny_plan_id)
    return render_template("scrutiny/plan.html", partnership=record.partnership, plan=record,
                           groups=services.by_function(record),
                           years=services.plan_years(record.partnership, record.year))


@bp.route("/<int:scrutiny_plan_id>/edit", methods=["GET", "POST"])
@requires("edit", "scrutiny")
def plan_edit(slug: str, scrutiny_plan_id: int) -> str | Response | tuple[str, int]:
    """Change a plan's title, introduction and the date the partners agreed it."""
    record = _plan(slug, scrutiny_plan_id, "edit")
    form = PlanForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version)
    back = url_for(".plan", slug=slug, scrutiny_plan_id=record.id)
    if form.validate_on_submit():
        values = form.values()
        answer = _saved(form, record,
                        lambda: services.update_plan(record, form.version.data, values), values,
                        words=_in_words, back=back, done=f"{values['title']} updated",
                        title="This plan was changed while you were editing")
        if answer is not None:
            return answer
    return render_template("scrutiny/plan_edit.html", form=form, partnership=record.partnership,
                           plan=record)


# --- activities ------------------------------------------------------------------------------


def _activity_form(plan: ScrutinyPlan, activity: ScrutinyActivity | None = None,
                   **kwargs: Any) -> ActivityForm:
    partnership = plan.partnership
    return ActivityForm(
        obj=activity, agencies=services.agency_options(partnership),
        audits=services.case_audit_options(partnership,
                                           activity.case_audit if activity else None),
        meetings=services.meeting_options(partnership, plan,
                                          activity.meeting if activity else None),
        engagements=services.engagement_options(partnership, plan,
                                                activity.engagements if activity else ()),
        describe_meeting=services.describe_meeting,
        describe_engagement=services.describe_engagement, **kwargs)


@bp.route("/<int:scrutiny_plan_id>/activities/new", methods=["GET", "POST"])
@requires("edit", "scrutiny")
def activity_new(slug: str, scrutiny_plan_id: int) -> str | Response:
    """Add an activity to a plan."""
    record = _plan(slug, scrutiny_plan_id, "edit")
    asked = request.args.get("function", "")
    data = {"function": asked} if asked in {f.value for f in ScrutinyFunction} else {}
    form = _activity_form(record, data=data)
    if form.validate_on_submit():
        with run_service(form) as step:
            activity = services.create_activity(record, form.values())
        if step.done:
            flash(f"{activity.title} added to the plan", "success")
            return _to_activity(activity)
    return render_template("scrutiny/activity_new.html", form=form,
                           partnership=record.partnership, plan=record)


@bp.route("/activities/<int:activity_id>")
@requires("view", "scrutiny")
def activity(slug: str, activity_id: int) -> str:
    """An activity: what, how, with whom and when; the scrutineer's findings and
    recommendations, each with the actions taken on it; the partnership's response."""
    record = _activity(slug, activity_id)
    return render_template(
        "scrutiny/activity.html", partnership=record.plan.partnership, plan=record.plan,
        activity=record, moves=services.status_moves(record), status_form=StatusForm(),
        actions_by_recommendation=services.actions_by_recommendation(record),
        findings_open=services.findings_open(record),
        recommendations_open=services.recommendations_open(record),
        files=services.evidence_of(record), history=services.activity_history(record))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@requires("edit", "scrutiny")
def activity_edit(slug: str, activity_id: int) -> str | Response | tuple[str, int]:
    """Change what an activity looks at, how, with whom and when (never its findings)."""
    record = _activity(slug, activity_id, "edit")
    form = _activity_form(record.plan, record)
    if request.method == "GET":
        form.version.data = str(record.version)
    back = url_for(".activity", slug=slug, activity_id=record.id)
    if form.validate_on_submit():
        values = form.values()
        answer = _saved(form, record,
                        lambda: services.update_activity(record, form.version.data, values),
                        values, words=_in_words, back=back, done=f"{values['title']} updated",
                        title="This activity was changed while you were editing")
        if answer is not None:
            return answer
    return render_template("scrutiny/activity_edit.html", form=form,
                           partnership=record.plan.partnership, plan=record.plan,
                           activity=record)


@bp.route("/activities/<int:activity_id>/status", methods=["POST"])
@requires("edit", "scrutiny")
def activity_status(slug: str, activity_id: int) -> Response:
    """Mark an activity as under way, planned again, or cancelled (a button)."""
    record = _activity(slug, activity_id, "edit")
    form = StatusForm()
    if form.validate_on_submit():
        with run_service() as step:
            services.change_status(record, form.chosen())
        if step.done:
            flash(f"{record.title}: {record.status.label.lower()}", "success")
    return _to_activity(record)


# --- the scrutineer's findings and recommendations -----------------------------------------


def _closed_to_findings(activity: ScrutinyActivity) -> Response | None:
    if services.findings_open(activity):
        return None
    flash("The partnership has responded to these findings, so they can no longer be changed"
          if activity.status is ActivityStatus.RESPONDED else
          "The activity is cancelled: mark it as planned before writing findings", "error")
    return _to_activity(activity, "findings")


@bp.route("/activities/<int:activity_id>/findings", methods=["GET", "POST"])
@requires("report", "scrutiny")
def findings(slug: str, activity_id: int) -> str | Response | tuple[str, int]:
    """The scrutineer writes what they found, the good practice they saw, and when."""
    record = _activity(slug, activity_id, "report")
    if (closed := _closed_to_findings(record)) is not None:
        return closed
    form = FindingsForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version)
        form.reported_on.data = record.reported_on or today()
    back = url_for(".activity", slug=slug, activity_id=record.id, _anchor="findings")
    if form.validate_on_submit():
        values = form.values()
        answer = _saved(
            form, record,
            lambda: services.record_findings(record, current_user, form.version.data, values,
                                             form.evidence.upload),
            values, words=_in_words, back=back, done="Findings saved",
            title="These findings were changed while you were editing")
        if answer is not None:
            return answer
    return render_template("scrutiny/findings.html", form=form,
                           partnership=record.plan.partnership, activity=record,
                           files=services.evidence_of(record))


def _closed_to_recommendations(activity: ScrutinyActivity) -> Response | None:
    if services.recommendations_open(activity):
        return None
    flash("The partnership has responded to these findings, so the recommendations can no "
          "longer be changed" if activity.status is ActivityStatus.RESPONDED else
          "Write the findings first: recommendations follow from them", "error")
    return _to_activity(activity, "recommendations")


@bp.route("/activities/<int:activity_id>/recommendations", methods=["GET", "POST"])
@requires("report", "scrutiny")
def recommendation_new(slug: str, activity_id: int) -> str | Response:
    """The scrutineer adds a numbered recommendation to their findings."""
    record = _activity(slug, activity_id, "report")
    if (closed := _closed_to_recommendations(record)) is not None:
        return closed
    form = RecommendationForm(data={"number": services.next_number(record)})
    if form.validate_on_submit():
        with run_service(form) as step:
            recommendation = services.add_recommendation(record, current_user, form.values())
        if step.done:
            flash(f"Recommendation {recommendation.number} added", "success")
            return _to_activity(record, f"recommendation-{recommendation.number}")
    return render_template("scrutiny/recommendation.html", form=form, recommendation=None,
                           partnership=record.plan.partnership, activity=record)


@bp.route("/recommendations/<int:scrutiny_recommendation_id>/edit", methods=["GET", "POST"])
@requires("report", "scrutiny")
def recommendation_edit(slug: str,
                        scrutiny_recommendation_id: int) -> str | Response | tuple[str, int]:
    """The scrutineer changes one of their recommendations, while it is open."""
    recommendation = _recommendation(slug, scrutiny_recommendation_id, "report")
    record = recommendation.activity
    if (closed := _closed_to_recommendations(record)) is not None:
        return closed
    form = RecommendationForm(obj=recommendation)
    if request.method == "GET":
        form.version.data = str(recommendation.version)
    back = url_for(".activity", slug=slug, activity_id=record.id, _anchor="recommendations")
    if form.validate_on_submit():
        values = form.values()
        answer = _saved(
            form, recommendation,
            lambda: services.update_recommendation(recommendation, current_user,
                                                   form.version.data, values),
            values, words=_in_words, back=back, done=f"Recommendation {values['number']} saved",
            title="This recommendation was changed while you were editing")
        if answer is not None:
            return answer
    return render_template("scrutiny/recommendation.html", form=form,
                           recommendation=recommendation, partnership=record.plan.partnership,
                           activity=record)


@bp.route("/recommendations/<int:scrutiny_recommendation_id>/remove", methods=["GET", "POST"])
@requires("report", "scrutiny")
def recommendation_remove(slug: str, scrutiny_recommendation_id: int) -> str | Response:
    """The scrutineer takes back a recommendation no action has come of."""
    recommendation = _recommendation(slug, scrutiny_recommendation_id, "report")
    record = recommendation.activity
    if (closed := _closed_to_recommendations(record)) is not None:
        return closed
    form = ConfirmForm()
    if form.validate_on_submit():
        number = recommendation.number
        with run_service() as step:
            services.remove_recommendation(recommendation, current_user)
        if step.done:
            flash(f"Recommendation {number} removed", "success")
        return _to_activity(record, "recommendations")
    return render_template("scrutiny/recommendation_remove.html", form=form,
                           recommendation=recommendation, partnership=record.plan.partnership,
                           activity=record)


# --- the partnership's response and its actions --------------------------------------------


def _nothing_to_respond_to(activity: ScrutinyActivity) -> Response | None:
    if activity.status in (ActivityStatus.REPORTED, ActivityStatus.RESPONDED):
        return None
    flash("The scrutineer has not reported findings yet, so there is nothing to respond to",
          "error")
    return _to_activity(activity, "response")


@bp.route("/activities/<int:activity_id>/response", methods=["GET", "POST"])
@requires("respond", "scrutiny")
def response(slug: str, activity_id: int) -> str | Response | tuple[str, int]:
    """The team records the partnership's response to the scrutineer's findings."""
    record = _activity(slug, activity_id, "respond")
    if (closed := _nothing_to_respond_to(record)) is not None:
        return closed
    form = ResponseForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version)
    back = url_for(".activity", slug=slug, activity_id=record.id, _anchor="response")
    if form.validate_on_submit():
        values = form.values()
        answer = _saved(
            form, record,
            lambda: services.record_response(record, current_user, form.version.data, values),
            values, words=_in_words, back=back, done="The partnership's response is saved",
            title="The response was changed while you were editing")
        if answer is not None:
            return answer
    return render_template("scrutiny/response.html", form=form,
                           partnership=record.plan.partnership, activity=record)


@bp.route("/recommendations/<int:scrutiny_recommendation_id>/action", methods=["GET", "POST"])
@requires("respond", "scrutiny")
def recommendation_action(slug: str, scrutiny_recommendation_id: int) -> str | Response:
    """The team turns a recommendation into a tracked action, in one step (the tracker's
    own service adds it; its origin is the recommendation, shown on both pages)."""
    recommendation = _recommendation(slug, scrutiny_recommendation_id, "respond")
    record = recommendation.activity
    if (closed := _nothing_to_respond_to(record)) is not None:
        return closed
    partnership = record.plan.partnership
    authorize("create", Action(partnership_id=partnership.id))
    form = RecommendationActionForm(
        years=actions.year_options(partnership, None),
        agencies=actions.agency_options(partnership),
        bodies=actions.body_options(partnership, actions.body_limit(current_user)),
        data={"title": services.action_title(recommendation),
              "year": services.current_year(partnership)})
    if form.validate_on_submit():
        with run_service(form) as step:
            services.check_can_act(recommendation, current_user)
            action = actions.create_action(
                actions.Origin(partnership, scrutiny_recommendation=recommendation),
                form.values(), actions.body_limit(current_user))
            authorize("create", action)
        if step.done:
            flash(f"Action added: {action.title}", "success")
            return _to_activity(record, f"recommendation-{recommendation.number}")
    return render_template("scrutiny/recommendation_action.html", form=form,
                           recommendation=recommendation, partnership=partnership,
                           activity=record)
