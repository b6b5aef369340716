"""Meetings: what is coming up, a body's year of meetings, one meeting and its records.

Reading is for everyone. Recording is for the team and the chair of the meeting's body:
each recording route asks the policy about the record itself (the meeting, or the body's
meetings as a whole) before it looks at the form, so a refused POST changes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.actions.queries import ActionFilter, tracked
from partnership.clock import today
from partnership.database import utcnow
from partnership.documents.markdown import render_markdown
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.evidence import services as evidence
from partnership.evidence.forms import AttachEvidenceForm
from partnership.extensions import db
from partnership.kernel.dates import long_date, parse_year_label
from partnership.kernel.errors import DomainError
from partnership.meetings import services
from partnership.meetings.forms import (
    AgendaItemForm,
    ApproveMinutesForm,
    GenerateForm,
    MeetingEditForm,
    MeetingForm,
    attendance_form,
    decision_form,
)
from partnership.meetings.models import AgendaItem, Decision, Meeting, MeetingStatus
from partnership.policy import can, readable
from partnership.register.models import Body, Partnership
from partnership.web import refused, run_service

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the meeting pages their ways of writing dates and minutes, and their links."""
    return {"long_date": long_date, "minutes_words": services.minutes_words,
            "body_slug": services.body_slug, "owner_name": services.owner_name}


# --- finding records and asking the policy ---------------------------------------------------


def _body(body_id: int, *, record: bool = False) -> Body:
    body = services.body_or_404(body_id)
    if record:
        authorize("edit", services.meetings_of(body))
    return body


def _meeting(meeting_id: int, *, record: bool = False) -> Meeting:
    meeting = services.meeting_or_404(meeting_id)
    if record:
        authorize("edit", meeting)
    return meeting


def _detail(meeting: Meeting, anchor: str | None = None) -> Response:
    return redirect(url_for(".detail", meeting_id=meeting.id, _anchor=anchor))


def _locked(meeting: Meeting) -> Response | None:
    """Refuse to open a form that would change a meeting whose minutes are approved."""
    try:
        services.check_unlocked(meeting)
    except services.MeetingLocked as problem:
        flash(str(problem))
        return _detail(meeting)
    return None


def _year(body: Body) -> int:
    """The reporting year asked for (``?year=2025`` or ``2025-26``), else the current one."""
    asked = parse_year_label(request.args.get("year", ""))
    if asked is not None and 2000 <= asked <= 2100:
        return asked
    return services.body_year(body, today())


def _conflict(form: FlaskForm, record: Any, mine: dict[str, Any], theirs: dict[str, Any], *,
              title: str, cancel_url: str) -> tuple[str, int]:
    """Show the conflict page in words (labels, not stored codes), for every field."""
    db.session.rollback()
    snapshot = SimpleNamespace(id=record.id, version=record.version, **theirs)
    return render_conflict(EditConflict(snapshot, mine), form, title=title,
                           cancel_url=cancel_url)


# --- lists -----------------------------------------------------------------------------------


@bp.route("")
@requires("view", "meetings")
def upcoming() -> str:
    """The next weeks' meetings across all bodies, and recent ones with minutes in draft."""
    partnerships = list(db.session.scalars(sa.select(Partnership).where(
        readable(Partnership)).order_by(Partnership.name)))
    chosen = next((p for p in partnerships if p.slug == request.args.get("partnership")), None)
    soon, drafts = services.upcoming(today(), chosen)
    return render_template("meetings/upcoming.html", soon=soon, drafts=drafts,
                           partnerships=partnerships, chosen=chosen,
                           weeks=services.UPCOMING_WEEKS,
                           several=chosen is None and len(partnerships) > 1,
                           recorder=can(current_user, "edit", "meetings"))


@bp.route("/body/<int:body_id>")
@requires("view", "meetings")
def index(body_id: int) -> str:
    """A body's meetings in a reporting year, with their minutes and what came of them."""
    body = _body(body_id)
    year = _year(body)
    first_day, last_day = services.body_year_span(body, year)
    return render_template(
        "meetings/index.html", body=body, year=year,
        year_label=services.body_year_label(body, year),
        describe_year=services.describe_year(body, year),
        previous_label=services.body_year_label(body, year - 1),
        next_label=services.body_year_label(body, year + 1),
        rows=services.body_meetings(body, first_day, last_day),
        recorder=services.meetings_of(body))


