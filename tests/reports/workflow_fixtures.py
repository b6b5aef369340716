"""What the yearly report's workflow tests share: a partnership, its people and stand-ins.

The workflow does not depend on what the report says, only on whether it changed, so the
figures come from :func:`fake_assemble` (a small fixed :class:`ReportContent` whose meetings
count the tests can change through ``FIGURES``) and the document from :func:`fake_pdf` and
:func:`fake_html`. The real assembly and document are tested in their own modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.documents.pdf import RenderedPdf
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import PartnerKind, Partnership, Person, Scrutineer
from partnership.reports import assemble, document
from partnership.reports.content import (
    Activities,
    Changes,
    Feedback,
    Impact,
    Progress,
    Recommendations,
    ReportContent,
    ReportDocument,
    Reviews,
)
from partnership.reports.models import YearlyReport
from tests.arrangements.conftest import PARTNER_NAMES, build_partnership

SLUG = "hscp"
OTHER_SLUG = "wscp"
PERIOD = (dt.date(2024, 4, 1), dt.date(2025, 3, 31))

# Change a figure the fake assembly reports, as if a record had changed.
FIGURES: dict[str, int] = {"meetings_held": 4}


def fake_assemble(partnership: Partnership, start: dt.date, end: dt.date,
                  today: dt.date) -> ReportContent:
    """A small fixed report: 4 meetings held (or ``FIGURES``), and nothing else to show."""
    none = "Nothing was recorded in the period."
    return ReportContent(
        partnership=partnership.name, partnership_short=partnership.short_name,
        slug=partnership.slug, period_start=start.isoformat(), period_end=end.isoformat(),
        period_label="2024\u201325", as_of=today.isoformat(),
        activities=Activities(
            meetings=[], meetings_held=FIGURES["meetings_held"], decisions=2, attendance=[],
            attendance_percent=80, actions_live=3, actions_completed=1, actions_link="",
            rapid_reviews=0, local_reviews=0, national_referrals=0, learning_reviews=0,
            arrangements_published=0, missing=""),
        reviews=Reviews(rapid=[], rapid_completed=0, rapid_on_time=0, local=[],
                        local_on_time=0, local_completed=0, national=[],
                        missing="No reviews were undertaken in the period."),
        impact=Impact(objectives=[], entries=0, training="", missing=none),
        progress=Progress(objectives=[], objectives_considered=2, rule="", missing=""),
        recommendations=Recommendations(local=[], national=[], unpublished_reviews=0,
                                        unpublished_recommendations=0, unpublished_actions=0,
                                        unpublished_completed=0, missing=none),
        feedback=Feedback(entries=[], missing=none),
        changes=Changes(at_start=None, at_end=None, published_in_period=[], groups=[],
                        missing="No arrangements were published by the end of the period."),
    )


RENDERED: list[Any] = []  # every document the fake renderer was given


def fake_pdf(doc: Any) -> RenderedPdf:
    """Stand in for WeasyPrint: a tiny "PDF" naming the document and its status."""
    RENDERED.append(doc)
    title = doc["title"] if isinstance(doc, dict) else doc.title
    status = doc["status"] if isinstance(doc, dict) else doc.status
    return RenderedPdf(data=f"%PDF-1.7\n% {title}: {status}\n".encode(), pages=3)


def fake_html(doc: Any, *, for_pdf: bool = False) -> str:
    """Stand in for the document template: a minimal page with the title and status."""
    title = doc["title"] if isinstance(doc, dict) else doc.title
    status = doc["status"] if isinstance(doc, dict) else doc.status
    return (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1><p>{status}</p></main></body></html>")


def install_stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the assembly and the document with the small stand-ins above."""
    monkeypatch.setattr(assemble, "assemble", fake_assemble)
    monkeypatch.setattr(document, "report_pdf", fake_pdf)
    monkeypatch.setattr(document, "report_html", fake_html)
    monkeypatch.setitem(FIGURES, "meetings_held", 4)
    RENDERED.clear()


@dataclass
class ReportWorld:
    """Hillshire (with its three partners' users, a team officer and its scrutineer) and
    Westshire, whose scrutineer and partner are someone else."""

    id: int
    other_id: int
    partner_users: list[User] = field(default_factory=list)
    team: User | None = None
    scrutineer: User | None = None
    other_scrutineer: User | None = None
    other_partner: User | None = None

    def url(self, tail: str = "", slug: str = SLUG) -> str:
        """Return a reports URL of Hillshire (or of another partnership)."""
        return f"/partnerships/{slug}/reports{tail}"


def _link(user: User, name: str, title: str) -> Person:
    return Person(name=name, job_title=title, user_id=user.id)


def build_world(app: Flask, make_user: Callable[..., User]) -> ReportWorld:
    """Create both partnerships and everyone's accounts linked to the register."""
    partners = [make_user(Role.PARTNER, name=PARTNER_NAMES[kind][2]) for kind in PartnerKind]
    team = make_user(Role.TEAM, name="Tess Team")
    scrutineer = make_user(Role.SCRUTINEER, name="Sam Scrutineer")
    other_scrutineer = make_user(Role.SCRUTINEER, name="Olu Other")
    other_partner = make_user(Role.PARTNER, name="Will West")
    with app.app_context():
        hillshire = build_partnership(users=partners)
        westshire = build_partnership(OTHER_SLUG, "Westshire Safeguarding Children Partnership")
        west_rep = db.session.scalars(  # Westshire's council representative
            sa.select(Person).where(Person.user_id.is_(None)).order_by(Person.id)).first()
        assert west_rep is not None
        west_rep.user_id = other_partner.id
        db.session.add_all([
            _link(team, "Tess Team", "Partnership Business Manager"),
            Scrutineer(partnership=hillshire,
                       person=_link(scrutineer, "Sam Scrutineer", "Independent Scrutineer")),
            Scrutineer(partnership=westshire,
                       person=_link(other_scrutineer, "Olu Other", "Independent Scrutineer")),
        ])
        db.session.commit()
        return ReportWorld(hillshire.id, westshire.id, partners, team, scrutineer,
                           other_scrutineer, other_partner)


def add_draft(app: Flask, world: ReportWorld, period: tuple[dt.date, dt.date] = PERIOD,
              title: str = "HSCP yearly report 2024\u201325") -> int:
    """Start a draft report on Hillshire's period."""
    from partnership.reports import services

    with app.app_context():
        partnership = db.session.get(Partnership, world.id)
        assert partnership is not None
        report = services.start_report(partnership, *period, title)
        db.session.commit()
        return report.id


def in_app(app: Flask, report_id: int) -> YearlyReport:
    """Load a report in the current app context."""
    report = db.session.get(YearlyReport, report_id)
    assert report is not None
    return report


def draft_of(app: Flask, report_id: int) -> ReportDocument:
    """Assemble a report's draft (with the stand-ins) in the current app context."""
    from partnership.reports import services

    return services.draft_document(in_app(app, report_id), dt.date(2025, 6, 1))
