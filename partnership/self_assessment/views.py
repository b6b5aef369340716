"""The pages of self-assessment: standards library, rounds, returns, moderation, dashboard.

The team sets up rounds and moderates; each organisation's own staff (the agency role)
complete its return and see no other organisation's (a 404); the dashboard and the workbook
are for the team, chairs, partners and the scrutineer.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as WerkzeugResponse

from partnership.access import authorize, requires
from partnership.actions.services import Origin, create_action
from partnership.audit.services import record_view
from partnership.documents.charts import drawn
from partnership.editing import EditConflict, apply_edit, commit_edit, render_conflict
from partnership.evidence.services import attach, files_for
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.policy import can, readable, scope
from partnership.register.models import Establishment, Partnership
from partnership.scales.services import SELF_ASSESSMENT_SCALE, starter_scales
from partnership.self_assessment import dashboard as boards
from partnership.self_assessment import services
from partnership.self_assessment.forms import (
    AgenciesForm,
    ButtonForm,
    ChaseForm,
    GapActionForm,
    RoundForm,
    SchoolsForm,
    SessionForm,
    StandardForm,
    StandardSetForm,
    StarterSetForm,
    moderation_form,
    return_form,
)
from partnership.self_assessment.models import (
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    RoundStatus,
    StandardSet,
    StandardsKind,
)
from partnership.self_assessment.spreadsheets import round_workbook
from partnership.web import query_id, run_service

bp = Blueprint("self_assessment", __name__, url_prefix="/partnerships/<slug>/self-assessment")
Page = str | WerkzeugResponse | tuple[str, int]
OWNER_KIND = "assessment_return"  # evidence files belong to the return


@bp.app_context_processor
def self_assessment_words() -> dict[str, Any]:
    """Give every page the agency lead's returns due (read only when a page asks)."""

    def self_assessments_due() -> list[services.DueReturn]:
        if not current_user.is_authenticated:
            return []
        mine = scope(current_user)
        return services.due_from(mine.agency_id, getattr(mine, "establishment_id", None))

    return {"self_assessments_due": self_assessments_due}


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the pages their ways of writing dates and organisations."""
    return {"long_date": long_date, "organisation_kind": services.organisation_kind,
            "Status": AssessmentStatus, "RoundStatus": RoundStatus}


# --- finding records --------------------------------------------------------------------------


def _partnership(slug: str) -> Partnership:
    return services.partnership_or_404(slug)


def _set(slug: str, set_id: int) -> tuple[Partnership, StandardSet]:
    partnership = _partnership(slug)
    return partnership, services.set_or_404(partnership, set_id)


def _round(slug: str, round_id: int) -> tuple[Partnership, AssessmentRound]:
    partnership = _partnership(slug)
    return partnership, services.round_or_404(partnership, round_id)


def _return(slug: str, return_id: int, verb: str = "view"
            ) -> tuple[Partnership, AssessmentRound, AssessmentReturn]:
    partnership = _partnership(slug)
    assessment_return = services.return_or_404(partnership, return_id)
    assessment_round = assessment_return.round
    authorize("view", assessment_return, hide=True)
    if verb != "view":
        authorize(verb, assessment_return)
    return partnership, assessment_round, assessment_return


def _round_url(partnership: Partnership, assessment_round: AssessmentRound, **extra: Any) -> str:
    return url_for(".round_detail", slug=partnership.slug, round_id=assessment_round.id, **extra)


# --- the library and the rounds -----------------------------------------------------------------


@bp.route("")
@requires("view", "self_assessment")
def index(slug: str) -> str:
    """The partnership's rounds and standards sets."""
    partnership = _partnership(slug)
    starter = StarterSetForm()
    starter.scale.offer(services.scales_of(partnership))
    return render_template("self_assessment/index.html", partnership=partnership,
                           rounds=services.rounds_of(partnership),
                           sets=services.sets_of(partnership), starter=starter)


