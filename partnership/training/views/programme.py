"""The programme, a course, a session with its attendance, evaluations and follow-ups, and
the pages that add and change each."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.policy import can, readable
from partnership.register.models import Agency, Partnership
from partnership.training.forms.programme import (
    AttendanceForm,
    CourseForm,
    EvaluationForm,
    FollowUpForm,
    RemoveForm,
    SessionForm,
)
from partnership.training.models import FollowUp, SessionAttendance, TrainingSession
from partnership.training.services import programme as services
from partnership.training.views import (
    bp,
    bp_all,
    partnership_for,
    session_url,
    try_again,
    user,
)
from partnership.web import refused, run_service

Page = str | Response | tuple[str, int]


@bp_all.route("", endpoint="index")
@requires("view", "training")
def every_partnership() -> str | Response:
    """Each partnership's programme the reader serves (straight to it if there is one)."""
    partnerships = list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                           .order_by(Partnership.name)))
    return render_template("training/all.html", partnerships=partnerships)


@bp.route("")
@requires("view", "training")
def index(slug: str) -> str:
    """The programme: current courses with their upcoming sessions."""
    partnership = partnership_for(slug)
    return render_template(
        "training/index.html", partnership=partnership, lines=services.programme(partnership),
        retired=services.retired_courses(partnership),
        settings=services.settings_of(partnership))


# --- courses ---------------------------------------------------------------------------------


def _course_form(partnership: Partnership, **kwargs: Any) -> CourseForm:
    return CourseForm(objectives=services.objective_options(partnership), **kwargs)


@bp.route("/courses/new", methods=["GET", "POST"])
@requires("edit", "training")
def course_new(slug: str) -> Page:
    """Add a course to the programme."""
    partnership = partnership_for(slug)
    form = _course_form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            course = services.create_course(partnership, form.values())
        if step.done:
            flash(f"Added: {course.title}. Add its sessions", "success")
            return redirect(url_for(".course", slug=slug, course_id=course.id))
    return render_template("training/course_new.html", form=form, partnership=partnership)


