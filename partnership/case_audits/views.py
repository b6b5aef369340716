"""The pages of case audits: the list, planning (questions, sample, agencies), each agency's
return, the findings across agencies, moderation with its actions, and completion.

Everyone who may see an audit reads it; the team and the chair of the running group keep
it; an agency lead completes their own agency's return and sees no other agency's (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.actions.models import Action
from partnership.actions.services import Origin, body_limit, create_action
from partnership.audit.services import record_view
from partnership.case_audits import services
from partnership.case_audits.forms import (
    AgenciesForm,
    AuditForm,
    CaseForm,
    ModerationForm,
    QuestionForm,
    ReturnForm,
    StageForm,
)
from partnership.case_audits.models import (
    AuditQuestion,
    AuditReturn,
    AuditStage,
    CaseAudit,
    ReturnStatus,
)
from partnership.clock import today
from partnership.documents.charts import chart_table, drawn
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.evidence.services import attach, files_for
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.policy import can
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("case_audits", __name__, url_prefix="/partnerships/<slug>/case-audits")
# Every partnership's audits the user may see, for the service navigation (which has no slug).
everywhere = Blueprint("case_audits_all", __name__, url_prefix="/case-audits")

EVIDENCE_KIND = "audit_return"


@bp.context_processor
@everywhere.context_processor
def words() -> dict[str, Any]:
    """Give the audit pages their ways of writing dates and stages."""
    return {"long_date": long_date, "stages": list(AuditStage), "step_words": services.STEP_WORDS,
            "next_stage": services.NEXT_STAGE, "ReturnStatus": ReturnStatus}


# --- finding records and asking the policy ----------------------------------------------------


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _audit(slug: str, audit_id: int, verb: str = "view") -> CaseAudit:
    audit = services.audit_or_404(_partnership(slug), audit_id)
    authorize("view", audit, hide=True)
    if verb != "view":
        authorize(verb, audit)
    return audit


def _return(slug: str, audit_id: int, return_id: int, verb: str = "view"
            ) -> tuple[CaseAudit, AuditReturn]:
    audit = _audit(slug, audit_id)
    audit_return = services.return_or_404(audit, return_id)
    authorize("view", audit_return, hide=True)  # another agency's return: as if none
    if verb != "view":
        authorize(verb, audit_return)
    return audit, audit_return


def _question(slug: str, audit_id: int, question_id: int) -> tuple[CaseAudit, AuditQuestion]:
    audit = _audit(slug, audit_id, "edit")
    return audit, services.question_or_404(audit, question_id)


def _detail(audit: CaseAudit, anchor: str | None = None) -> Response:
    return redirect(url_for("case_audits.detail", slug=audit.partnership.slug,
                            audit_id=audit.id, _anchor=anchor))


def _audit_form(partnership: Partnership, audit: CaseAudit | None = None) -> AuditForm:
    form = AuditForm(obj=audit)
    form.body.offer(services.body_options(partnership))
    form.scale.offer(services.scale_options(partnership) or (
        [audit.scale] if audit is not None else []))
    form.moderation_meeting.offer(services.meeting_options(partnership, today()),
                                  lambda m: f"{m.body.name}, {long_date(m.held_on)}")
    return form


def _check_body(partnership: Partnership, body: Any) -> None:
    """A chair runs audits only in a group they chair (the team in any)."""
    if body is not None and not can(current_user, "edit", CaseAudit(
            body_id=body.id, partnership_id=partnership.id)):
        raise services.AuditError("Select a group you chair", "body")


# --- lists -----------------------------------------------------------------------------------


@everywhere.route("")
@requires("view", "case_audits")
def all_audits() -> str:
    """Every audit the user may see across the partnerships they serve, by stage."""
    rows = services.audit_rows(user=current_user)
    return render_template("case_audits/index.html", partnership=None, rows=rows,
                           grouped=services.by_stage(rows),
                           waiting=services.waiting_for(current_user))


@bp.route("")
@requires("view", "case_audits")
def index(slug: str) -> str:
    """The partnership's audits by stage, with returns received of those asked."""
    partnership = _partnership(slug)
    rows = services.audit_rows(partnership, user=current_user)
    waiting = [w for w in services.waiting_for(current_user)
               if w.audit.partnership_id == partnership.id]
    return render_template("case_audits/index.html", partnership=partnership, rows=rows,
                           grouped=services.by_stage(rows), waiting=waiting)


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "case_audits")
def new(slug: str) -> str | Response:
    """Start an audit: its title, theme, group, scale and dates."""
    partnership = _partnership(slug)
    form = _audit_form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            values = form.values()
            _check_body(partnership, values["body"])
            audit = services.create_audit(partnership, values)
        if step.done:
            flash(f"{audit.title} started: add its questions, sample and agencies", "success")
            return _detail(audit)
    return render_template("case_audits/form.html", form=form, partnership=partnership,
                           audit=None)