@bp.route("/sets/starter", methods=["POST"])
@requires("manage", "self_assessment")
def starter(slug: str) -> Page:
    """Add a standards set from a starter set (Section 11, or schools)."""
    partnership = _partnership(slug)
    scales = starter_scales(partnership)
    form = StarterSetForm()
    form.scale.offer(scales.values())
    if form.validate_on_submit():
        with run_service(form) as step:
            standard_set = services.starter_set(
                partnership, StandardsKind(form.kind.data),
                form.scale.record or scales[SELF_ASSESSMENT_SCALE])
        if step.done:
            flash(f"{standard_set.name} added: change any standard as you need", "success")
            return redirect(url_for(".set_detail", slug=slug, set_id=standard_set.id))
    db.session.commit()  # the starter scales, if they were added
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return redirect(url_for(".index", slug=slug))


@bp.route("/sets/new", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def set_new(slug: str) -> Page:
    """Add a standards set."""
    partnership = _partnership(slug)
    form = StandardSetForm()
    form.scale.offer(services.scales_of(partnership) or starter_scales(partnership).values())
    if form.validate_on_submit():
        with run_service(form) as step:
            standard_set = services.create_set(partnership, form.values())
        if step.done:
            flash(f"{standard_set.name} added", "success")
            return redirect(url_for(".set_detail", slug=slug, set_id=standard_set.id))
    return render_template("self_assessment/set_form.html", partnership=partnership, form=form,
                           standard_set=None)


@bp.route("/sets/<int:set_id>")
@requires("view", "self_assessment")
def set_detail(slug: str, set_id: int) -> str:
    """A standards set and its standards."""
    partnership, standard_set = _set(slug, set_id)
    return render_template("self_assessment/set_detail.html", partnership=partnership,
                           standard_set=standard_set, button=ButtonForm())


@bp.route("/sets/<int:set_id>/edit", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def set_edit(slug: str, set_id: int) -> Page:
    """Change a set's name, kind, scale or source."""
    partnership, standard_set = _set(slug, set_id)
    form = StandardSetForm(obj=standard_set)
    form.scale.offer(services.scales_of(partnership))
    if request.method == "GET":
        form.version.data = str(standard_set.version)
    back = url_for(".set_detail", slug=slug, set_id=set_id)
    if form.validate_on_submit():
        values = form.values()
        try:
            with run_service(form, commit=False) as step:
                services.update_set(standard_set, values)
                apply_edit(standard_set, form.version.data, values)
                commit_edit(standard_set, values)
        except EditConflict as conflict:
            return render_conflict(conflict, form, title="Change the standards set",
                                   cancel_url=back)
        if step.done:
            flash("Standards set saved", "success")
            return redirect(back)
    return render_template("self_assessment/set_form.html", partnership=partnership, form=form,
                           standard_set=standard_set)


@bp.route("/sets/<int:set_id>/standards/new", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def standard_new(slug: str, set_id: int) -> Page:
    """Add a standard at the end of a set."""
    partnership, standard_set = _set(slug, set_id)
    form = StandardForm()
    if request.method == "GET":
        form.number.data = str(len(standard_set.standards) + 1)
    if form.validate_on_submit():
        with run_service(form) as step:
            services.add_standard(standard_set, form.values())
        if step.done:
            flash("Standard added", "success")
            return redirect(url_for(".set_detail", slug=slug, set_id=set_id))
    return render_template("self_assessment/standard_form.html", partnership=partnership,
                           standard_set=standard_set, form=form, standard=None)


@bp.route("/standards/<int:standard_id>/edit", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def standard_edit(slug: str, standard_id: int) -> Page:
    """Change a standard."""
    partnership = _partnership(slug)
    standard = services.standard_or_404(partnership, standard_id)
    standard_set = standard.standard_set
    set_id = standard_set.id
    form = StandardForm(obj=standard)
    if request.method == "GET":
        form.version.data = str(standard.version)
    back = url_for(".set_detail", slug=slug, set_id=set_id)
    if form.validate_on_submit():
        values = form.values()
        try:
            with run_service(form, commit=False) as step:
                services.check_standard(standard, values)
                apply_edit(standard, form.version.data, values)
                commit_edit(standard, values)
        except EditConflict as conflict:
            return render_conflict(conflict, form, title="Change the standard", cancel_url=back)
        if step.done:
            flash("Standard saved", "success")
            return redirect(back)
    return render_template("self_assessment/standard_form.html", partnership=partnership,
                           standard_set=standard_set, form=form, standard=standard)


@bp.route("/standards/<int:standard_id>/move/<direction>", methods=["POST"])
@requires("manage", "self_assessment")
def standard_move(slug: str, standard_id: int, direction: str) -> WerkzeugResponse:
    """Move a standard up or down its set."""
    standard = services.standard_or_404(_partnership(slug), standard_id)
    set_id = standard.set_id
    if direction not in ("up", "down"):
        return redirect(url_for(".set_detail", slug=slug, set_id=set_id))
    if ButtonForm().validate_on_submit():
        services.move_standard(standard, direction)
        db.session.commit()
    return redirect(url_for(".set_detail", slug=slug, set_id=set_id,
                            _anchor=f"standard-{standard.id}"))


@bp.route("/standards/<int:standard_id>/remove", methods=["POST"])
@requires("manage", "self_assessment")
def standard_remove(slug: str, standard_id: int) -> WerkzeugResponse:
    """Remove a standard no round has asked about."""
    standard = services.standard_or_404(_partnership(slug), standard_id)
    set_id = standard.set_id
    if ButtonForm().validate_on_submit():
        with run_service() as step:
            services.remove_standard(standard)
        if step.done:
            flash("Standard removed", "success")
    return redirect(url_for(".set_detail", slug=slug, set_id=set_id))


def _round_form(partnership: Partnership, assessment_round: AssessmentRound | None = None
                ) -> RoundForm:
    form = RoundForm(obj=assessment_round)
    form.standard_set.offer(services.sets_of(partnership))
    form.partnerships.offer(db.session.scalars(sa.select(Partnership).where(
        Partnership.id != partnership.id, readable(Partnership)).order_by(Partnership.name)))
    form.previous.offer([r for r in services.rounds_of(partnership)
                         if assessment_round is None or r.id != assessment_round.id])
    return form


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def round_new(slug: str) -> Page:
    """Set up a round."""
    partnership = _partnership(slug)
    form = _round_form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            assessment_round = services.create_round(partnership, form.values())
        if step.done:
            flash("Round set up: now choose the organisations to ask", "success")
            return redirect(url_for(".organisations", slug=slug, round_id=assessment_round.id))
    return render_template("self_assessment/round_form.html", partnership=partnership,
                           form=form, assessment_round=None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def round_edit(slug: str, round_id: int) -> Page:
    """Change a round's title, set, dates, joint partnerships or the round it starts from."""
    partnership, assessment_round = _round(slug, round_id)
    authorize("manage", assessment_round)
    form = _round_form(partnership, assessment_round)
    if request.method == "GET":
        form.version.data = str(assessment_round.version)
    back = _round_url(partnership, assessment_round)
    if form.validate_on_submit():
        values = form.values()
        try:
            with run_service(form, commit=False) as step:
                services.check_round_edit(assessment_round, values)
                apply_edit(assessment_round, form.version.data, values)
                commit_edit(assessment_round, values)
        except EditConflict as conflict:
            return render_conflict(conflict, form, title="Change the round", cancel_url=back)
        if step.done:
            flash("Round saved", "success")
            return redirect(back)
    return render_template("self_assessment/round_form.html", partnership=partnership,
                           form=form, assessment_round=assessment_round)


@bp.route("/rounds/<int:round_id>")
@requires("view", "self_assessment")
def round_detail(slug: str, round_id: int) -> str:
    """A round: its dates and status, and the returns the reader may see, a page at a time."""
    partnership, assessment_round = _round(slug, round_id)
    page = db.paginate(
        sa.select(AssessmentReturn).where(AssessmentReturn.round_id == assessment_round.id,
                                          readable(AssessmentReturn))
        .outerjoin(AssessmentReturn.agency).outerjoin(AssessmentReturn.establishment)
        .options(joinedload(AssessmentReturn.agency),
                 joinedload(AssessmentReturn.establishment))
        .order_by(sa.func.coalesce(sa.literal_column("agency.name"),
                                   sa.literal_column("establishment.name")),
                  AssessmentReturn.id),
        page=request.args.get("page", 1, type=query_id),
        per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("self_assessment/round.html", partnership=partnership,
                           assessment_round=assessment_round, page=page,
                           members=services.member_partnerships(assessment_round),
                           button=ButtonForm())


@bp.route("/rounds/<int:round_id>/organisations", methods=["GET", "POST"])
@requires("manage", "self_assessment")
def organisations(slug: str, round_id: int) -> Page:
    """Choose the organisations asked: agencies, and schools and settings by phase and type."""
    partnership, assessment_round = _round(slug, round_id)
    authorize("manage", assessment_round)
    phase = request.values.get("phase", "")
    kind = request.values.get("kind", "")
    agencies_form = AgenciesForm(prefix="a")
    agencies_form.agencies.offer(services.agency_choices(assessment_round),
                                 lambda a: f"{a.name} ({a.partnership.short_name})")
    schools_form = SchoolsForm(prefix="s")
    query = services.establishment_choices(assessment_round, phase or None, kind or None)
    school_page = db.paginate(query, page=request.args.get("page", 1, type=query_id),
                              per_page=200, error_out=False)
    schools_form.establishments.offer(school_page.items,
                                      lambda e: f"{e.name} ({e.phase or 'phase not stated'})")
    added = None
    if agencies_form.submit.data and agencies_form.validate_on_submit():
        ids = ([a.id for a in services.agency_choices(assessment_round)]
               if agencies_form.every_agency.data else agencies_form.agencies.data)
        with run_service(agencies_form, default="agencies") as step:
            added = services.add_organisations(assessment_round, agency_ids=ids)
    elif schools_form.submit.data and schools_form.validate_on_submit():
        if schools_form.every_school.data:
            ids = list(db.session.scalars(query.with_only_columns(Establishment.id)
                                          .order_by(None)))
        else:
            ids = schools_form.establishments.data
        with run_service(schools_form, default="establishments") as step:
            added = services.add_organisations(assessment_round, establishment_ids=ids)
    if added is not None and step.done:
        flash(f"{added} organisation{'s' if added != 1 else ''} added to the round", "success")
        return redirect(url_for(".organisations", slug=slug, round_id=round_id, phase=phase,
                                kind=kind))
    phases, kinds = services.establishment_filters(assessment_round)
    asked = db.session.scalar(sa.select(sa.func.count(AssessmentReturn.id)).where(
        AssessmentReturn.round_id == assessment_round.id))
    schools_form.phase.data, schools_form.kind.data = phase, kind
    return render_template("self_assessment/organisations.html", partnership=partnership,
                           assessment_round=assessment_round, agencies_form=agencies_form,
                           schools_form=schools_form, school_page=school_page, phases=phases,
                           kinds=kinds, phase=phase, kind=kind, asked=asked)


@bp.route("/returns/<int:return_id>/remove", methods=["POST"])
@requires("manage", "self_assessment")
def return_remove(slug: str, return_id: int) -> WerkzeugResponse:
    """Stop asking an organisation that has not started."""
    partnership, assessment_round, assessment_return = _return(slug, return_id, "manage")
    name = assessment_return.organisation_name
    if ButtonForm().validate_on_submit():
        with run_service() as step:
            services.remove_return(assessment_return)
        if step.done:
            flash(f"{name} is no longer asked", "success")
    return redirect(_round_url(partnership, assessment_round))


@bp.route("/rounds/<int:round_id>/launch", methods=["POST"])
@requires("manage", "self_assessment")
def launch(slug: str, round_id: int) -> WerkzeugResponse:
    """Open the round for returns."""
    partnership, assessment_round = _round(slug, round_id)
    authorize("manage", assessment_round)
    if ButtonForm().validate_on_submit():
        with run_service() as step:
            services.launch(assessment_round)
        if step.done:
            flash("The round is open for returns", "success")
    return redirect(_round_url(partnership, assessment_round))


@bp.route("/rounds/<int:round_id>/advance", methods=["POST"])
@requires("manage", "self_assessment")
def advance(slug: str, round_id: int) -> WerkzeugResponse:
    """Move the round on: from open to moderation, from moderation to closed."""
    partnership, assessment_round = _round(slug, round_id)
    authorize("manage", assessment_round)
    if ButtonForm().validate_on_submit():
        with run_service() as step:
            status = services.advance(assessment_round)
        if step.done:
            flash(f"The round is now: {status.label.lower()}", "success")
    return redirect(_round_url(partnership, assessment_round))


# --- an organisation's return ------------------------------------------------------------------


def _return_page(partnership: Partnership, assessment_round: AssessmentRound,
                 assessment_return: AssessmentReturn, form: Any, status: int = 200) -> Page:
    standard_set = assessment_round.standard_set
    answers = services.answers_of(assessment_return)
    actions = services.actions_by_answer(a.id for a in answers.values())
    files = files_for(OWNER_KIND, [assessment_return.id])[assessment_return.id]
    editable = (can(current_user, "complete", assessment_return)
                and assessment_round.status is RoundStatus.OPEN
                and assessment_return.status in services.OPEN_STATUSES)
    html = render_template(
        "self_assessment/return.html", partnership=partnership,
        assessment_round=assessment_round, assessment_return=assessment_return,
        standards=standard_set.standards, grades=standard_set.scale.grades, answers=answers,
        actions=actions, carried=services.carried_forward(assessment_return), form=form,
        editable=editable, files=files, button=ButtonForm())
    return (html, status) if status != 200 else html


def _return_form(assessment_round: AssessmentRound, assessment_return: AssessmentReturn) -> Any:
    standard_set = assessment_round.standard_set
    form = return_form(standard_set.standards, standard_set.scale.grades)
    if request.method == "GET":
        form.version.data = str(assessment_return.version)
        for standard_id, answer in services.answers_of(assessment_return).items():
            if f"grade_{standard_id}" in form:
                form[f"grade_{standard_id}"].data = str(answer.grade_id or "")
                form[f"evidence_{standard_id}"].data = answer.evidence
    return form


@bp.route("/returns/<int:return_id>")
@requires("view", "self_assessment")
def return_detail(slug: str, return_id: int) -> Page:
    """An organisation's return: a grade, evidence and files per standard; gap actions."""
    partnership, assessment_round, assessment_return = _return(slug, return_id)
    form = _return_form(assessment_round, assessment_return)
    record_view(assessment_return)
    return _return_page(partnership, assessment_round, assessment_return, form)


@bp.route("/returns/<int:return_id>/save", methods=["POST"])
@requires("complete", "self_assessment")
def return_save(slug: str, return_id: int) -> Page:
    """Save the return as a draft (and any evidence files chosen)."""
    partnership, assessment_round, assessment_return = _return(slug, return_id, "complete")
    form = _return_form(assessment_round, assessment_return)
    if form.validate_on_submit():
        values = {
            standard.id: services.AnswerValues(
                int(form[f"grade_{standard.id}"].data)
                if (form[f"grade_{standard.id}"].data or "").isdigit() else None,
                (form[f"evidence_{standard.id}"].data or "").strip())
            for standard in assessment_round.standard_set.standards}
        with run_service(form) as step:
            services.save_answers(assessment_return, form.version.data, values)
            _attach_files(assessment_return, form)
        if step.done:
            flash("Return saved as a draft", "success")
            return redirect(url_for(".return_detail", slug=slug, return_id=return_id))
    return _return_page(partnership, assessment_round, assessment_return, form)


def _attach_files(assessment_return: AssessmentReturn, form: Any) -> None:
    if form.evidence.upload is not None:
        attach(OWNER_KIND, assessment_return, form.evidence.upload, current_user)


@bp.route("/returns/<int:return_id>/submit", methods=["POST"])
@requires("complete", "self_assessment")
def return_submit(slug: str, return_id: int) -> Page:
    """Submit the return: every standard graded, every gap with an action."""
    partnership, assessment_round, assessment_return = _return(slug, return_id, "complete")
    form = _return_form(assessment_round, assessment_return)
    form.version.data = str(assessment_return.version)
    for standard_id, answer in services.answers_of(assessment_return).items():
        if f"grade_{standard_id}" in form:
            form[f"grade_{standard_id}"].data = str(answer.grade_id or "")
            form[f"evidence_{standard_id}"].data = answer.evidence
    if ButtonForm().validate_on_submit():
        with run_service(form) as step:
            services.submit(assessment_return, current_user)
        if step.done:
            flash("Return submitted to the partnership", "success")
            return redirect(url_for(".return_detail", slug=slug, return_id=return_id))
        return _return_page(partnership, assessment_round, assessment_return, form)
    return redirect(url_for(".return_detail", slug=slug, return_id=return_id))


@bp.route("/returns/<int:return_id>/reopen", methods=["POST"])
@requires("manage", "self_assessment")
def return_reopen(slug: str, return_id: int) -> WerkzeugResponse:
    """Let the organisation change a submitted return."""
    _, _, assessment_return = _return(slug, return_id, "manage")
    if ButtonForm().validate_on_submit():
        with run_service() as step:
            services.reopen(assessment_return)
        if step.done:
            flash("Return reopened for the organisation to change", "success")
    return redirect(url_for(".return_detail", slug=slug, return_id=return_id))


@bp.route("/returns/<int:return_id>/gap/<int:standard_id>", methods=["GET", "POST"])
@requires("complete", "self_assessment")
def gap_action(slug: str, return_id: int, standard_id: int) -> Page:
    """Add a tracked action to close a gap."""
    partnership, assessment_round, assessment_return = _return(slug, return_id, "complete")
    answer = services.gap_answer_or_404(assessment_return, standard_id)
    form = GapActionForm()
    if form.validate_on_submit():
        with run_service(form, default="title") as step:
            owner, values = services.gap_action_values(answer, form.values())
            create_action(Origin(owner, assessment_answer=answer), values)
        if step.done:
            flash("Action added: it is tracked with the partnership's other actions", "success")
            return redirect(url_for(".return_detail", slug=slug, return_id=return_id,
                                    _anchor=f"standard-{standard_id}"))
    return render_template("self_assessment/gap_action.html", partnership=partnership,
                           assessment_round=assessment_round, assessment_return=assessment_return,
                           answer=answer, form=form)


# --- moderation --------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/sessions/new", methods=["GET", "POST"])
@requires("moderate", "self_assessment")
def session_new(slug: str, round_id: int) -> Page:
    """Record a moderation or challenge session."""
    partnership, assessment_round = _round(slug, round_id)
    authorize("moderate", assessment_round)
    form = SessionForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            session = services.create_session(assessment_round, form.values())
        if step.done:
            flash("Session added: agree the grades of each return", "success")
            return redirect(url_for(".session_detail", slug=slug, session_id=session.id))
    return render_template("self_assessment/session_form.html", partnership=partnership,
                           assessment_round=assessment_round, form=form)


@bp.route("/sessions/<int:session_id>")
@requires("moderate", "self_assessment")
def session_detail(slug: str, session_id: int) -> str:
    """A session, and the submitted returns to moderate in it."""
    partnership = _partnership(slug)
    session = services.session_or_404(partnership, session_id)
    assessment_round = session.round
    return render_template("self_assessment/session.html", partnership=partnership,
                           assessment_round=assessment_round, session=session,
                           candidates=services.moderation_candidates(assessment_round))


@bp.route("/sessions/<int:session_id>/returns/<int:return_id>", methods=["GET", "POST"])
@requires("moderate", "self_assessment")
def moderate(slug: str, session_id: int, return_id: int) -> Page:
    """Record the agreed grade and a note per standard of one return."""
    partnership, assessment_round, assessment_return = _return(slug, return_id, "moderate")
    session = services.session_or_404(partnership, session_id)
    if session.round_id != assessment_round.id:
        abort(404)
    standard_set = assessment_round.standard_set
    answers = services.answers_of(assessment_return)
    form = moderation_form(standard_set.standards, standard_set.scale.grades)
    if request.method == "GET":
        for standard_id, answer in answers.items():
            if f"agreed_{standard_id}" in form:
                form[f"agreed_{standard_id}"].data = str(answer.agreed_grade_id or "")
                form[f"note_{standard_id}"].data = answer.moderation_note
    if form.validate_on_submit():
        values = {s.id: services.AgreedValues(
            int(form[f"agreed_{s.id}"].data) if (form[f"agreed_{s.id}"].data or "").isdigit()
            else None, (form[f"note_{s.id}"].data or "").strip()) for s in standard_set.standards}
        with run_service(form) as step:
            done = services.moderate(session, assessment_return, values)
        if step.done:
            flash(f"{assessment_return.organisation_name}: "
                  + ("every standard agreed, the return is moderated" if done
                     else "agreed grades saved"), "success")
            return redirect(url_for(".session_detail", slug=slug, session_id=session_id))
    return render_template("self_assessment/moderate.html", partnership=partnership,
                           assessment_round=assessment_round, session=session,
                           assessment_return=assessment_return, standards=standard_set.standards,
                           answers=answers, form=form)


# --- dashboard, chasing and export -------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/dashboard")
@requires("export", "self_assessment")
def dashboard(slug: str, round_id: int) -> str:
    """Completion by status and sector, overdue, grades by standard, and the chase list."""
    partnership, assessment_round = _round(slug, round_id)
    board = boards.dashboard(assessment_round, page=request.args.get("page", 1, type=query_id),
                             per_page=current_app.config["PAGE_SIZE"])
    chase = ChaseForm()
    return render_template(
        "self_assessment/dashboard.html", partnership=partnership,
        assessment_round=assessment_round, board=board, chase=chase,
        chart_svgs=drawn(board.chart) if board.chart else [])


@bp.route("/rounds/<int:round_id>/chase", methods=["POST"])
@requires("manage", "self_assessment")
def chase(slug: str, round_id: int) -> WerkzeugResponse:
    """Mark the ticked returns as chased today."""
    _, assessment_round = _round(slug, round_id)
    authorize("manage", assessment_round)
    form = ChaseForm()
    if form.validate_on_submit():
        with run_service() as step:
            count = services.mark_chased(assessment_round, form.returns.data or [])
        if step.done:
            flash(f"{count} organisation{'s' if count != 1 else ''} marked as chased today",
                  "success")
    return redirect(url_for(".dashboard", slug=slug, round_id=round_id,
                            page=request.args.get("page", 1, type=query_id)))


@bp.route("/rounds/<int:round_id>/chase.csv")
@requires("manage", "self_assessment")
def chase_csv(slug: str, round_id: int) -> Response:
    """The people to contact about the returns not yet submitted, as CSV."""
    _, assessment_round = _round(slug, round_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Organisation", "Name", "Email"])
    for row in boards.chase_emails(assessment_round):
        writer.writerow([_plain(cell) for cell in row])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="round-{round_id}-to-chase.csv"'})


def _plain(cell: str) -> str:
    from partnership.documents.spreadsheets import neutralise

    return str(neutralise(cell))


@bp.route("/rounds/<int:round_id>/export.xlsx")
@requires("export", "self_assessment")
def export(slug: str, round_id: int) -> Response:
    """Everything in the round as one workbook."""
    _, assessment_round = _round(slug, round_id)
    return Response(round_workbook(assessment_round), headers={
        "Content-Disposition": f'attachment; filename="self-assessment-round-{round_id}.xlsx"',
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