@bp.route("/courses/<int:course_id>")
@requires("view", "training")
def course(slug: str, course_id: int) -> str:
    """A course and every session of it, with what each reached."""
    partnership = partnership_for(slug)
    found = services.course_or_404(partnership, course_id)
    return render_template("training/course.html", partnership=partnership, course=found,
                           lines=services.sessions_of(found), today=clock.today())


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@requires("edit", "training")
def course_edit(slug: str, course_id: int) -> Page:
    """Change a course, without overwriting another's edit."""
    partnership = partnership_for(slug)
    found = services.course_or_404(partnership, course_id)
    authorize("edit", found)
    form = _course_form(partnership, obj=found)
    if request.method == "GET":
        form.version.data = str(found.version)
    back = url_for(".course", slug=slug, course_id=found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_course(found, form.version.data, values):
                commit_edit(found, values)
                flash(f"Updated: {found.title}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.title} was changed while you were "
                                         "editing")
    return render_template("training/course_edit.html", form=form, partnership=partnership,
                           course=found)


# --- sessions --------------------------------------------------------------------------------


@bp.route("/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@requires("edit", "training")
def session_new(slug: str, course_id: int) -> Page:
    """Add a date the course runs."""
    partnership = partnership_for(slug)
    found = services.course_or_404(partnership, course_id)
    form = SessionForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            added = services.create_session(found, form.values())
        if step.done:
            flash(f"Added the session on {added.starts_on:%-d %B %Y}", "success")
            return redirect(session_url(slug, added.id))
    return render_template("training/session_new.html", form=form, partnership=partnership,
                           course=found)


@bp.route("/sessions/<int:training_session_id>")
@requires("view", "training")
def session(slug: str, training_session_id: int) -> str:
    """A session: its attendance by agency and role, what learners said, and the follow-up
    of what changed in their practice."""
    partnership = partnership_for(slug)
    found = services.session_or_404(partnership, training_session_id)
    settings = services.settings_of(partnership)
    counts = services.counts_by_session([found.id])[found.id]
    reader = user()
    return render_template(
        "training/session.html", partnership=partnership, session=found, counts=counts,
        attendance=services.attendance_of(found), comments=services.comments_of(found),
        follow_ups=services.follow_ups_of(found), settings=settings,
        follow_up_on=services.follow_up_due(found, settings), today=clock.today(),
        evaluations=services.evaluations_of(found) if can(reader, "edit", found) else [],
        remove_form=RemoveForm())


@bp.route("/sessions/<int:training_session_id>/edit", methods=["GET", "POST"])
@requires("edit", "training")
def session_edit(slug: str, training_session_id: int) -> Page:
    """Change a session (or record that it was cancelled)."""
    partnership = partnership_for(slug)
    found = services.session_or_404(partnership, training_session_id)
    authorize("edit", found)
    form = SessionForm(obj=found)
    if request.method == "GET":
        form.version.data = str(found.version)
    back = session_url(slug, found.id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_session(found, form.version.data, values):
                commit_edit(found, values)
                flash("Session updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="The session was changed while you were editing")
    return render_template("training/session_edit.html", form=form, partnership=partnership,
                           session=found)


# --- attendance ------------------------------------------------------------------------------


def _recordable(partnership: Partnership, verb: str) -> list[Agency]:
    """The agencies the reader may record for: every agency for the team, their own for an
    agency lead."""
    reader = user()
    return [agency for agency in services.agency_options(partnership)
            if can(reader, verb, SessionAttendance(agency_id=agency.id))]


@bp.route("/sessions/<int:training_session_id>/attendance/new", methods=["GET", "POST"])
@requires("record", "training")
def attendance_new(slug: str, training_session_id: int) -> Page:
    """Record how many from one agency, in one role, booked and attended."""
    partnership = partnership_for(slug)
    found = services.session_or_404(partnership, training_session_id)
    form = AttendanceForm(agencies=_recordable(partnership, "record"))
    if form.validate_on_submit():
        with run_service(form) as step:
            line = services.record_attendance(found, form.values())
            authorize("record", line)
        if step.done:
            flash(f"Recorded: {line.agency.name}, {line.role}", "success")
            return redirect(session_url(slug, found.id))
    return render_template("training/attendance_form.html", form=form,
                           partnership=partnership, session=found, line=None)


@bp.route("/attendance/<int:attendance_id>/edit", methods=["GET", "POST"])
@requires("record", "training")
def attendance_edit(slug: str, attendance_id: int) -> Page:
    """Correct a line of attendance, without overwriting another's edit."""
    partnership = partnership_for(slug)
    line = services.attendance_or_404(partnership, attendance_id)
    authorize("record", line)
    form = AttendanceForm(obj=line, agencies=_recordable(partnership, "record"))
    if request.method == "GET":
        form.version.data = str(line.version)
    back = session_url(slug, line.session_id)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_attendance(line, form.version.data, values):
                authorize("record", line)
                commit_edit(line, values)
                flash(f"Updated: {line.agency.name}, {line.role}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="The line was changed while you were editing")
    return render_template("training/attendance_form.html", form=form,
                           partnership=partnership, session=line.training_session, line=line)


@bp.route("/attendance/<int:attendance_id>/remove", methods=["POST"])
@requires("record", "training")
def attendance_remove(slug: str, attendance_id: int) -> Response:
    """Remove a line of attendance entered by mistake."""
    partnership = partnership_for(slug)
    line = services.attendance_or_404(partnership, attendance_id)
    authorize("record", line)
    back = session_url(slug, line.session_id)
    form = RemoveForm()
    if not form.validate_on_submit():
        return try_again("The line could not be removed: try again", back)
    words = f"{line.agency.name}, {line.role}"
    with run_service(None) as step:
        services.remove_attendance(line, form.version.data)
    if step.done:
        flash(f"Removed: {words}", "success")
    return redirect(back)


# --- evaluations -----------------------------------------------------------------------------


@bp.route("/sessions/<int:training_session_id>/evaluations/new", methods=["GET", "POST"])
@requires("edit", "training")
def evaluation_new(slug: str, training_session_id: int) -> Page:
    """Enter learners' evaluation forms, one after another."""
    partnership = partnership_for(slug)
    found = services.session_or_404(partnership, training_session_id)
    form = EvaluationForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            services.add_evaluation(found, form.values())
        if step.done:
            count = services.counts_by_session([found.id])[found.id].evaluations
            flash(f"Evaluation saved: {count} for this session so far", "success")
            return redirect(url_for(".evaluation_new", slug=slug,
                                    training_session_id=found.id))
    return render_template("training/evaluation_new.html", form=form, partnership=partnership,
                           session=found)


@bp.route("/evaluations/<int:evaluation_id>/remove", methods=["POST"])
@requires("edit", "training")
def evaluation_remove(slug: str, evaluation_id: int) -> Response:
    """Remove an evaluation entered by mistake."""
    partnership = partnership_for(slug)
    evaluation = services.evaluation_or_404(partnership, evaluation_id)
    authorize("edit", evaluation)
    back = session_url(slug, evaluation.session_id)
    if not RemoveForm().validate_on_submit():
        return try_again("The evaluation could not be removed: try again", back)
    with run_service(None) as step:
        services.remove_evaluation(evaluation)
    if step.done:
        flash("Evaluation removed", "success")
    return redirect(back)


# --- follow-ups ------------------------------------------------------------------------------


def _answerable(partnership: Partnership, session: TrainingSession) -> list[Agency]:
    reader = user()
    return [agency for agency in services.attending_agencies(session)
            if can(reader, "follow_up", FollowUp(agency_id=agency.id))]


@bp.route("/sessions/<int:training_session_id>/follow-ups/new", methods=["GET", "POST"])
@requires("follow_up", "training")
def follow_up_new(slug: str, training_session_id: int) -> Page:
    """Record one attendee's answer on whether their practice changed."""
    partnership = partnership_for(slug)
    found = services.session_or_404(partnership, training_session_id)
    settings = services.settings_of(partnership)
    form = FollowUpForm(agencies=_answerable(partnership, found))
    if request.method == "GET":
        form.answered_on.data = clock.today()
        if request.args.get("agency"):
            form.agency.data = request.args.get("agency", "")[:12]
    if form.validate_on_submit():
        with run_service(form) as step:
            answer = services.add_follow_up(found, form.values(settings.manager_confirmation))
            authorize("follow_up", answer)
        if step.done:
            flash(f"Follow-up recorded: {answer.agency.name}, {answer.role}", "success")
            return redirect(session_url(slug, found.id) + "#follow-ups")
    return render_template("training/follow_up_form.html", form=form, partnership=partnership,
                           session=found, settings=settings, answer=None)


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@requires("follow_up", "training")
def follow_up_edit(slug: str, follow_up_id: int) -> Page:
    """Change a follow-up answer, or record its manager's confirmation."""
    partnership = partnership_for(slug)
    answer = services.follow_up_or_404(partnership, follow_up_id)
    authorize("follow_up", answer)
    settings = services.settings_of(partnership)
    form = FollowUpForm(obj=answer, agencies=_answerable(partnership, answer.training_session))
    if request.method == "GET":
        form.version.data = str(answer.version)
    back = session_url(slug, answer.session_id) + "#follow-ups"
    if form.validate_on_submit():
        values = form.values(settings.manager_confirmation)
        if not settings.manager_confirmation:
            values["manager_confirmed"] = answer.manager_confirmed
        try:
            if services.update_follow_up(answer, form.version.data, values):
                authorize("follow_up", answer)
                commit_edit(answer, values)
                flash(f"Updated: {answer.agency.name}, {answer.role}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="The answer was changed while you were editing")
    return render_template("training/follow_up_form.html", form=form, partnership=partnership,
                           session=answer.training_session, settings=settings, answer=answer)


