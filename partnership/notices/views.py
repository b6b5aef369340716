"""The notification centre, each person's choices, the digest's day, and the scheduled jobs."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.jobs.services import counts as job_counts
from partnership.kernel.dates import long_date
from partnership.notices import mail, schedules, services
from partnership.notices.forms import DigestTimeForm, PreferencesForm
from partnership.notices.items import Window
from partnership.notices.models import Delivery, NoticeKind
from partnership.notices.sources import grouped, items_for
from partnership.policy import can
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import run_service

bp = Blueprint("notices", __name__, url_prefix="/notices")


def when(at: dt.datetime | None) -> str:
    """Say when, UK time: "7 December 2026 at 07:00"."""
    if at is None:
        return "Not yet"
    local = at.astimezone(clock.UK_TIME)
    return f"{long_date(local.date())} at {local:%H:%M}"


@bp.route("")
@requires("view", "notices")
def centre() -> str:
    """The user's notices (unread first) and what they lead or must sign, as it stands now."""
    items = items_for(current_user, Window.starting())
    partnerships = (services.partnerships_served(current_user)
                    if can(current_user, "manage", "digests") else [])
    return render_template("notices/centre.html", notices=services.notices_of(current_user),
                           unread=services.unread_count(current_user), groups=grouped(items),
                           when=when, partnerships=partnerships)


@bp.route("/<int:notice_id>/read", methods=["POST"])
@requires("view", "notices")
def read(notice_id: int) -> Response:
    """Mark one of the user's notices read."""
    notice = services.notice_of(current_user, notice_id)
    if notice is None:
        return redirect(url_for(".centre"))
    with run_service() as step:
        services.mark_read(notice)
    if step.done:
        flash(f"Marked as read: {notice.title}", "success")
    return redirect(url_for(".centre"))


@bp.route("/read", methods=["POST"])
@requires("view", "notices")
def read_all() -> Response:
    """Mark every notice of the user read."""
    with run_service() as step:
        count = services.mark_all_read(current_user)
    if step.done:
        flash(f"{count} notice{'' if count == 1 else 's'} marked as read", "success")
    return redirect(url_for(".centre"))


@bp.route("/preferences", methods=["GET", "POST"])
@requires("view", "notices")
def preferences() -> str | Response:
    """Choose, kind by kind, whether to be told by email, in the app only, or not at all."""
    form = PreferencesForm()
    if not form.is_submitted():
        for kind, delivery in services.preferences_of(current_user.id).items():
            getattr(form, f"kind_{kind.value}").data = delivery.value
    if form.validate_on_submit():
        with run_service(form) as step:
            services.set_preferences(current_user.id, {
                kind: Delivery(getattr(form, f"kind_{kind.value}").data) for kind in NoticeKind})
        if step.done:
            flash("Your choices are saved", "success")
            return redirect(url_for(".preferences"))
    return render_template("notices/preferences.html", form=form,
                           fields=[getattr(form, name) for name in form.fields()])


@bp.route("/digest/<slug>", methods=["GET", "POST"])
@requires("manage", "digests")
def digest_time(slug: str) -> str | Response:
    """Set the day and time the partnership's weekly digest goes out."""
    partnership = partnership_or_404(slug)
    current = services.digest_time(partnership.id)
    form = DigestTimeForm()
    if not form.is_submitted():
        form.weekday.data = str(current.weekday)
        form.send_at.data = current.send_at
    if form.validate_on_submit():
        with run_service(form) as step:
            services.set_digest_time(partnership, int(form.weekday.data), form.send_at.data)
        if step.done:
            flash(f"{partnership.name}'s digest now goes out on "
                  f"{services.digest_time(partnership.id).words}", "success")
            return redirect(url_for(".digest_time", slug=slug))
    return render_template("notices/digest_time.html", form=form, partnership=partnership,
                           current=current)


@bp.route("/scheduled-jobs")
@requires("view", "scheduled_jobs")
def scheduled_jobs() -> str:
    """The scheduled jobs' health: last run, outcome, next run; the outbox and the queue."""
    return render_template("notices/scheduled_jobs.html", rows=schedules.health(), when=when,
                           outbox=[(status.label, number)
                                   for status, number in mail.outbox_counts().items()],
                           queue=[(status.label, number)
                                  for status, number in job_counts().items()])


def unread_for_header() -> int | None:
    """The unread count the header shows (None for nobody signed in, or if it cannot be read:
    an error page after a failed transaction still renders)."""
    if not current_user.is_authenticated:
        return None
    try:
        return services.unread_count(current_user)
    except SQLAlchemyError:
        return None
