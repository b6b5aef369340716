"""The arrangements document, generated from the register: HTML preview, PDF and the CLI.

A Hampshire-like partnership is built through the ORM (tests/documents/builders.py): three
partners with representatives, agencies with a group, a board, an executive, subgroups, a
four-area collaboration with shared bodies, a joint group with a neighbour and narrative.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from PIL import Image

from partnership.arrangements.document import arrangements_html, arrangements_pdf
from partnership.arrangements.sections import add_figure, sections_of
from partnership.audit.models import AuditEvent
from partnership.clock import today
from partnership.extensions import db
from partnership.publishing.documents import PrintedSignature
from partnership.register.models import GuidanceEdition, PartnerKind, Partnership
from tests.documents.builders import (
    AS_OF,
    NO_GRAPHVIZ_NOTE,
    Built,
    build_hampton,
    hide_graphviz,
)
from tests.documents.pdftools import pdf_info, pdf_objects, pdf_text

# About responses, rendering and Python rules that do not depend on the database: SQLite only.
pytestmark = pytest.mark.databases("sqlite")


DRAFT_LINE = "Draft \N{EN DASH} not yet signed off by all three safeguarding partners"
# The partnership's sections in its order; what the register holds after the section that
# covers its topic, or (as here, with no such section) before the first section on a later
# statutory topic; membership in an appendix; the sign-off last.
SECTIONS_IN_ORDER = [
    "Contents",
    "Draft: statutory topics not covered yet",
    "Foreword",
    "Introduction and context",
    "The safeguarding partners",
    "Geographical area",
    "Relevant agencies",
    "Working with neighbouring partnerships",
    "Structure",
    "Boards and groups",
    "Independent scrutiny",
    "Thresholds",
    "Multi-agency training",
    "Voice of children and families",
    "Review of these arrangements",
    "Appendix: membership of the boards and groups",
    "Agreement by the safeguarding partners",
]


def preview(app: Flask, built: Built, *, as_of: dt.date = AS_OF, status: str = "DRAFT",
            sign_offs: tuple[PrintedSignature, ...] = ()) -> str:
    with app.test_request_context():
        partnership = db.session.get(Partnership, built.partnership_id)
        return arrangements_html(partnership, as_of=as_of, status=status,
                                 sign_offs=sign_offs, for_pdf=False)


def h2s(soup: BeautifulSoup) -> list[str]:
    return [h.get_text(" ", strip=True) for h in soup.find_all("h2")]


def test_the_preview_has_every_section_in_the_order_a_reader_expects(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        html = preview(app, built)
    soup = BeautifulSoup(html, "html.parser")

    assert h2s(soup) == SECTIONS_IN_ORDER  # the blank "voice" section is marked in a draft
    contents = [a.get_text(strip=True) for a in soup.select(".contents > ol > li > a")]
    assert contents == SECTIONS_IN_ORDER[2:]
    assert soup.html["lang"] == "en"
    assert soup.title.string == (
        "Hampton Safeguarding Children Partnership: local safeguarding arrangements 2025 (draft)"
        " \N{EN DASH} Safeguarding partnership tracker")
    [h1] = soup.find_all("h1")
    assert h1.get_text(" ", strip=True) == (
        "Hampton Safeguarding Children Partnership Local safeguarding arrangements 2025")
    assert "document--draft" in soup.body["class"]
    assert DRAFT_LINE in soup.find(class_="cover").get_text()


def test_the_preview_is_an_accessible_page_within_our_csp(app: Flask) -> None:
    with app.app_context():
        html = preview(app, build_hampton())
    soup = BeautifulSoup(html, "html.parser")

    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    for table in soup.find_all("table"):
        assert table.caption and table.caption.get_text(strip=True)
        assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))
    ids = {element["id"] for element in soup.find_all(id=True)}
    links = [a["href"][1:] for a in soup.find_all("a", href=re.compile("^#"))]
    assert links and set(links) <= ids
    assert len(soup.find_all("main")) == 1
    assert not soup.find_all(["script", "style"])
    assert not soup.find_all(style=True)
    assert [link["href"] for link in soup.find_all("link")] == [
        "/static/css/document.css", "/static/images/favicon.svg"]
    for image in soup.find_all("img"):
        assert image["alt"].startswith("Structure chart of Hampton")
        assert image["src"] == "/partnerships/hampton/structure.svg"
    assert not re.search(r"""(src|href)=["']?(https?:|file:|//)""", html.replace(
        'href="https://example.org" rel="noopener"', ""))