@bp.route("/body/<int:body_id>/attendance")
@requires("view", "meetings")
def attendance(body_id: int) -> str:
    """How each member agency was represented at the body's meetings in a reporting year."""
    body = _body(body_id)
    year = _year(body)
    first_day, last_day = services.body_year_span(body, year)
    return render_template(
        "meetings/attendance.html", body=body, year=year,
        year_label=services.body_year_label(body, year),
        describe_year=services.describe_year(body, year),
        previous_label=services.body_year_label(body, year - 1),
        next_label=services.body_year_label(body, year + 1),
        rows=services.attendance_by_agency([body.id], first_day, last_day))


# --- scheduling ------------------------------------------------------------------------------


@bp.route("/body/<int:body_id>/new", methods=["GET", "POST"])
@requires("edit", "meetings")
def new(body_id: int) -> str | Response:
    """Add one meeting of a body."""
    body = _body(body_id, record=True)
    form = MeetingForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            meeting = services.create_meeting(body, form.values())
        if step.done:
            flash(f"Meeting on {long_date(meeting.held_on)} added", "success")
            return _detail(meeting)
    return render_template("meetings/new.html", form=form, body=body)


@bp.route("/new")
@requires("edit", "meetings")
def choose_body() -> str:
    """Add a meeting: first choose the board, group or panel that met."""
    return render_template("meetings/choose_body.html",
                           groups=services.recordable_bodies(current_user, today()))


@bp.route("/body/<int:body_id>/generate", methods=["GET", "POST"])
@requires("edit", "meetings")
def generate(body_id: int) -> str | Response:
    """Propose a reporting year's meetings from the body's frequency, then create them."""
    body = _body(body_id, record=True)
    current = services.body_year(body, today())
    years = [(y, services.body_year_label(body, y)) for y in range(current - 1, current + 3)]
    form = GenerateForm(years=years, year_start=services.year_start_month(body))
    if request.method == "GET":
        asked = str(_year(body))
        form.year.data = asked if asked in {str(y) for y, _ in years} else str(current)
    cannot = None
    planned: list[services.PlannedDate] | None = None
    try:
        services.check_can_generate(body)
    except services.CannotGenerate as problem:
        cannot = str(problem)
    if cannot is None and form.validate_on_submit():
        year = int(form.year.data)
        planned = services.plan_year(
            body, year, weekday=int(form.weekday.data), week=int(form.week.data),
            first_month=int(form.first_month.data) if form.first_month.data else None)
        if form.create.data:
            created = services.generate_meetings(
                body, planned, starts_at=form.starts_at.data,
                location=(form.location.data or "").strip())
            db.session.commit()
            skipped = len(planned) - len(created)
            message = (f"{len(created)} meeting{'s' if len(created) != 1 else ''} "
                       f"added for {services.body_year_label(body, year)}")
            if skipped:
                message += (f"; {skipped} date{'s' if skipped != 1 else ''} skipped "
                            f"because {body.name} already meets then")
            flash(message, "success")
            return redirect(url_for(".index", body_id=body.id, year=year))
    return render_template("meetings/generate.html", form=form, body=body, planned=planned,
                           cannot=cannot)


# --- one meeting -----------------------------------------------------------------------------


@bp.route("/<int:meeting_id>")
@requires("view", "meetings")
def detail(meeting_id: int) -> str:
    """A meeting: agenda, attendance, decisions and votes, minutes, actions arising, history."""
    meeting = _meeting(meeting_id)
    return render_template(
        "meetings/detail.html", meeting=meeting, body=meeting.body,
        meeting_year=services.body_year(meeting.body, meeting.held_on),
        arising=services.actions_arising(meeting),
        partner_name=lambda partner: services.partner_name(partner, meeting),
        minutes_html=render_markdown(meeting.minutes) if meeting.minutes.strip() else None,
        actions=tracked(ActionFilter(meeting_id=meeting.id), today()),
        attendance=sorted(meeting.attendance, key=lambda row: row.agency.name.lower()),
        history=services.meeting_history(meeting),
        papers=evidence.files_for("meeting", [meeting.id])[meeting.id])


@bp.route("/<int:meeting_id>/papers", methods=["GET", "POST"])
@requires("edit", "meetings")
def papers(meeting_id: int) -> str | Response:
    """Add a paper to a meeting: everyone who can see the meeting can download it."""
    meeting = _meeting(meeting_id, record=True)
    form = AttachEvidenceForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            paper = evidence.attach("meeting", meeting, form.evidence.upload, current_user)
        if step.done:
            flash(f"Paper added: {paper.filename}", "success")
            return _detail(meeting, "papers")
    return render_template(
        "evidence/attach.html", form=form, title="Add a meeting paper",
        caption=f"{meeting.body.name}, {long_date(meeting.held_on)}",
        about="Everyone who can see this meeting can download its papers.",
        back_url=url_for(".detail", meeting_id=meeting.id, _anchor="papers"))


