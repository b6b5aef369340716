"""Cases: the list, the chair's board, a case's page (the hub of its reviews), recording a
case, its stage, notification and national referral, the people who may see it, and the
partnership's review settings.

Need-to-know: every route asks the policy about the realm and then about the case, and a
refusal is a 404 (a case's existence is not revealed). Lists and the board show only the
cases the user may see. Every view of a case is written to the audit trail.
"""

from __future__ import annotations

import io
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize
from partnership.audit.services import history_of, record_event, record_view
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.policy import Role, can, readable, scope
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.reviews.forms.cases import (
    STAGE_DATES,
    AddMemberForm,
    CaseFilterForm,
    CaseForm,
    CasePartnershipForm,
    CaseRemoveForm,
    ClosureForm,
    NotificationForm,
    ReferralForm,
    ReviewSettingsForm,
    StageForm,
)
from partnership.reviews.models import Case, ReviewKind, Stage
from partnership.reviews.services import board as board_services
from partnership.reviews.services import cases as services
from partnership.reviews.services import gates, settings_for
from partnership.reviews.services import local as local_services
from partnership.reviews.services import rapid as rapid_services
from partnership.reviews.services import tracker as tracker_services
from partnership.reviews.services.deadlines import (
    closures_of,
    deadlines_of,
    left_in_words,
    notification_due,
)
from partnership.reviews.views import conflict_page
from partnership.web import query_id, refused, run_service

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the case pages their ways of writing dates and deadlines."""
    return {"long_date": long_date, "left_in_words": left_in_words}


# --- finding a case and asking the policy ----------------------------------------------------


def _case(verb: str, case_id: int) -> Case:
    """Ask about the realm, find the case (404 if none), ask about the case itself; a page
    showing the case is written to the audit trail."""
    authorize(verb, "cases", hide=True)
    case = services.case_or_404(case_id)
    authorize(verb, case)
    if request.method == "GET":
        record_view(case)
    return case


def _detail(case: Case, anchor: str | None = None, message: str | None = None) -> Response:
    if message:
        flash(message, "success")
    return redirect(url_for(".detail", case_id=case.id, _anchor=anchor))


def _partnerships() -> list[Partnership]:
    return list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                   .order_by(Partnership.name)))


def _chosen(partnerships: list[Partnership], slug: str | None) -> Partnership | None:
    return next((p for p in partnerships if p.slug == slug), None)


def _args(chosen: Partnership | None, stage: Stage | None = None) -> dict[str, str]:
    """The list's filters as query-string arguments (for its page links)."""
    return {**({"partnership": chosen.slug} if chosen else {}),
            **({"stage": stage.value} if stage else {})}


def _audit_list(what: str, cases: list[Case]) -> None:
    """A list showing cases is a view of each of them: one audit row names them all."""
    if cases:
        record_event("view", record_type="case_record", record_id=what,
                     changes={"cases": [f"{c.id} {c.reference}" for c in cases]})


# --- lists -----------------------------------------------------------------------------------


@bp.route("")
def index() -> str:
    """The cases the user may see, with their stage and next deadline."""
    authorize("view", "cases", hide=True)
    partnerships = _partnerships()
    filters = CaseFilterForm(request.args, partnerships=partnerships)
    chosen = _chosen(partnerships, request.args.get("partnership"))
    try:
        stage = Stage(request.args.get("stage") or "")
    except ValueError:
        stage = None
    listed = board_services.case_list_page(
        current_user, clock.today(), request.args.get("page", 1, type=query_id),
        current_app.config["PAGE_SIZE"], partnership_id=chosen.id if chosen else None,
        stage=stage)
    html = render_template("cases/index.html", rows=listed.rows, page=listed.page,
                           filters=filters, chosen=chosen, stage=stage,
                           filtered=bool(chosen or stage), partnerships=partnerships,
                           args=_args(chosen, stage=stage))
    _audit_list("list", listed.cases)  # after the page is made: its commit expires them
    return html


@bp.route("/board")
def board() -> str:
    """The chair's board: every open case, its next deadline, what to chase, its timeline."""
    authorize("view", "cases", hide=True)
    partnerships = _partnerships()
    chosen = _chosen(partnerships, request.args.get("partnership"))
    filters = CaseFilterForm(request.args, partnerships=partnerships)
    today = clock.today()
    shown = board_services.board_page(
        current_user, today, request.args.get("page", 1, type=query_id),
        current_app.config["PAGE_SIZE"], partnership_id=chosen.id if chosen else None)
    html = render_template("cases/board.html", rows=shown.rows, page=shown.page,
                           filters=filters, chosen=chosen, today=today, chasing=shown.chasing,
                           args=_args(chosen))
    _audit_list("board", shown.cases)
    return html


