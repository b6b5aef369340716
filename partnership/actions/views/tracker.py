"""Action lists, My actions, an action's page, and its forms: add, change, record progress."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.saved_filters import saved_filters
from partnership.accounts.views import safe_next
from partnership.actions import services
from partnership.actions.forms import (
    ActionEditForm,
    ActionFilterForm,
    ActionForm,
    CommentForm,
    DateDecisionForm,
    DateRequestForm,
    MyActionsFilterForm,
    ProgressForm,
    WithdrawForm,
)
from partnership.actions.models import Action, Rating, Status
from partnership.actions.queries import ActionFilter, listed
from partnership.actions.views.blueprint import bp
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.evidence import services as evidence
from partnership.kernel.dates import long_date, year_label
from partnership.kernel.errors import DomainError
from partnership.plans.models import Plan
from partnership.policy import can
from partnership.register.models import Body, Partnership
from partnership.web import query_id, refused, run_service


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the tracker's pages its ways of writing dates, years, statuses and ratings."""
    return {"long_date": long_date, "year_label": year_label, "statuses": list(Status),
            "ratings": list(Rating), "today": clock.today()}


def source_url(action: Action) -> str | None:
    """Return the page of the record the action came from (None: it names it in words)."""
    slug = action.partnership.slug
    if action.objective_id is not None:
        return url_for("plans.objective", objective_id=action.objective_id)
    if action.meeting_id is not None:
        return url_for("meetings.detail", meeting_id=action.meeting_id)
    if action.recommendation is not None:
        return url_for("learning.detail", review_id=action.recommendation.review_id,
                       _anchor=f"recommendation-{action.recommendation.number}")
    if action.scrutiny_recommendation is not None:
        found = action.scrutiny_recommendation
        return url_for("scrutiny.activity", slug=slug, activity_id=found.activity_id,
                       _anchor=f"recommendation-{found.number}")
    if action.case_audit_id is not None:
        return url_for("case_audits.detail", slug=slug, audit_id=action.case_audit_id)
    if action.assessment_answer is not None:
        return url_for("self_assessment.return_detail", slug=slug,
                       return_id=action.assessment_answer.return_id)
    if action.engagement_id is not None:
        return url_for("voice.detail", slug=slug, engagement_id=action.engagement_id)
    if action.indicator_id is not None:
        return url_for("dataset.indicator", slug=slug, indicator_id=action.indicator_id)
    return None


def _query(flt: ActionFilter) -> str:
    return urlencode(flt.to_args())


@bp.route("")
@requires("view", "actions")
def index() -> str:
    """List every action, filtered, sorted and a page at a time."""
    flt = ActionFilter.from_args(request.args)
    page = listed(flt, request.args.get("page", 1, type=query_id),
                  current_app.config["PAGE_SIZE"])
    filters = ActionFilterForm(request.args)
    for name, (blank, options) in services.filter_options(flt).items():
        filters.offer(name, blank, options)
    return render_template("actions/index.html", flt=flt, page=page, filters=filters,
                           args=flt.to_args(), query=_query(flt),
                           saved=saved_filters(current_user, "actions.index"))


@bp.route("/mine")
@requires("view", "actions")
def mine() -> str:
    """List what the user owns or leads, what needs attention first, each quick to update;
    the cards stay in the order the page was loaded in while they are saved one by one."""
    mine_flt = services.mine_filter(current_user)
    shown = ActionFilter.from_args(request.args)
    narrowed = ActionFilter(search=shown.search, rag=shown.rag, due=shown.due)
    groups = None
    if mine_flt is not None:
        flt = replace(mine_flt, search=shown.search, rag=shown.rag, due=shown.due)
        groups = services.my_actions(flt, kept=services.KeptOrder.parse(request.args.get("keep")))
    ids = [] if groups is None else [a.id for a in groups.attention + groups.open]
    return render_template(
        "actions/mine.html", groups=groups, filters=MyActionsFilterForm(request.args),
        kept=str(groups.kept) if groups is not None else "",
        args=narrowed.to_args(), query=_query(narrowed),
        saved_id=request.args.get("saved", type=query_id),
        last_ratings=services.my_last_ratings(current_user, ids),
        saved=saved_filters(current_user, "actions.mine"))


def detail_page(action: Action, status: int = 200, **forms: Any) -> tuple[str, int]:
    """Render an action's page, with the forms given (a refused comment or decision)."""
    pending = services.pending_date_request(action)
    decision = forms.pop("decision_form", None) or DateDecisionForm(
        data={"request": str(pending.id) if pending else ""})
    return render_template(
        "actions/detail.html", action=action, row=services.judged(action),
        source_url=source_url(action), log=services.progress_log(action),
        impact=services.latest_impact(action), history=services.action_history(action),
        files=evidence.files_for("progress_update", [u.id for u in action.updates]),
        remarks=services.remarks(action), pending=pending,
        comment_form=forms.pop("comment_form", None) or CommentForm(formdata=None),
        decision_form=decision, withdraw_form=WithdrawForm(formdata=None), **forms), status


