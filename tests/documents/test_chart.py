"""The structure chart (Graphviz) and its text outline: what is in it, escaping, and loops."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.policy import Role
from partnership.register.chart import (
    SVG_NS,
    ChartError,
    dot_string,
    draw_structure_chart,
    structure_chart_svg,
    structure_dot,
    structure_outline,
    walk_outline,
)
from partnership.register.models import AccountabilityLine, Body, LineKind, Partnership
from tests.documents.builders import AS_OF, NO_GRAPHVIZ_NOTE, build_hampton, hide_graphviz
from tests.support.client import BrowserLikeClient, page

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")



def parse_svg(svg: str) -> ET.Element:
    """Parse the chart (our own output, in a test) as XML."""
    return ET.fromstring(svg)  # noqa: S314


def outline_lines(partnership: Partnership) -> list[str]:
    return ["  " * depth + node.name
            for depth, node in walk_outline(structure_outline(partnership, AS_OF))]


def dot_nodes(source: str) -> list[str]:
    """Lay out DOT source and return the node labels Graphviz ended up with."""
    done = subprocess.run(["dot", "-Tjson"], input=source.encode(), capture_output=True,
                          check=True, timeout=30)
    graph = json.loads(done.stdout)
    return [o["label"] for o in graph.get("objects", []) if "nodes" not in o]


@pytest.mark.parametrize(("text", "quoted"), [
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("two\nlines\r", '"two lines "'),
    ("a & b", '"a &amp; b"'),
    ("\\N \\G \\L", '"\\\\N \\\\G \\\\L"'),
    ('"]; evil [label="x', '"\\"]; evil [label=\\"x"'),
])
def test_dot_strings_are_escaped(text: str, quoted: str) -> None:
    assert dot_string(text) == quoted


def test_the_outline_follows_the_reporting_lines_and_includes_shared_bodies(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        hampton = db.session.get(Partnership, built.partnership_id)
        assert outline_lines(hampton) == [
            "Main Board",
            "  Executive Group",
            "    Scrutiny Group",
            "      Neglect Strategy Group",
            "    Learning and Inquiry Group",
            "    Workforce Development Group",
            "HISP Executive Group",
            "  Child Exploitation Subgroup",
        ]  # the Old Review Group ended in 2021: not in the structure on AS_OF
        nodes = {n.name: n for _, n in walk_outline(structure_outline(hampton, AS_OF))}
        assert nodes["HISP Executive Group"].note == "shared across HISP"
        assert nodes["Neglect Strategy Group"].note == (
            "joint with Portsea Safeguarding Children Partnership")
        assert nodes["Executive Group"].kind_label == "Executive group"
        assert "Old Review Group" in [n.name for _, n in walk_outline(structure_outline(hampton))]


def test_a_neighbour_sees_the_joint_group_and_the_shared_bodies(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        portsea = db.session.get(Partnership, built.neighbour_id)
        assert outline_lines(portsea) == [
            "Neglect Strategy Group",  # it reports to Hampton's Scrutiny Group, not in Portsea's
            "HISP Executive Group",
            "  Child Exploitation Subgroup",
        ]
        svg = structure_chart_svg(portsea, AS_OF)
        assert "Neglect Strategy Group" in svg and "Joint with Hampton" in svg


def test_the_chart_is_an_accessible_inert_svg(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        hampton = db.session.get(Partnership, built.partnership_id)
        svg = structure_chart_svg(hampton, AS_OF)
    root = parse_svg(svg)
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label", "").startswith("Structure chart of Hampton")
    first = root[0]
    assert first.tag == f"{{{SVG_NS}}}title" and first.text == root.get("aria-label")
    assert len(root.findall(f".//{{{SVG_NS}}}title")) == 1
    texts = " ".join(t.text or "" for t in root.iter(f"{{{SVG_NS}}}text"))
    for name in ("Main Board", "Executive Group", "Learning and Inquiry Group",
                 "HISP Executive Group", "Shared across Hampton, Isle,"):
        assert name in texts
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        assert local not in ("script", "a", "foreignObject", "style", "image", "use")
        assert not [a for a in element.attrib
                    if a.rsplit("}", 1)[-1] in ("href", "style", "id") or a.startswith("on")]
    assert "Arial" in svg


def test_hostile_names_stay_text_in_the_dot_source_and_the_svg(app: Flask) -> None:
    with app.app_context():
        built = build_hampton(hostile=True)
        hampton = db.session.get(Partnership, built.partnership_id)
        source = structure_dot(hampton, AS_OF)
        svg = structure_chart_svg(hampton, AS_OF)
        expected = len(outline_lines(hampton))
    # Graphviz sees exactly one node per body: no name broke out of its quoted label.
    labels = dot_nodes(source)
    assert len(labels) == expected
    assert "<script>" not in svg
    root = parse_svg(svg)  # still well-formed XML
    texts = " ".join(t.text or "" for t in root.iter(f"{{{SVG_NS}}}text"))
    for part in ("<script>alert(1)</script>", '"quoted"', "\\back\\slash", "& {{7*7}}",
                 "new line"):
        assert part in texts, part  # shown as text, exactly as typed
    assert not root.findall(f".//{{{SVG_NS}}}script")


@pytest.mark.parametrize("loop", ["two bodies", "itself"])
def test_a_reporting_loop_cannot_crash_the_chart(app: Flask, loop: str) -> None:
    with app.app_context():
        built = build_hampton()
        hampton = db.session.get(Partnership, built.partnership_id)
        bodies = {b.name: b for b in db.session.scalars(sa.select(Body))}
        board, executive = bodies["Main Board"], bodies["Executive Group"]
        # The register refuses loops; this writes one directly, as a damaged import might.
        target = executive.id if loop == "two bodies" else board.id
        db.session.execute(sa.delete(AccountabilityLine).where(
            AccountabilityLine.body_id == board.id))
        db.session.execute(sa.insert(AccountabilityLine).values(
            body_id=board.id, kind=LineKind.REPORTS_TO, to_body_id=target, to_name="",
            position=0, version=1))
        db.session.commit()
        lines = outline_lines(hampton)
        svg = structure_chart_svg(hampton, AS_OF)
    assert "Main Board" in lines and "Executive Group" in " ".join(lines)
    assert len(lines) == 8
    assert "Main Board" in svg


def test_a_partnership_with_no_bodies_has_an_empty_outline(app: Flask) -> None:
    with app.app_context():
        lonely = Partnership(slug="lonely", name="Lonely Partnership", short_name="LP")
        db.session.add(lonely)
        db.session.commit()
        assert structure_outline(lonely) == []
        assert parse_svg(structure_chart_svg(lonely)).get("role") == "img"


def test_without_graphviz_the_chart_gives_way_to_a_note(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    hide_graphviz(monkeypatch)
    with app.app_context():
        hampton = db.session.get(Partnership, build_hampton().partnership_id)

        with pytest.raises(ChartError) as raised:
            structure_chart_svg(hampton, AS_OF)
        chart = draw_structure_chart(hampton, AS_OF)

    assert raised.value.reason == "Graphviz is not installed"
    assert (chart.svg, chart.note) == (None, NO_GRAPHVIZ_NOTE)


def test_without_graphviz_the_structure_page_shows_the_list_and_says_why(
        app: Flask, monkeypatch: pytest.MonkeyPatch,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    with app.app_context():
        build_hampton()
    client = signed_in(Role.SCRUTINEER)
    hide_graphviz(monkeypatch)

    response = client.get(f"/partnerships/hampton?on={AS_OF.isoformat()}")
    chart = client.get("/partnerships/hampton/structure.svg")

    assert response.status_code == 200
    html = page(response)
    assert html.find(class_="govuk-inset-text").get_text(strip=True) == NO_GRAPHVIZ_NOTE
    assert html.find("img", class_="app-structure-chart") is None
    assert html.find("h3", string="The structure as a list") is not None
    listed = html.get_text(" ", strip=True)
    assert "Learning and Inquiry Group" in listed and "HISP Executive Group" in listed
    # Asked for directly, the picture says the same (it never fails for want of dot).
    assert (chart.status_code, chart.mimetype) == (200, "image/svg+xml")
    svg = parse_svg(chart.get_data(as_text=True))
    assert svg.get("role") == "img"
    words = " ".join(t.text or "" for t in svg.iter(f"{{{SVG_NS}}}text"))
    assert "Graphviz is not installed" in words