@bp.route("/tracker.<fmt>")
def tracker(fmt: str) -> Response:
    """Our case reviews in the columns of NHS England's case review tracker, as CSV or XLSX:
    the cases the user may see, and those whose local review is published (audited)."""
    authorize("view", "cases", hide=True)
    if fmt not in tracker_services.FORMATS:
        abort(404)
    chosen = _chosen(_partnerships(), request.args.get("partnership"))
    export = tracker_services.tracker_export(current_user, fmt, clock.today(),
                                             chosen.id if chosen else None)
    record_event("export", record_type="case_record", record_id="tracker",
                 changes={"format": fmt, "rows": export.count,
                          "partnership": chosen.slug if chosen else "all"})
    return send_file(io.BytesIO(export.data), mimetype=export.mimetype, as_attachment=True,
                     download_name=export.filename, max_age=0)


# --- recording a case ------------------------------------------------------------------------


def _case_form(partnership: Partnership, **kwargs: Any) -> CaseForm:
    return CaseForm(bodies=services.body_options(partnership),
                    agencies=services.agency_options(partnership), **kwargs)


def _case_values(form: CaseForm, partnership: Partnership) -> dict[str, Any]:
    return form.values(services.agencies_with_ids(partnership, form.agencies.data or []))


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    """Record a serious incident as a case (for a partnership chosen first)."""
    authorize("create", "cases", hide=True)
    partnerships = _partnerships()
    partnership = (partnerships[0] if len(partnerships) == 1
                   else _chosen(partnerships, request.args.get("partnership")))
    if partnership is None:
        chooser = CasePartnershipForm(partnerships=partnerships)
        return render_template("cases/choose_partnership.html", chooser=chooser,
                               partnerships=partnerships)
    form = _case_form(partnership)
    if form.validate_on_submit():
        with run_service(form, default="reference") as step:
            case = services.create_case(partnership, _case_values(form, partnership),
                                        clock.today())
        if step.done:
            return _detail(case, message=f"{case.reference} recorded")
    return render_template("cases/new.html", form=form, partnership=partnership,
                           several=len(partnerships) > 1)


def _case_words(values: dict[str, Any]) -> dict[str, Any]:
    return {"reference": values["reference"],
            "reviewing_body": values["reviewing_body"].name if values["reviewing_body"]
            else "None", "incident_type": values["incident_type"].label,
            "aware_on": long_date(values["aware_on"]) if values["aware_on"] else "",
            "agencies": ", ".join(a.name for a in values["agencies"]) or "None",
            "summary": values["summary"] or "(none)",
            "incident_authority": values["incident_authority"] or "Not recorded",
            "residence_authority": values["residence_authority"] or "Not recorded",
            "looked_after": "Yes" if values["looked_after"] else "No"}


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int) -> str | Response | tuple[str, int]:
    """Change a case's details, without overwriting someone else's edit."""
    case = _case("edit", case_id)
    form = _case_form(case.partnership, obj=case)
    if request.method == "GET":
        form.version.data = str(case.version)
        form.incident_type.data = case.incident_type.value
        form.agencies.data = [a.id for a in case.agencies]
        form.looked_after.data = case.looked_after
    if form.validate_on_submit():
        values = _case_values(form, case.partnership)
        try:
            if services.update_case(case, form.version.data, values, clock.today()):
                commit_edit(case, values)
                flash(f"{case.reference} updated", "success")
            return _detail(case)
        except DomainError as problem:
            refused(form, problem, default="reference")
        except EditConflict as conflict:
            current = conflict.obj
            theirs = _case_words({name: getattr(current, name) for name in values})
            return conflict_page(form, conflict, values, _case_words(values),
                                 theirs.__getitem__,
                                 title=f"{current.reference} was changed while you were "
                                       "editing",
                                 cancel_url=url_for(".detail", case_id=case_id))
    return render_template("cases/edit.html", form=form, case=case)


# --- one case --------------------------------------------------------------------------------


def _reviews_of(case: Case) -> list[dict[str, Any]]:
    """The case's own reviews (rapid, local): each recorded one, or the chance to start it."""
    found = []
    for kind, present in ((ReviewKind.RAPID_REVIEW, case.rapid_review is not None),
                          (ReviewKind.LOCAL_REVIEW, case.local_review is not None)):
        review = next((r for r in case.reviews if r.kind is kind), None)
        if review is not None or present:
            found.append({"kind": kind, "review": review})
    return found