@bp.route("/<int:action_id>")
@requires("view", "actions")
def detail(action_id: int) -> tuple[str, int]:
    """Show an action: its rating and why, where it came from, its progress, comments,
    requests for a new target date, and history."""
    action = services.action_or_404(action_id)
    authorize("view", action)
    return detail_page(action)


def _action_form(form_class: type[ActionForm], partnership: Partnership, *,
                 action: Action | None = None, plan: Plan | None = None,
                 bodies: list[Body] | None = None, **kwargs: Any) -> ActionForm:
    if action is not None and action.objective is not None:
        plan = action.objective.plan
    if bodies is None:
        bodies = services.body_options(partnership, services.body_limit(current_user),
                                       action.body if action else None)
    return form_class(
        obj=action, bodies=bodies,
        agencies=services.agency_options(partnership, action),
        people=services.person_options(partnership, action),
        years=services.year_options(partnership, plan, action.year if action else None),
        **kwargs)


@bp.route("/new", methods=["GET", "POST"])
@requires("create", "actions")
def new() -> str | Response:
    """Add an action: from an objective or phase, a meeting, a body, or on its own."""
    origin = services.origin_from(request.args)
    if origin is None:
        options = services.partnership_options(current_user)
        if len(options) != 1:
            return render_template("actions/choose_partnership.html", partnerships=options)
        origin = services.Origin(options[0])
    if origin.body_fixed and origin.body is not None:
        authorize("create", Action(partnership_id=origin.partnership.id, body_id=origin.body.id))
    bodies = services.body_options(origin.partnership, services.body_limit(current_user))
    form = _action_form(ActionForm, origin.partnership, plan=origin.plan, bodies=bodies,
                        data=services.new_action_defaults(origin, bodies))
    if form.validate_on_submit():
        with run_service(form) as step:
            action = services.create_action(origin, form.values(),
                                            services.body_limit(current_user))
            authorize("create", action)  # the policy's word on the saved record, to be sure
        if step.done:
            flash(f"Action added: {action.title}", "success")
            return redirect(url_for(".detail", action_id=action.id))
    return render_template("actions/new.html", form=form, origin=origin)


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@requires("update", "actions")
def edit(action_id: int) -> str | Response | tuple[str, int]:
    """Change an action, without overwriting someone else's edit; someone who may record
    its progress but not change it is offered a request for a new target date instead."""
    action = services.action_or_404(action_id)
    if (request.method == "GET" and not can(current_user, "edit", action)
            and can(current_user, "request_date", action)):
        return date_request_page(action, DateRequestForm())
    authorize("edit", action)
    form = _action_form(ActionEditForm, action.partnership, action=action)
    if request.method == "GET":
        form.version.data = str(action.version)
    back = url_for(".detail", action_id=action.id)
    if form.validate_on_submit():
        values = services.settled(action.partnership, form.values())
        try:
            if services.update_action(action, form.version.data, values,
                                      services.body_limit(current_user)):
                commit_edit(action, values)
                flash(f"Action updated: {action.title}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.title} was changed while you were editing",
                cancel_url=back)
    return render_template("actions/edit.html", form=form, action=action)


@bp.route("/<int:action_id>/update", methods=["GET", "POST"])
def update(action_id: int) -> str | Response:
    """Record progress: a new update in the log, and the action's status and % complete."""
    authorize("update", "actions")
    action = services.action_or_404(action_id)
    authorize("update", action)
    mine = services.my_last_ratings(current_user, [action.id]).get(action.id)
    form = ProgressForm(
        data={"status": action.status.value, "percent_complete": action.percent_complete,
              "proposed_rating": mine.value if mine else ""},
        earlier=services.update_options(action), describe=services.describe_update)
    if form.validate_on_submit():
        with run_service(form) as step:
            update = services.record_progress(action, current_user, form.values())
            if form.evidence.upload is not None:  # in the same transaction: both or neither
                evidence.attach("progress_update", update, form.evidence.upload, current_user)
        if step.done:
            flash(f"Progress recorded: {action.title}", "success")
            return redirect(safe_next(form.next.data)
                            or url_for(".detail", action_id=action.id, _anchor="progress"))
    if form.evidence.upload is not None and not form.evidence.errors:
        # A browser never fills a file input again: say the file was not kept.
        form.evidence.errors = ["Select the file again: nothing is kept until the update is "
                                "saved"]
    return render_template("actions/update.html", form=form, action=action)


def date_request_page(action: Action, form: DateRequestForm) -> str:
    """Render the request for a new target date (also what /edit shows a lead who may not
    change the action itself)."""
    return render_template("actions/date_request.html", action=action, form=form,
                           pending=services.pending_date_request(action),
                           withdraw_form=WithdrawForm(formdata=None))