def _meeting_words(values: dict[str, Any]) -> dict[str, Any]:
    time = values.get("starts_at")
    return {"held_on": long_date(values["held_on"]) if values.get("held_on") else "",
            "starts_at": time.strftime("%H:%M") if time else "Not set",
            "location": values.get("location") or "Not recorded",
            "status": MeetingStatus(values["status"]).label,
            "minutes": values.get("minutes") or "(none)"}


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("edit", "meetings")
def edit(meeting_id: int) -> str | Response | tuple[str, int]:
    """Change a meeting's date, time, place, status and draft minutes."""
    meeting = _meeting(meeting_id, record=True)
    if (refused := _locked(meeting)) is not None:
        return refused
    form = MeetingEditForm(obj=meeting)
    if request.method == "GET":
        form.version.data = str(meeting.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_meeting(meeting, form.version.data, values):
                commit_edit(meeting, values)
                flash("Meeting updated", "success")
            return _detail(meeting)
        except services.MeetingLocked as problem:
            flash(str(problem))
            return _detail(meeting)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            mine = _meeting_words(values)
            theirs = _meeting_words({name: getattr(conflict.obj, name) for name in values})
            return _conflict(form, conflict.obj, mine, theirs,
                             title="This meeting was changed while you were editing",
                             cancel_url=url_for(".detail", meeting_id=meeting_id))
    return render_template("meetings/edit.html", form=form, meeting=meeting)


# --- agenda ----------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@requires("edit", "meetings")
def agenda_new(meeting_id: int) -> str | Response:
    """Add an item to a meeting's agenda."""
    meeting = _meeting(meeting_id, record=True)
    if (refused := _locked(meeting)) is not None:
        return refused
    form = AgendaItemForm()
    if form.validate_on_submit():
        item = services.add_agenda_item(meeting, form.values())
        db.session.commit()
        flash(f"“{item.title}” added to the agenda", "success")
        return _detail(meeting, "agenda")
    return render_template("meetings/agenda_item.html", form=form, meeting=meeting, item=None)


@bp.route("/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@requires("edit", "meetings")
def agenda_edit(item_id: int) -> str | Response | tuple[str, int]:
    """Change an agenda item."""
    item: AgendaItem = services.agenda_item_or_404(item_id)
    authorize("edit", item)
    meeting = item.meeting
    if (refused := _locked(meeting)) is not None:
        return refused
    form = AgendaItemForm(obj=item)
    if request.method == "GET":
        form.version.data = str(item.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_agenda_item(item, form.version.data, values):
                commit_edit(item, values)
                flash("Agenda item updated", "success")
            return _detail(meeting, "agenda")
        except EditConflict as conflict:
            return render_conflict(conflict, form,
                                   title="This agenda item was changed while you were editing",
                                   cancel_url=url_for(".detail", meeting_id=meeting.id))
    return render_template("meetings/agenda_item.html", form=form, meeting=meeting, item=item)


# --- attendance ------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
@requires("edit", "meetings")
def attendance_edit(meeting_id: int) -> str | Response:
    """Record attendance in one save: all present unless marked; ``?copy=last`` as last time."""
    meeting = _meeting(meeting_id, record=True)
    if (refused := _locked(meeting)) is not None:
        return refused
    agencies = services.attendance_agencies(meeting)
    form = attendance_form(agencies)
    previous = services.previous_attendance(meeting)
    copied = None
    if request.method == "GET":
        form.fill({row.agency_id: (row.presence, row.attendee, row.reason)
                   for row in meeting.attendance})
        if request.args.get("copy") == "last" and previous is not None:
            copied, entries = previous
            form.fill(entries)
    if agencies and form.validate_on_submit():
        services.save_attendance(meeting, form.values(), today())
        db.session.commit()
        flash("Attendance saved", "success")
        return _detail(meeting, "attendance")
    return render_template("meetings/attendance_edit.html", form=form, meeting=meeting,
                           agencies=agencies, seats=services.member_seats(meeting),
                           previous=previous[0] if previous else None, copied=copied)


# --- decisions and votes ---------------------------------------------------------------------


def _decision_form(meeting: Meeting, decision: Decision | None = None) -> Any:
    partners = [(p, services.partner_name(p, meeting))
                for p in services.statutory_partners(meeting.body)]
    form = decision_form(partners, meeting.agenda, obj=decision)
    if request.method == "GET" and decision is not None:
        form.version.data = str(decision.version)
        for vote in decision.votes:
            field = services.vote_field(vote.partner)
            if field in form:
                form[field].data = vote.choice.value
    return form


def _save_decision(meeting: Meeting, form: Any, decision: Decision | None
                   ) -> str | Response | tuple[str, int] | None:
    """Validate and save; return the response, or None to show the form again."""
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if decision is None:
            decision = services.add_decision(meeting, values)
            db.session.commit()
            flash("Decision recorded", "success")
        elif services.update_decision(decision, form.version.data, values):
            commit_edit(decision, {})
            flash("Decision updated", "success")
    except services.MeetingLocked as problem:
        flash(str(problem))
        return _detail(meeting)
    except DomainError as problem:
        refused(form, problem)  # every rule the decision breaks, next to its field
        return None
    except EditConflict as conflict:
        mine = _decision_words(form, values)
        current = conflict.obj
        return _conflict(
            form, current, mine,
            _decision_words(form, {"text": current.text, "agenda_item": current.agenda_item,
                                   "method": current.method,
                                   "votes": {v.partner_id: v.choice for v in current.votes}}),
            title="This decision was changed while you were editing",
            cancel_url=url_for(".detail", meeting_id=meeting.id))
    assert decision is not None
    return _detail(meeting, f"decision-{decision.id}")


def _decision_words(form: Any, values: dict[str, Any]) -> dict[str, Any]:
    item = values.get("agenda_item")
    words = {"text": values["text"], "agenda_item": item.title if item else "None",
             "method": values["method"].label}
    votes = values.get("votes") or {}
    for partner, _, field in form.vote_fields():
        choice = votes.get(partner.id)
        words[field.name] = choice.label if choice else "No vote recorded"
    return words


@bp.route("/<int:meeting_id>/decisions/new", methods=["GET", "POST"])
@requires("edit", "meetings")
def decision_new(meeting_id: int) -> str | Response | tuple[str, int]:
    """Record a decision: by consensus, or by majority vote with each partner's vote."""
    meeting = _meeting(meeting_id, record=True)
    if (refused := _locked(meeting)) is not None:
        return refused
    form = _decision_form(meeting)
    saved = _save_decision(meeting, form, None)
    if saved is not None:
        return saved
    return render_template("meetings/decision.html", form=form, meeting=meeting, decision=None)


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@requires("edit", "meetings")
def decision_edit(decision_id: int) -> str | Response | tuple[str, int]:
    """Change a decision, how it was made and the partners' votes."""
    decision = services.decision_or_404(decision_id)
    authorize("edit", decision)
    meeting = decision.meeting
    if (refused := _locked(meeting)) is not None:
        return refused
    form = _decision_form(meeting, decision)
    saved = _save_decision(meeting, form, decision)
    if saved is not None:
        return saved
    return render_template("meetings/decision.html", form=form, meeting=meeting,
                           decision=decision)


@bp.route("/votes/<int:vote_id>/confirm", methods=["POST"])
@requires("vote", "meetings")
def vote_confirm(vote_id: int) -> Response:
    """A partner's representative confirms their organisation's vote as minuted."""
    vote = services.vote_or_404(vote_id)
    authorize("vote", vote)
    meeting = vote.decision.meeting
    name = services.partner_name(vote.partner, meeting)
    if services.confirm_vote(vote, current_user, utcnow()):
        db.session.commit()
        flash(f"You confirmed that {name} voted “{vote.choice.label.lower()}”", "success")
    else:
        flash(f"{name}'s vote was already confirmed")
    return _detail(meeting, f"decision-{vote.decision_id}")


# --- minutes ---------------------------------------------------------------------------------


@bp.route("/<int:meeting_id>/minutes/approve", methods=["GET", "POST"])
@requires("edit", "meetings")
def minutes_approve(meeting_id: int) -> str | Response:
    """Record that the draft minutes were approved at a later meeting; they are then locked."""
    meeting = _meeting(meeting_id, record=True)
    if (refused := _locked(meeting)) is not None:
        return refused
    options = services.later_meetings(meeting)
    form = ApproveMinutesForm()
    form.approved_at.choices = [
        (str(m.id), f"{long_date(m.held_on)} ({m.status.label.lower()})") for m in options]
    if request.method == "GET" and options:
        form.approved_at.data = str(options[0].id)
    if form.validate_on_submit():
        chosen = next((m for m in options if str(m.id) == form.approved_at.data), None)
        with run_service(form) as step:
            services.approve_minutes(meeting, chosen, today())
        if step.done:
            assert chosen is not None
            flash(f"Minutes approved at the meeting on {long_date(chosen.held_on)}; "
                  "this meeting is now locked", "success")
            return _detail(meeting, "minutes")
    return render_template("meetings/minutes_approve.html", form=form, meeting=meeting,
                           options=options)