@bp.route("/<int:case_id>")
def detail(case_id: int) -> str:
    """A case: where it stands, its reviews, recommendations, referral, timeline and history."""
    case = _case("view", case_id)
    today = clock.today()
    standing = board_services.standings([case], today, with_actions=True)[0]
    all_deadlines = deadlines_of(case, standing.settings, standing.closures,
                                                today, include_met=True)
    rapid = case.rapid_review
    sign_offs = rapid_services.sign_off_lines(rapid)
    mine = scope(current_user).partner_ids if current_user.role is Role.PARTNER else frozenset()
    may_sign = (rapid is not None and can(current_user, "sign_off", case)
                and any(partner.id in mine and row is None for partner, row in sign_offs))
    history = sorted([*history_of(case), *(history_of(rapid) if rapid else []),
                      *(history_of(case.local_review) if case.local_review else []),
                      *(history_of(case.national_referral) if case.national_referral else [])],
                     key=lambda e: (e.at, e.id), reverse=True)
    return render_template(
        "cases/detail.html", case=case, standing=standing, today=today,
        all_deadlines=all_deadlines, rapid=rapid, local=case.local_review,
        referral=case.national_referral, sign_offs=sign_offs, may_sign=may_sign,
        requests=[(r, rapid_services.request_status(r, today),
                   rapid_services.request_overdue(r, today)) for r in rapid.requests]
        if rapid else [],
        milestones=local_services.milestone_lines(case.local_review, today),
        monitoring=local_services.monitoring_lines(case.local_review),
        reviews=_reviews_of(case),
        notification_due=notification_due(case, standing.closures),
        history=[e for e in history if e.action != "view"][:100])


# --- moving between stages -------------------------------------------------------------------


@bp.route("/<int:case_id>/stage", methods=["GET", "POST"])
def stage(case_id: int) -> str | Response | tuple[str, int]:
    """Move the case to the next stage the process allows, once what the stage needs is
    done (each missing item named); the team may move it on anyway, with a reason."""
    case = _case("edit", case_id)
    allowed = services.allowed_moves(case)
    form = StageForm(stages=allowed)
    may_override = can(current_user, "override", case)
    if request.method == "GET":
        form.version.data = str(case.version)
    refusal: services.StageRefused | None = None
    if form.validate_on_submit():
        move = services.Move(stage=form.stage.data, decided_on=form.decided_on.data,
                             referred_on=form.referred_on.data, closed_on=form.closed_on.data,
                             override=bool(form.override.data) and may_override,
                             override_reason=form.override_reason.data or "")
        before = case.stage
        try:
            row = services.move_case(case, form.version.data, move, clock.today(),
                                     current_user)
            commit_edit(case, {"stage": case.stage})
        except services.StageRefused as problem:
            refusal = problem
            refused(form, problem, default="stage")
        except DomainError as problem:
            refused(form, problem, default="stage")
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(form, conflict, ["stage"], {"stage": Stage(form.stage.data)},
                                 lambda _name: saved.stage,
                                 title=f"{conflict.obj.reference} was changed while you were "
                                       "moving it",
                                 cancel_url=url_for(".detail", case_id=case_id))
        else:
            extra = " before its stage was complete (recorded with your reason)" \
                if row.overridden else ""
            return _detail(case, message=f"{case.reference} moved from {before.label} to "
                                         f"{case.stage.label}{extra}")
    case = services.case_or_404(case_id)  # after a refusal, as saved
    return render_template("cases/stage.html", form=form, case=case, allowed=allowed,
                           stage_dates=STAGE_DATES, settings=settings_for(case.partnership),
                           still_to_do=gates.missing_by_move(case, allowed),
                           refusal=refusal, may_override=may_override)


# --- the notification and the national referral ----------------------------------------------


@bp.route("/<int:case_id>/notification", methods=["GET", "POST"])
def notification(case_id: int) -> str | Response | tuple[str, int]:
    """Record the serious incident notification to the national panel."""
    case = _case("edit", case_id)
    form = NotificationForm(obj=case)
    if request.method == "GET":
        form.version.data = str(case.version)
    due = notification_due(case, closures_of(case.partnership_id))
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.record_notification(case, form.version.data, values, clock.today()):
                commit_edit(case, values)
            late = case.notified_on is not None and case.notified_on > due
            return _detail(case, "notification",
                           "Notification recorded" + (" as late" if late else ""))
        except DomainError as problem:
            refused(form, problem, default="notified_on")
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(form, conflict, values, values,
                                 lambda name: getattr(saved, name),
                                 title=f"{saved.reference} was changed while you were editing",
                                 cancel_url=url_for(".detail", case_id=case_id))
    return render_template("cases/notification.html", form=form, case=case, due=due)