def test_the_preview_says_what_the_register_says_on_the_date(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        text = BeautifulSoup(preview(app, built), "html.parser").get_text(" ", strip=True)
        earlier = BeautifulSoup(preview(app, built, as_of=dt.date(2021, 6, 1)),
                                "html.parser").get_text(" ", strip=True)

    # Partners and representatives current on the date, in Working Together 2023's words.
    assert "Lead safeguarding partner" in text and "Delegated safeguarding partner" in text
    assert "NHS Hampton and Wight Integrated Care Board" in text
    assert "Priya Shah" in text and "Dana Old" not in text
    assert "NHS Hampton Clinical Commissioning Group" in earlier
    assert "Dana Old" in earlier and "Priya Shah" not in earlier
    # The partnership chair is a dated role.
    assert "Partnership chair (independent) Derek Ainsworth" in text
    # Agencies: the group with its members first, then by sector; ended agencies left out.
    assert re.search(r"Health providers Hampton Hospitals NHS Foundation Trust "
                     r"South Central Ambulance Service Education Schools and colleges", text)
    assert "Cafcass National position of not attending" in text
    assert "Closed Agency Ltd" not in text
    # Collaboration and joint groups, and every body with its details.
    assert "Partnerships taking part: Hampton Safeguarding Children Partnership, " \
           "Portsea Safeguarding Children Partnership." in text
    assert "Neglect Strategy Group (task and finish group, joint with Portsea" in text
    assert "Old Review Group" not in text
    assert ("How it decides By consensus; failing that, by majority vote of the three "
            "safeguarding partners") in text
    # The post says the chair is independent: not said a second time.
    assert "Chair Derek Ainsworth, Independent Chair and Scrutineer" in text
    assert "Independent Chair and Scrutineer (independent)" not in text
    assert "Chair Hampton Hospitals NHS Foundation Trust Meets Monthly" in text
    assert "Core members: Executive Group" in text and "Co-opted members: Executive Group" in text
    assert "Runs 1 September 2024 to 31 August 2025" in text
    # Scrutiny (the scrutineer also chairs the partnership), the review and the sign-off.
    assert ("Derek Ainsworth, Independent Chair and Scrutineer Also the "
            "partnership chair The three lead safeguarding partners") in text
    assert "The partners review these arrangements each spring." in text
    for invented in ("15 working days", "within about six months", "next review",
                     "Not recorded", "None named"):
        assert invented not in text, invented
    assert text.count("Awaiting sign-off") == 3


def test_older_guidance_uses_its_own_words(app: Flask) -> None:
    with app.app_context():
        text = BeautifulSoup(preview(app, build_hampton(guidance=GuidanceEdition.WT2018)),
                             "html.parser").get_text(" ", strip=True)
    assert "Lead representative" in text and "Delegated representative" in text
    assert "lead safeguarding partner" not in text.lower().replace(
        "the three lead safeguarding partners", "")


def test_a_published_version_shows_its_status_and_sign_offs(app: Flask) -> None:
    with app.app_context():
        built = build_hampton()
        partnership = db.session.get(Partnership, built.partnership_id)
        by_kind = {p.kind: p for p in partnership.partners}
        # The workflow prints signatures in the partners' order, dated in UK time (a
        # signature at 23:30 UTC on 31 March is dated 1 April: tests/publishing checks it).
        signed = (
            PrintedSignature(by_kind[PartnerKind.LOCAL_AUTHORITY].name_on(AS_OF),
                             "Carys Wendell", "Chief Executive", "2025-03-03"),
            PrintedSignature(by_kind[PartnerKind.HEALTH].name_on(AS_OF)),
            PrintedSignature(by_kind[PartnerKind.POLICE].name_on(AS_OF), "Priya Shah",
                             "Chief Superintendent", "2025-04-01"))
        html = preview(app, built, status="Published 1 April 2025", sign_offs=signed)
    soup = BeautifulSoup(html, "html.parser")
    text = soup.get_text(" ", strip=True)

    assert "document--draft" not in soup.body["class"]
    assert soup.find(class_="cover__status").get_text(strip=True) == "Published 1 April 2025"
    assert "(draft)" not in soup.title.string
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in soup.find(class_="table--sign-off").find_all("tr")[1:]]
    assert rows == [
        ["Hampton County Council", "Carys Wendell", "Chief Executive", "3 March 2025"],
        ["NHS Hampton and Wight Integrated Care Board", "Awaiting sign-off"],
        ["Hampton Constabulary", "Priya Shah", "Chief Superintendent", "1 April 2025"],
    ]
    assert "next review" not in text and "not covered yet" not in text


def test_hostile_names_and_markdown_are_text_in_the_preview(app: Flask) -> None:
    with app.app_context():
        html = preview(app, build_hampton(hostile=True))
    soup = BeautifulSoup(html, "html.parser")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not soup.find_all("script")
    assert "49" not in soup.get_text()
    assert "{{7*7}}" in soup.get_text()
    assert not soup.find_all(href=re.compile("javascript", re.IGNORECASE))
    assert not soup.find_all("img", src=re.compile("file:"))
    assert not [el for el in soup.find_all(True) if any(a.startswith("on") for a in el.attrs)]
    assert "Executive Group <script>alert(1)</script>" in soup.get_text()