# --- one audit -------------------------------------------------------------------------------


@bp.route("/<int:audit_id>")
@requires("view", "case_audits")
def detail(slug: str, audit_id: int) -> str:
    """The audit: where it stands, its questions and sample, the returns, findings, actions."""
    audit = _audit(slug, audit_id)
    returns = services.visible_returns(audit)
    return render_template(
        "case_audits/detail.html", partnership=audit.partnership, audit=audit,
        returns=returns, actions=services.audit_actions(audit), stage_form=StageForm(),
        may_edit=can(current_user, "edit", audit),
        submitted=sum(1 for r in audit.returns if r.status is ReturnStatus.SUBMITTED))


@bp.route("/<int:audit_id>/edit", methods=["GET", "POST"])
@requires("edit", "case_audits")
def edit(slug: str, audit_id: int) -> str | Response | tuple[str, int]:
    """Change the audit's details, without overwriting someone else's edit."""
    audit = _audit(slug, audit_id, "edit")
    partnership = audit.partnership
    form = _audit_form(partnership, audit)
    if request.method == "GET":
        form.version.data = str(audit.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if values["body"] is not None and values["body"].id != audit.body_id:
                _check_body(partnership, values["body"])
            if services.update_audit(audit, form.version.data, values):
                commit_edit(audit, values)
                flash(f"{audit.title} saved", "success")
            return _detail(audit)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=url_for(
                ".detail", slug=slug, audit_id=audit_id),
                title=f"{conflict.obj.title} was changed while you were editing")
    return render_template("case_audits/form.html", form=form, partnership=partnership,
                           audit=audit)


@bp.route("/<int:audit_id>/stage", methods=["POST"])
@requires("edit", "case_audits")
def stage(slug: str, audit_id: int) -> Response:
    """Move the audit on one stage, or say why it cannot move yet."""
    audit = _audit(slug, audit_id, "edit")
    form = StageForm()
    if form.validate_on_submit():
        try:
            wanted = AuditStage(form.to.data or "")
        except ValueError:
            flash("Choose the stage to move the audit to")
            return _detail(audit)
        with run_service() as step:
            services.move_to(audit, wanted, today())
        if step.done:
            flash(f"{audit.title} is now at “{wanted.label}”", "success")
    return _detail(audit)


# --- questions -------------------------------------------------------------------------------


@bp.route("/<int:audit_id>/questions/new", methods=["GET", "POST"])
@requires("edit", "case_audits")
def question_new(slug: str, audit_id: int) -> str | Response:
    """Add a question every agency answers for each case."""
    audit = _audit(slug, audit_id, "edit")
    form = QuestionForm()
    if form.validate_on_submit():
        with run_service(form, default="text") as step:
            question = services.add_question(audit, form.values())
            position = question.position
        if step.done:
            flash(f"Question {position} added", "success")
            return _detail(audit, "questions")
    return render_template("case_audits/question_form.html", form=form, audit=audit,
                           partnership=audit.partnership, question=None)


