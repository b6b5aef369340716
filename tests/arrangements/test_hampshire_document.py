"""Hampshire's published arrangements (2022), entered as a register file and regenerated: the
document keeps the source's sections in its order, loses none of its text, and says nothing
the source does not say beyond the labels of its own tables.

The source is the partnership's published document as text
(tests/register/fixtures/hampshire-arrangements-2022.txt); the register file beside it
(hampshire-2022.yaml) holds its facts and its narrative in its own words.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from partnership.arrangements.document import arrangements_html
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.exchange import read_register, read_register_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "register" / "fixtures" / "hampshire-2022.yaml"
SOURCE = ROOT / "tests" / "register" / "fixtures" / "hampshire-arrangements-2022.txt"

# What the source says in running text that the document says as the register's structured
# facts (a table, a list, a labelled field): checked fact by fact in the test below.
RESTRUCTURED = (
    "Director of Children's", "Associate Director for", "Chief Superintendent",
    "For Hampshire, the lead representatives are:", "For Hampshire, the agency representatives",
    "Carolyn Williamson, Chief Executive", "Maggie MacIsaac, Accountable Officer",
    "Raj Kohli, Chief Superintendent", "Steve Crocker, Director of Children's Services",
    "Katherine Elsmore, Associate Director",
    "The relevant agencies, as named by the safeguarding partners, are:",
    "Child and Family Court Advisory Service (CAFCASS)", "Education establishments (primary",
    "Health providers:",
    "All relevant agencies and safeguarding partners are members of the HSCP Main Board",
    "The objectives of the Main Board are to:", "The objectives of the group are to:",
    "Wherever possible, decisions will be made by consensus",
    "This group is chaired by a member of the partnership nominated by the Executive Group",
    "Learning arising from local reviews will be shared with the HIPS Executive Group.",
    "The role of the HIPS Executive Group", "Membership includes:",
    "Directors of children\u2019s services from each", "Hampshire Constabulary represented through",
    "Health, represented by the NHS Integrated Care Board", "Current Subgroups include:",
    "**Health Subgroup**", "**Strategic Child Exploitation Subgroup**", "**Procedures Subgroup**",
)

# Lines of the document that are not the source's words: the labels of its own tables and
# headings, and sentences each stating a fact the file holds. A new line here must be one
# the data supports, never a default.
LABELS = {
    "Contents", "Boards and groups", "Working with neighbouring partnerships",
    "The structure as a list", "Agreement by the safeguarding partners",
    "Sign-off by the safeguarding partners", "Signed off by", "Awaiting sign-off",
    "Appendix: membership of the boards and groups", "Membership: see the appendix",
    "Delegated representative", "Held by", "Partnership chair", "Scrutiny by",
    "What is scrutinised", "How it decides", "How the chair is appointed", "Reports to",
    "Shares its work with", "Its bodies:", "Set out under Working Together 2018",
    "(board)", "(executive group)", "(subgroup)", "(executive group, shared across HIPS)",
    "(subgroup, shared across HIPS)", "Executive group · Shared across HIPS",
    "Subgroup · Shared across HIPS", "Also listed on its own among the relevant agencies",
    "Each agency listed here is a named relevant agency.",
    "Partnerships taking part: Hampshire Safeguarding Children Partnership, Isle of Wight, "
    "Portsmouth, Southampton.",
    "By consensus; failing that, by majority vote of the three safeguarding partners",
    "Core members: HIPS Executive Group",
    "Lead Member for Children, Hampshire County Council",
    "The boards and groups of Hampshire Safeguarding Children Partnership",
    "The arrangements as they stand on 1 September 2022",
    "The safeguarding partners and who acts for them on 1 September 2022",
    "Other roles in the partnership on 1 September 2022",
    "Independent scrutiny on 1 September 2022",
    "Hampshire Safeguarding Children Partnership: local safeguarding arrangements 2022",
}
BANNED = ("Not recorded", "As needed", "None named", "15 working days", "six months",
          "Working Together 2023", "A named person")


def _norm(text: str) -> str:
    return re.sub("[\\s*'\u2018\u2019]+", " ", text).strip().lower()


def _source_units() -> list[str]:
    """The source's running text after its contents list, as paragraphs and list items."""
    body = SOURCE.read_text().split("HIPS Arrangements.....\t20", 1)[1]
    units = []
    for paragraph in re.split(r"\n\s*\n", body):
        units += [u.strip() for u in re.split(r"\n\s*- |^\s*- ", paragraph.strip()) if u.strip()]
    return units


