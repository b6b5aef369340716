"""Meetings of the partnership's bodies: agenda, attendance, decisions and minutes."""

from __future__ import annotations

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.evidence.owners import owner_page
    from partnership.meetings import models
    from partnership.meetings.services import chaired_bodies, meetings_of, votes_to_confirm
    from partnership.meetings.views import bp
    from partnership.policy import attachable

    app.register_blueprint(bp)
    # Meeting papers: evidence files attached by the team and the body's chair.
    attachable("meeting", models.Meeting, "edit")
    owner_page("meeting", lambda meeting: url_for(
        "meetings.detail", meeting_id=meeting.id, _anchor="papers"))
    # The partner's home page lists the minuted votes waiting for their confirmation.
    # and the chair's home page the groups they chair.
    # A body's page in the register offers "Add a meeting" to whoever may record its meetings.
    app.jinja_env.globals.update(meetings_votes_to_confirm=votes_to_confirm,
                                 meetings_chaired_bodies=chaired_bodies,
                                 meetings_recorder=meetings_of)
