"""The year's scrutiny plan published with the arrangements: after the scrutiny section if
there is one, else as an appendix; the partnership's own words only, never the findings."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask

from partnership.arrangements.document import arrangements_html
from partnership.arrangements.models import NarrativeSection, Topic
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.scrutiny.models import ActivityKind, ActivityStatus, ScrutinyFunction
from tests.register.records import add_agency, add_area
from tests.scrutiny import TODAY, YEAR, add_activity, add_plan, reported

PUBLISHED = "Published: agreed by all three safeguarding partners"


def _world(app: Flask) -> int:
    add_area(app, "northshire", "Northshire Partnership")
    police = add_agency(app, "northshire", "Northshire Police")
    council = add_agency(app, "northshire", "Northshire Council")
    plan = add_plan(app, "northshire", agreed_on=dt.date(2026, 5, 14),
                    introduction="I test the arrangements.\n\nI listen to practitioners.")
    add_activity(app, plan, "Deep dive: the front door", planned_start=dt.date(2026, 6, 1),
                 planned_end=dt.date(2026, 7, 31), agency_ids=[police, council],
                 **reported(findings="A secret finding", good_practice="A secret practice"))
    add_activity(app, plan, "Observing the board", function=ScrutinyFunction.CRITICAL_FRIEND,
                 kind=ActivityKind.MEETING_OBSERVATION, planned_start=dt.date(2026, 9, 1))
    add_activity(app, plan, "Dropped idea", function=ScrutinyFunction.VOICE,
                 status=ActivityStatus.CANCELLED)
    add_plan(app, "northshire", YEAR - 1, title="Last year's plan")
    return plan


def _document(app: Flask, day: dt.date = TODAY) -> tuple[list[str], str]:
    with app.test_request_context():
        partnership = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug == "northshire")).one()
        html = BeautifulSoup(arrangements_html(partnership, as_of=day, status=PUBLISHED,
                                               for_pdf=False), "html.parser")
    return [str(h2.get("id")) for h2 in html.select("h2[id]")], html.get_text(" ", strip=True)


def _add_section(app: Flask, position: int, title: str, topic: Topic) -> None:
    with app.app_context(), acting_as("tests"):
        partnership = db.session.scalars(
            sa.select(Partnership).where(Partnership.slug == "northshire")).one()
        db.session.add(NarrativeSection(partnership=partnership, position=position, title=title,
                                        topic=topic, markdown=f"Our words on {title}."))
        db.session.commit()


def test_with_no_scrutiny_section_the_plan_is_an_appendix(app: Flask) -> None:
    _world(app)
    anchors, text = _document(app)
    assert "appendix-scrutiny-plan" in anchors and "scrutiny_plan" not in anchors
    assert anchors.index("appendix-scrutiny-plan") < anchors.index("sign-off")
    assert "Appendix: Independent scrutiny plan 2026 to 2027" in text
    assert "Agreed by the safeguarding partners on 14 May 2026." in text
    assert "I test the arrangements. I listen to practitioners." in text
    assert "Deep dive: the front door Deep dive June to July 2026 Northshire Council, " \
           "Northshire Police" in text
    assert "Observing the board Observation of a meeting From September 2026" in text
    # Findings stay out, and so do cancelled activities and other years' plans.
    for absent in ("A secret finding", "A secret practice", "Dropped idea", "Last year's plan",
                   ScrutinyFunction.VOICE.label):
        assert absent not in text


def test_the_plan_follows_the_scrutiny_section(app: Flask) -> None:
    _world(app)
    _add_section(app, 1, "How we are scrutinised", Topic.SCRUTINY)
    _add_section(app, 2, "Training", Topic.TRAINING)
    anchors, text = _document(app)
    sections = [a for a in anchors if a.startswith(("section-", "scrutiny"))]
    assert sections[1:] == ["scrutiny_plan", sections[-1]]
    assert anchors.index("scrutiny_plan") < anchors.index(sections[-1])
    assert "appendix-scrutiny-plan" not in anchors
    assert "Independent scrutiny plan 2026 to 2027" in text


def test_a_year_with_no_plan_adds_nothing(app: Flask) -> None:
    _world(app)
    anchors, text = _document(app, dt.date(2028, 1, 10))
    assert not [a for a in anchors if "scrutiny" in a]
    assert "Independent scrutiny plan" not in text