def test_the_cli_writes_the_draft_as_a_tagged_a4_pdf_and_audits_the_export(
        app: Flask, runner, tmp_path: Path) -> None:
    with app.app_context():
        built = build_hampton()
    out = tmp_path / "hampton.pdf"

    result = runner.invoke(args=["arrangements", "pdf", "hampton", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export"))
        assert (event.actor, event.record_type, event.record_id) == (
            "cli", "partnership", str(built.partnership_id))
    data = out.read_bytes()
    info = pdf_info(data)
    year = today().year
    assert ("Title:           Hampton Safeguarding Children Partnership: local safeguarding "
            f"arrangements {year} (draft)") in info
    page_count = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert page_count > 3
    assert "Tagged:          yes" in info and "A4" in info
    inside = pdf_objects(data)
    for marker in (b"/StructTreeRoot", b"pdfuaid", b"/Outlines", b"/Title (Foreword)",
                   b"/Title (Learning and Inquiry Group)"):
        assert marker in inside, marker
    assert b"/EmbeddedFile" not in inside

    pages = pdf_text(data).split("\f")[:page_count]
    cover = " ".join(pages[0].split())
    assert f"Children Partnership Local safeguarding arrangements {year}" in cover
    assert DRAFT_LINE in cover
    # Contents with page numbers, then the sections in order, each on or after the last.
    contents = pages[1]
    assert re.search(r"Foreword\s*\.*\s*3", contents)
    first_pages = []
    for heading in SECTIONS_IN_ORDER[1:]:
        found = [n for n, text in enumerate(pages) if n > 1 and heading in text.splitlines()]
        assert found, heading
        first_pages.append(found[0])
    assert first_pages == sorted(first_pages)
    # Running header and footer on every page after the cover.
    for number, text in enumerate(pages[1:], start=2):
        assert "Hampton Safeguarding Children Partnership" in text
        assert f"Page {number} of {page_count}" in text
        assert DRAFT_LINE in text
    everything = " ".join(pages)
    for name in ("Carys Wendell", "Priya Shah", "Hampton Hospitals NHS Foundation Trust",
                 "Learning and Inquiry Group", "HISP Executive Group", "Derek Ainsworth",
                 "Awaiting sign-off"):
        assert name in everything, name
    # The chart is drawn from the in-memory SVG: its labels are on the structure's pages.
    structure = first_pages[SECTIONS_IN_ORDER.index("Structure") - 1]
    chart_pages = " ".join(" ".join(pages[structure:structure + 2]).split())
    assert "Shared across Hampton, Isle, Southport and Portsea" in chart_pages


def test_without_graphviz_the_document_lists_the_structure_and_says_why(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    hide_graphviz(monkeypatch)
    with app.app_context():
        built = build_hampton()
        html = preview(app, built)
        rendered = arrangements_pdf(db.session.get(Partnership, built.partnership_id),
                                    as_of=AS_OF, status="DRAFT")

    soup = BeautifulSoup(html, "html.parser")
    structure = soup.find(id="structure").parent
    assert structure.find(class_="chart-note").get_text(strip=True) == NO_GRAPHVIZ_NOTE
    assert structure.find("h3", string="The structure as a list") is not None
    assert not soup.find_all("img")
    text = " ".join(pdf_text(rendered.data).split())
    assert NO_GRAPHVIZ_NOTE in text
    assert "The structure as a list" in text
    assert "HISP Executive Group" in text
    assert "Shared across Hampton, Isle, Southport and Portsea" not in text  # only the chart


def test_hostile_names_and_markdown_are_text_in_the_pdf_and_figures_print(app: Flask) -> None:
    with app.app_context():
        built = build_hampton(hostile=True)
        partnership = db.session.get(Partnership, built.partnership_id)
        # A figure uploaded into the thresholds section prints through the restricted
        # fetcher, from the render's own resources.
        thresholds = next(s for s in sections_of(partnership) if s.title == "Thresholds")
        picture = io.BytesIO()
        Image.new("RGB", (300, 120), (0, 48, 120)).save(picture, "PNG")
        add_figure(thresholds, picture.getvalue(), "Four levels of need, from universal to "
                   "specialist", "Figure 1: the continuum of need")
        db.session.commit()
        rendered = arrangements_pdf(partnership, as_of=AS_OF, status="DRAFT")

    text = pdf_text(rendered.data)
    assert "<script>alert(1)</script>" in text  # printed as text, as typed
    assert "{{7*7}}" in text and "[bad](javascript:alert(1))" in text
    assert "![img](file:///etc/passwd)" in text
    inside = pdf_objects(rendered.data)
    assert not re.search(rb"/URI\s*\((javascript|file|data):", inside, re.IGNORECASE)
    assert b"/URI (https://example.org)" in inside  # the one safe narrative link
    assert b"/EmbeddedFile" not in inside
    assert b"/Subtype /Image" in inside
    assert "Figure 1: the continuum of need" in text
    assert b"Four levels of need" in inside  # the figure's alternative text


def test_the_cli_refuses_an_unknown_partnership(app: Flask, runner, tmp_path: Path) -> None:
    out = tmp_path / "nothing.pdf"
    result = runner.invoke(args=["arrangements", "pdf", "nowhere", "--out", str(out)])
    assert result.exit_code == 1
    assert "No partnership with the slug 'nowhere'" in result.output
    assert not out.exists()


@pytest.mark.parametrize("status", ["DRAFT", "draft"])
def test_a_draft_is_recognised_whatever_its_case(app: Flask, status: str) -> None:
    from partnership.arrangements.document import is_draft
    assert is_draft(status) and not is_draft("Published 1 April 2025")
