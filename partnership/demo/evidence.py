"""The demo's evidence files: the county board's papers for its last two meetings (small PDFs
made here from the meeting's own agenda), and a CSV and a chart attached to the latest
progress update on a county audit action, uploaded by the county's team officer.

The files are written to the evidence folder as they are attached; the load is one
transaction, and the evidence store deletes every file written in a transaction that ends
without a commit (``partnership.evidence.store``), so a failed load leaves no files behind.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.documents.pdf import render_here
from partnership.evidence import services as evidence
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Meeting
from partnership.policy import Role
from partnership.register.models import Body, BodyKind, Partnership

# Agencies' returns for the county's neglect audit, as the team's spreadsheet holds them.
RETURNS_CSV = """Agency,Cases asked,Returned on time,Returned late,Not returned
Wessexshire Constabulary,6,5,1,0
Wessexshire County Council children's services,6,6,0,0
Wessexshire Integrated Care Board,6,4,1,1
Wessexshire Schools (education),6,3,2,1
"""
ATTENDANCE = (("Police", 92), ("Council", 100), ("Health", 75), ("Education", 58))


def _officer() -> User | None:
    email = next(account.email for account in DEMO_ACCOUNTS if account.role is Role.TEAM)
    return db.session.scalars(sa.select(User).where(User.email == email)).first()


def _paper(meeting: Meeting, title: str, lines: list[str]) -> bytes:
    """A one-page paper for a meeting, as a tagged PDF."""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    html = (f"<html lang='en'><head><title>{escape(title)}</title></head><body>"
            f"<h1>{escape(title)}</h1><p>{escape(meeting.body.name)}, "
            f"{long_date(meeting.held_on)}.</p><ol>{items}</ol>"
            "<p>Fictional demo paper.</p></body></html>")
    return render_here(html, title=title, author="Wessexshire Safeguarding Children "
                                                 "Partnership").data


def _chart() -> bytes:
    """A small bar chart of attendance at the board, as a PNG."""
    image = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(image)
    for index, (_label, percent) in enumerate(ATTENDANCE):
        left = 20 + index * 55
        draw.rectangle((left, 110 - percent, left + 35, 110), fill=(29, 112, 184))
    draw.line((10, 110, 230, 110), fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _attach(kind: str, owner: object, data: bytes, filename: str, user: User | None,
            at: dt.datetime) -> None:
    upload = FileStorage(stream=io.BytesIO(data), filename=filename)
    kept = evidence.attach(kind, owner, upload, user)
    kept.uploaded_at = at


def load_demo_evidence(today: dt.date | None) -> dict[str, int]:
    """Attach the county's meeting papers and a progress update's evidence."""
    today = today or clock.today()
    county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).first()
    if county is None:
        return {"evidence files": 0}
    officer = _officer()
    added = 0
    meetings = list(db.session.scalars(
        sa.select(Meeting).join(Body)
        .where(Body.partnership_id == county.id, Body.kind == BodyKind.BOARD,
               Meeting.held_on <= today)
        .order_by(Meeting.held_on.desc()).limit(2)))
    for meeting in meetings:
        sent = dt.datetime.combine(meeting.held_on - dt.timedelta(days=7), dt.time(10),
                                   tzinfo=dt.UTC)
        agenda = [item.title for item in meeting.agenda] or ["Minutes of the last meeting"]
        _attach("meeting", meeting, _paper(meeting, "Board report", agenda),
                f"Board report {meeting.held_on.isoformat()}.pdf", officer, sent)
        added += 1
        if meeting is meetings[0]:
            _attach("meeting", meeting, _paper(meeting, "Multi-agency data summary", [
                f"{label}: {percent}% attendance at the board this year"
                for label, percent in ATTENDANCE]),
                "Multi-agency data summary.pdf", officer, sent)
            added += 1
    # The latest update on a county audit action (an audit's returns are its evidence).
    update = db.session.scalars(
        sa.select(ProgressUpdate).join(Action)
        .where(Action.partnership_id == county.id, Action.recommendation_id.is_(None),
               Action.title.ilike("%audit%"), ProgressUpdate.recorded_on <= today)
        .order_by(ProgressUpdate.recorded_on.desc(), ProgressUpdate.id.desc()).limit(1)).first()
    if update is not None:
        at = dt.datetime.combine(update.recorded_on, dt.time(15), tzinfo=dt.UTC)
        _attach("progress_update", update, RETURNS_CSV.encode(), "Audit returns by agency.csv",
                officer, at)
        _attach("progress_update", update, _chart(), "Board attendance chart.png", officer, at)
        added += 2
    db.session.flush()
    return {"evidence files": added}
