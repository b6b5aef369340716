"""Calendar pages: "Your calendar feed", the feed itself, and a meeting's .ics file.

The feed is read by calendar programs, which cannot sign in: its address carries a secret
instead, and a wrong, replaced or revoked secret answers 404 like an address that never was.
The secret travels in the query string so that the request log (which writes the path)
never holds it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import requires
from partnership.calendar import ics, services
from partnership.calendar.forms import IssueFeedForm, RevokeFeedForm
from partnership.clock import now, today
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Meeting
from partnership.meetings.services import meeting_or_404

bp = Blueprint("calendar", __name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _calendar_response(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, content_type=CALENDAR_TYPE)
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/account/calendar", methods=["GET", "POST"])
@requires("edit", "calendar")
def settings() -> str:
    """Your calendar feed: make its private address (shown once), replace it or stop it."""
    form = IssueFeedForm()
    address = None
    if form.validate_on_submit():
        secret = services.issue_feed(current_user)
        db.session.commit()
        # Shown on this page only: the database keeps a hash, so it cannot be shown again.
        address = url_for(".feed", key=secret, _external=True)
    feed = services.feed_of(current_user)
    return render_template("calendar/settings.html", form=form, revoke=RevokeFeedForm(),
                           feed=feed, address=address, long_date=long_date)


@bp.route("/account/calendar/stop", methods=["POST"])
@requires("edit", "calendar")
def revoke() -> Response:
    """Stop the feed: its address answers "not found" from now on."""
    form = RevokeFeedForm()
    if form.validate_on_submit() and services.revoke_feed(current_user):
        db.session.commit()
        flash("Your calendar feed has stopped: its address no longer works", "success")
    return redirect(url_for(".settings"))


@bp.route("/calendar/feed.ics")
def feed() -> Response:
    """A user's private feed, found by its secret (``?key=``): no sign-in, 404 otherwise."""
    user = services.user_for_secret(request.args.get("key", ""))
    if user is None:
        abort(404)
    contents = services.feed_contents(user, today())
    body = ics.feed_file(
        f"Safeguarding partnership: {user.name}", contents.meetings, contents.due_dates,
        meeting_url=lambda meeting: url_for("meetings.detail", meeting_id=meeting.id,
                                            _external=True),
        due_url=lambda due: url_for(due.endpoint, **dict(due.values), _external=True),
        stamp=now())
    return _calendar_response(body)


@bp.route("/meetings/<int:meeting_id>/calendar.ics")
@requires("view", "meetings")
def meeting(meeting_id: int) -> Response:
    """One meeting as an .ics file, to add to a calendar."""
    found: Meeting = meeting_or_404(meeting_id)
    body = ics.meeting_file(found, url_for("meetings.detail", meeting_id=found.id,
                                           _external=True), now())
    return _calendar_response(body, f"meeting-{found.held_on:%Y-%m-%d}-{found.id}.ics")