@bp.route("/<int:case_id>/national-referral", methods=["GET", "POST"])
def referral(case_id: int) -> str | Response | tuple[str, int]:
    """Record the referral for a national review and its outcome."""
    case = _case("edit", case_id)
    current = case.national_referral
    if current is not None:
        authorize("edit", current)
    form = ReferralForm(obj=current)
    if request.method == "GET":
        form.version.data = str(current.version) if current else ""
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.save_referral(case, form.version.data, values, clock.today()):
                commit_edit(case.national_referral, values)
            return _detail(case, "national-referral", "National referral saved")
        except DomainError as problem:
            refused(form, problem, default="referred_on")
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(form, conflict, values, values,
                                 lambda name: getattr(saved, name),
                                 title="The national referral was changed while you were "
                                       "editing",
                                 cancel_url=url_for(".detail", case_id=case_id))
    return render_template("cases/referral.html", form=form, case=case, referral=current)


# --- who may see the case --------------------------------------------------------------------


@bp.route("/<int:case_id>/people", methods=["GET", "POST"])
def members(case_id: int) -> str | Response:
    """Who may see the case and why; add someone (with the reason) or take them off."""
    authorize("manage", "cases", hide=True)
    case = services.case_or_404(case_id)
    authorize("view", case)
    if request.method == "GET":
        record_view(case)
    seers = services.people_who_see(case, clock.today())
    form = AddMemberForm(users=services.addable_users(case, seers))
    if request.method == "POST" and "remove" in request.form:
        remove = CaseRemoveForm()
        if remove.validate_on_submit():
            record = int(remove.record.data) if remove.record.data.isdigit() else None
            member = services.remove_member(case, record)
            if member is not None:
                name = member.user.name
                db.session.commit()
                flash(f"{name} was taken off {case.reference}", "success")
            return redirect(url_for(".members", case_id=case.id))
    elif form.validate_on_submit():
        user = next((u for u in services.addable_users(case, seers)
                     if str(u.id) == form.user.data), None)
        with run_service(form, default="user") as step:
            member = services.add_member(case, user, (form.reason.data or "").strip())
        if step.done:
            flash(f"{member.user.name} can now see {case.reference}", "success")
            return redirect(url_for(".members", case_id=case.id))
    return render_template("cases/members.html", form=form, case=case,
                           seers=seers,
                           remove=CaseRemoveForm())


# --- settings and closure days ---------------------------------------------------------------


@bp.route("/settings/<slug>", methods=["GET", "POST"])
def settings(slug: str) -> str | Response | tuple[str, int]:
    """A partnership's settings for case reviews, and its closure days."""
    authorize("manage", "cases", hide=True)
    partnership = partnership_or_404(slug)
    row = settings_for(partnership)
    settings_form = ReviewSettingsForm(obj=row)
    closure_form = ClosureForm()
    shown_form = None
    if request.method == "GET":
        settings_form.version.data = str(row.version)
        settings_form.rapid_review_clock.data = row.rapid_review_clock.value
    elif "remove" in request.form:
        remove = CaseRemoveForm()
        if remove.validate_on_submit():
            record = int(remove.record.data) if remove.record.data.isdigit() else None
            closure = services.remove_closure(partnership, record)
            if closure is not None:
                db.session.commit()
                flash(f"{long_date(closure.day)} is counted as a working day again", "success")
            return redirect(url_for(".settings", slug=slug))
    elif "add_closure" in request.form:
        shown_form = closure_form
        if closure_form.validate_on_submit():
            values = closure_form.values()
            with run_service(closure_form, default="day") as step:
                closure = services.add_closure(partnership, values["day"], values["reason"])
            if step.done:
                flash(f"{long_date(closure.day)} added as a closure day", "success")
                return redirect(url_for(".settings", slug=slug, _anchor="closure-days"))
    else:
        shown_form = settings_form
        if settings_form.validate_on_submit():
            values = settings_form.values()
            try:
                if services.update_settings(partnership, settings_form.version.data, values):
                    commit_edit(row, values)
                    flash("Settings saved", "success")
                return redirect(url_for(".settings", slug=slug))
            except EditConflict as conflict:
                saved = conflict.obj
                return conflict_page(settings_form, conflict, values, values,
                                     lambda name: getattr(saved, name),
                                     title="The settings were changed while you were editing",
                                     cancel_url=url_for(".settings", slug=slug))
    return render_template("cases/settings.html", partnership=partnership, settings=row,
                           settings_form=settings_form, closure_form=closure_form,
                           form=shown_form, closures=services.closure_days(partnership),
                           remove=CaseRemoveForm())