@bp.route("/<int:audit_id>/questions/<int:question_id>", methods=["GET", "POST"])
@requires("edit", "case_audits")
def question_edit(slug: str, audit_id: int, question_id: int
                  ) -> str | Response | tuple[str, int]:
    """Reword a question or its guidance, without overwriting someone else's edit."""
    audit, question = _question(slug, audit_id, question_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        form.version.data = str(question.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_question(question, form.version.data, values):
                commit_edit(question, values)
                flash(f"Question {question.position} saved", "success")
            return _detail(audit, "questions")
        except DomainError as problem:
            refused(form, problem, default="text")
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=url_for(
                ".detail", slug=slug, audit_id=audit_id, _anchor="questions"),
                title=f"Question {question.position} was changed while you were editing")
    return render_template("case_audits/question_form.html", form=form, audit=audit,
                           partnership=audit.partnership, question=question)


@bp.route("/<int:audit_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
@requires("edit", "case_audits")
def question_remove(slug: str, audit_id: int, question_id: int) -> str | Response:
    """Ask, then remove a question (while the audit is planned)."""
    audit, question = _question(slug, audit_id, question_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with run_service() as step:
            services.remove_question(question)
        if step.done:
            flash("Question removed", "success")
        return _detail(audit, "questions")
    return render_template("case_audits/remove.html", form=form, audit=audit,
                           partnership=audit.partnership, what="this question",
                           text=question.text, anchor="questions")


@bp.route("/<int:audit_id>/questions/<int:question_id>/move", methods=["POST"])
@requires("edit", "case_audits")
def question_move(slug: str, audit_id: int, question_id: int) -> Response:
    """Move a question one place up or down."""
    audit, question = _question(slug, audit_id, question_id)
    direction = request.form.get("direction", "")
    if ConfirmForm().validate_on_submit() and direction:
        with run_service() as step:
            moved = services.move_question(question, direction)
        if step.done and moved:
            flash(f"Question moved {direction}", "success")
    return _detail(audit, f"question-{question.id}")


# --- the sample ------------------------------------------------------------------------------


@bp.route("/<int:audit_id>/cases/new", methods=["GET", "POST"])
@requires("edit", "case_audits")
def case_new(slug: str, audit_id: int) -> str | Response:
    """Add a case to the sample by its audit reference (never a name or other identifier)."""
    audit = _audit(slug, audit_id, "edit")
    form = CaseForm()
    if form.validate_on_submit():
        with run_service(form, default="reference") as step:
            case = services.add_case(audit, form.reference.data or "", form.note.data or "")
            reference = case.reference
        if step.done:
            flash(f"{reference} added to the sample", "success")
            if request.form.get("another"):
                return redirect(url_for(".case_new", slug=slug, audit_id=audit_id))
            return _detail(audit, "sample")
    return render_template("case_audits/case_form.html", form=form, audit=audit,
                           partnership=audit.partnership)


@bp.route("/<int:audit_id>/cases/<int:audit_case_id>/remove", methods=["GET", "POST"])
@requires("edit", "case_audits")
def case_remove(slug: str, audit_id: int, audit_case_id: int) -> str | Response:
    """Ask, then take a case out of the sample (while the audit is planned)."""
    audit = _audit(slug, audit_id, "edit")
    case = services.case_or_404(audit, audit_case_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        reference = case.reference
        with run_service() as step:
            services.remove_case(case)
        if step.done:
            flash(f"{reference} taken out of the sample", "success")
        return _detail(audit, "sample")
    return render_template("case_audits/remove.html", form=form, audit=audit,
                           partnership=audit.partnership, what=case.reference,
                           text=case.note, anchor="sample")


# --- the agencies asked ----------------------------------------------------------------------


@bp.route("/<int:audit_id>/agencies", methods=["GET", "POST"])
@requires("edit", "case_audits")
def agencies(slug: str, audit_id: int) -> str | Response:
    """Choose the agencies asked: each is sent a return to complete."""
    audit = _audit(slug, audit_id, "edit")
    options = services.agency_options(audit.partnership)
    form = AgenciesForm()
    form.agencies.choices = [(str(agency.id), agency.name) for agency in options]
    if request.method == "GET":
        form.agencies.data = [str(r.agency_id) for r in audit.returns]
    if form.validate_on_submit():
        chosen = set(form.agencies.data or [])
        with run_service(form, default="agencies") as step:
            added, removed = services.ask_agencies(
                audit, [agency for agency in options if str(agency.id) in chosen])
        if step.done:
            said = [f"{len(added)} added" if added else "", f"{len(removed)} removed"
                    if removed else ""]
            flash("Agencies asked saved" + (": " + ", ".join(s for s in said if s)
                                            if any(said) else ""), "success")
            return _detail(audit, "returns")
    return render_template("case_audits/agencies.html", form=form, audit=audit,
                           partnership=audit.partnership)


# --- an agency's return ----------------------------------------------------------------------


@bp.route("/<int:audit_id>/returns/<int:audit_return_id>")
@requires("view", "case_audits")
def return_detail(slug: str, audit_id: int, audit_return_id: int) -> str:
    """One agency's return as sent (or so far): its grades, comments, summary and files."""
    audit, audit_return = _return(slug, audit_id, audit_return_id)
    record_view(audit_return)
    return render_template(
        "case_audits/return_detail.html", audit=audit, audit_return=audit_return,
        partnership=audit.partnership, rows=services.grid(audit_return),
        grades={g.id: g for g in audit.scale.grades},
        files=files_for(EVIDENCE_KIND, [audit_return.id])[audit_return.id],
        may_complete=can(current_user, "complete", audit_return),
        may_reopen=can(current_user, "reopen", audit_return), confirm=ConfirmForm())


@bp.route("/<int:audit_id>/returns/<int:audit_return_id>/complete", methods=["GET", "POST"])
@requires("complete", "case_audits")
def return_edit(slug: str, audit_id: int, audit_return_id: int) -> str | Response:
    """Complete the grid (a grade and a comment per case and question) and a summary; save
    it as a draft, or send it (then only the team can reopen it)."""
    audit, audit_return = _return(slug, audit_id, audit_return_id, "complete")
    form = ReturnForm(obj=audit_return)
    rows = services.grid(audit_return)
    cell_errors: dict[str, str] = {}
    try:
        services.check_open(audit_return)
    except DomainError as problem:
        flash(str(problem))
        return redirect(url_for(".return_detail", slug=slug, audit_id=audit_id,
                                audit_return_id=audit_return_id))
    if request.method == "GET":
        record_view(audit_return)
    if form.validate_on_submit():
        answers = {cell.key: (request.form.get(f"grade-{cell.key}", ""),
                              request.form.get(f"comment-{cell.key}", ""))
                   for _case, cells in rows for cell in cells}
        send = bool(form.send.data)
        try:
            graded = services.save_return(audit_return, answers, form.summary.data or "",
                                          current_user, submit=send)
            if form.evidence.upload is not None:
                attach(EVIDENCE_KIND, audit_return, form.evidence.upload, current_user)
        except DomainError as problem:
            refused(form, problem, default="summary")
            if problem.field and problem.field not in form:
                cell_errors[problem.field] = str(problem)
            # Show what was typed, not what is saved, beside the error.
            for _case, cells in rows:
                for cell in cells:
                    raw_grade, comment = answers[cell.key]
                    cell.grade_id = int(raw_grade) if raw_grade.isdigit() else None
                    cell.comment = comment
        else:
            db.session.commit()
            flash(f"{audit_return.agency.name}'s return is sent" if send
                  else f"Draft saved: {graded} of {len(audit.cases) * len(audit.questions)} "
                       "answers graded", "success")
            if send:
                return redirect(url_for(".return_detail", slug=slug, audit_id=audit_id,
                                        audit_return_id=audit_return_id))
            return redirect(url_for(".return_edit", slug=slug, audit_id=audit_id,
                                    audit_return_id=audit_return_id))
    return render_template(
        "case_audits/return_form.html", form=form, audit=audit, audit_return=audit_return,
        partnership=audit.partnership, rows=rows, cell_errors=cell_errors,
        files=files_for(EVIDENCE_KIND, [audit_return.id])[audit_return.id])


@bp.route("/<int:audit_id>/returns/<int:audit_return_id>/reopen", methods=["POST"])
@requires("reopen", "case_audits")
def return_reopen(slug: str, audit_id: int, audit_return_id: int) -> Response:
    """Let the agency change a sent return again (the team only)."""
    audit, audit_return = _return(slug, audit_id, audit_return_id, "reopen")
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            services.reopen_return(audit_return)
        if step.done:
            flash(f"{audit_return.agency.name}'s return is open again", "success")
    return redirect(url_for(".return_detail", slug=slug, audit_id=audit.id,
                            audit_return_id=audit_return.id))


# --- findings and moderation -----------------------------------------------------------------


@bp.route("/<int:audit_id>/findings")
@requires("view", "case_audits")
def findings(slug: str, audit_id: int) -> str:
    """Per question, the grades each agency gave (sent returns): a table and a chart."""
    audit = _audit(slug, audit_id)
    shown = []
    for found in services.findings(audit):
        chart = found.chart() if found.answered else None
        shown.append((found, drawn(chart) if chart else None,
                      chart_table(chart) if chart else None))
    return render_template("case_audits/findings.html", audit=audit,
                           partnership=audit.partnership, shown=shown)


def _new_actions(audit: CaseAudit) -> list[services.NewAction]:
    """The new actions typed on the moderation page (a title makes a row count)."""
    agencies = {str(a.id): a for a in services.agency_options(audit.partnership)}
    made = []
    for number in range(1, services.ACTIONS_AT_MODERATION + 1):
        title = " ".join(request.form.get(f"action-{number}-title", "").split())
        if not title:
            continue
        raw_due = request.form.get(f"action-{number}-due", "").strip()
        try:
            due = dt.date.fromisoformat(raw_due) if raw_due else None
        except ValueError:
            raise services.AuditError(f"Action {number}: enter the target date as "
                                      "YYYY-MM-DD, for example 2027-03-31",
                                      f"action-{number}-due") from None
        made.append(services.NewAction(
            title=title[:300], lead_agency=agencies.get(request.form.get(
                f"action-{number}-agency", "")), target_date=due,
            detail=request.form.get(f"action-{number}-detail", "").strip()))
    return made


@bp.route("/<int:audit_id>/moderation", methods=["GET", "POST"])
@requires("edit", "case_audits")
def moderation(slug: str, audit_id: int) -> str | Response | tuple[str, int]:
    """Record moderation: per question the agreed grade and finding; the audit's findings,
    good practice and learning; and the actions that follow, in one step."""
    audit = _audit(slug, audit_id, "edit")
    form = ModerationForm(obj=audit)
    if request.method == "GET":
        form.version.data = str(audit.version)
    grades = {str(g.id): g for g in audit.scale.grades}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        typed = dict(request.form.items())
        agreed = services.Moderation(
            questions={q.id: (grades.get(request.form.get(f"agreed-{q.id}", "")),
                              request.form.get(f"finding-{q.id}", ""))
                       for q in audit.questions},
            findings=form.findings.data or "", good_practice=form.good_practice.data or "",
            learning=form.learning.data or "")
        limit = body_limit(current_user)

        def make_action(record: CaseAudit, new: services.NewAction) -> Action:
            if not can(current_user, "create", Action(partnership_id=record.partnership_id,
                                                      body_id=record.body_id)):
                raise services.AuditError("You may not add actions for this group",
                                          "action-1-title")
            return create_action(
                Origin(partnership=record.partnership, body=record.body, body_fixed=True,
                       case_audit=record),
                {"title": new.title, "detail": new.detail, "body": record.body,
                 "lead_agency": new.lead_agency, "target_date": new.target_date,
                 "start_date": today()}, limit)

        try:
            agreed.actions = _new_actions(audit)
            made = services.record_moderation(audit, form.version.data, agreed, make_action)
            commit_edit(audit, {"findings": agreed.findings,
                                "good_practice": agreed.good_practice,
                                "learning": agreed.learning})
        except DomainError as problem:
            refused(form, problem, default="findings")
            if problem.field and problem.field not in form:
                errors[problem.field] = str(problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=url_for(
                ".detail", slug=slug, audit_id=audit_id),
                title=f"Moderation of {conflict.obj.title} was changed while you were "
                      "editing")
        else:
            flash("Moderation saved" + (f" and {len(made)} action{'s' if len(made) != 1 else ''}"
                                        " added" if made else ""), "success")
            return _detail(audit, "moderation")
    return render_template(
        "case_audits/moderation.html", form=form, audit=audit, partnership=audit.partnership,
        grades=audit.scale.grades, typed=typed, errors=errors,
        agencies=services.agency_options(audit.partnership),
        action_rows=range(1, services.ACTIONS_AT_MODERATION + 1),
        found={f.question.id: f for f in services.findings(audit)})