@pytest.fixture
def hampshire(app: Flask) -> tuple[list[str], list[str]]:
    """The document's lines and its headings, as the team's preview shows a version of 2022."""
    data = read_register_file(FIXTURE.read_bytes())
    with app.app_context(), acting_as("tests"):
        imported = read_register(copy.deepcopy(data))
        db.session.commit()
        assert imported.left_out == []
        with app.test_request_context():
            html = arrangements_html(imported.partnership, as_of=dt.date(2022, 9, 1),
                                     status="published", for_pdf=False)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "title"]):
        tag.decompose()
    lines = [line.strip() for line in soup.get_text("\n").split("\n") if line.strip()]
    return lines, [h.get_text(" ", strip=True) for h in soup.find_all("h2")]


def test_the_document_keeps_the_source_s_sections_in_order(
        hampshire: tuple[list[str], list[str]]) -> None:
    _lines, headings = hampshire
    titles = [title for title in re.findall(r"^(.+?)(?:\.{5})?\t\d+$", SOURCE.read_text(),
                                            re.MULTILINE)]
    assert len(titles) == 30
    bodies = {"Hampshire Safeguarding Children Partnership", "Main Board", "Executive Group",
              "Education Group", "Scrutiny Group", "Learning and Inquiry Group",
              "Workforce Development Group", "Child Exploitation Group"}
    # The bodies are the register's: under its own heading, each named in the structure.
    assert [title.strip() for title in titles if title.strip() not in headings] == sorted(
        bodies, key=[title.strip() for title in titles].index)
    in_document = [title.strip() for title in titles if title.strip() in headings]
    assert [headings.index(title) for title in in_document] == sorted(
        headings.index(title) for title in in_document)


def test_nothing_in_the_source_is_lost(hampshire: tuple[list[str], list[str]]) -> None:
    lines, _headings = hampshire
    text = _norm(" ".join(lines))
    lost = [unit for unit in _source_units() if _norm(unit) not in text
            and not unit.startswith(RESTRUCTURED)]
    assert lost == []
    # What the source says in running text is there as structured facts.
    for fact in ("Carolyn Williamson", "Maggie MacIsaac", "Steve Crocker", "Katherine Elsmore",
                 "Raj Kohli", "Accountable Officer", "Associate Director for Safeguarding and "
                 "Looked After Children", "acting on behalf of NHS Frimley ICB",
                 "Winchester Diocese", "Sussex Partnership NHS Foundation Trust",
                 "adopted a national position of not attending", "Quarterly",
                 "a member of the partnership nominated by the Executive Group",
                 "An independent chair recruited by the safeguarding partners",
                 "Chief superintendent with lead safeguarding responsibility",
                 "Strategic Child Exploitation Subgroup", "Procedures Subgroup"):
        assert _norm(fact) in text, fact


def test_nothing_is_invented(hampshire: tuple[list[str], list[str]]) -> None:
    lines, _headings = hampshire
    source = _norm(SOURCE.read_text())
    fixture = _norm(FIXTURE.read_text())
    own_words = sorted({line for line in lines
                        if _norm(line) not in source and line not in LABELS
                        # the file's words for a fact the source gives in a sentence
                        and _norm(line) not in fixture})
    assert own_words == []
    assert not [line for line in lines if any(banned in line for banned in BANNED)]
