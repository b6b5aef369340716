"""The arrangements narrative is the partnership's own: sections added, renamed, ordered and
removed, each free or covering a statutory topic; figures uploaded into them; the draft
flags the statutory topics nothing covers; the document says nothing the data does not."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from PIL import Image

from partnership.arrangements import sections
from partnership.arrangements.document import arrange, arrangements_html
from partnership.arrangements.figures import MAX_BYTES, FigureRefused, reencode
from partnership.arrangements.models import Figure, FigureImage, NarrativeSection, Topic
from partnership.arrangements.narrative import STORE
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.exchange import export_register
from partnership.register.models import (
    Body,
    BodyKind,
    PartnerKind,
    PartnerName,
    Partnership,
    StatutoryPartner,
)
from tests.arrangements.conftest import SigningPartnership
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

BANNED = ("Not recorded", "As needed", "By consensus", "15 working days",
          "within about six months", "None named", "No members are recorded",
          "No independent scrutineer", "The safeguarding partners review these arrangements",
          "A representative of", "The law names three safeguarding partners")


def picture(fmt: str = "PNG", size: tuple[int, int] = (40, 30), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(out, fmt, **save)
    return out.getvalue()


def upload(client: BrowserLikeClient, signing: SigningPartnership, section_id: int,
           data: bytes, alt: str = "The levels of need as four steps", caption: str = "",
           name: str = "levels.png"):
    edit = signing.url(f"/sections/{section_id}")
    token = page(client.get(edit)).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(signing.url(f"/sections/{section_id}/figures"), data={
        "csrf_token": token, "alt": alt, "caption": caption,
        "image": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def section_titles(app: Flask, slug: str) -> list[str]:
    with app.app_context():
        partnership = db.session.scalars(sa.select(Partnership).where(
            Partnership.slug == slug)).one()
        return [s.title for s in sections.sections_of(partnership)]


def test_sections_are_added_renamed_ordered_and_removed(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    for title, topic in (("Foreword", ""), ("Practice model", ""),
                         ("How we learn from reviews", "reviews")):
        response = team.submit(signing.url("/sections/new"),
                               {"title": title, "topic": topic, "markdown": f"About {title}."})
        assert response.status_code == 302, title
    assert section_titles(app, signing.slug) == [
        "Foreword", "Practice model", "How we learn from reviews"]

    # The same title twice, a picture in the text, an unknown topic: refused by the field.
    for values, field, message in (
            ({"title": "foreword", "topic": ""}, "title", "There is already a section"),
            ({"title": "Data", "topic": "", "markdown": "![chart](https://x.org/c.png)"},
             "markdown", "upload the picture as a figure"),
            ({"title": "Data", "topic": "weather"}, "topic", "Not a valid choice")):
        refused = team.submit(signing.url("/sections/new"), {"markdown": "", **values})
        assert refused.status_code == 200, values
        shown = page(refused)
        assert shown.title.get_text().startswith("Error:")
        error = shown.find(id=f"{field}-error")
        assert error is not None and message in error.get_text(), (field, error)
    assert len(section_titles(app, signing.slug)) == 3

    with app.app_context():
        rows = {s.title: s.id for s in db.session.scalars(sa.select(NarrativeSection))}
    practice = rows["Practice model"]
    # Renamed and mapped to a topic, then moved up to the top.
    renamed = team.submit(signing.url(f"/sections/{practice}"),
                          {"version": "1", "title": "Our practice model", "topic": "thresholds",
                           "markdown": "Relationships first."})
    assert renamed.status_code == 302
    team.post_with_token(signing.url(f"/sections/{practice}/move"), {"direction": "up"},
                         token_from=signing.url())
    assert section_titles(app, signing.slug) == [
        "Our practice model", "Foreword", "How we learn from reviews"]
    listed = page(team.get(signing.url())).find(id=f"section-{practice}").get_text(" ")
    assert "Covers: Thresholds" in listed
    # Removed: the rest close up.
    team.submit(signing.url(f"/sections/{practice}/remove"), {})
    assert section_titles(app, signing.slug) == ["Foreword", "How we learn from reviews"]
    with app.app_context():
        assert [s.position for s in db.session.scalars(
            sa.select(NarrativeSection).order_by(NarrativeSection.position))] == [1, 2]
    assert team.get(signing.url(f"/sections/{practice}")).status_code == 404


def test_the_draft_flags_the_statutory_topics_nothing_covers(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    team.submit(signing.url("/sections/new"),
                {"title": "Funding", "topic": "funding", "markdown": "Shared equally."})
    team.submit(signing.url("/sections/new"),
                {"title": "Training", "topic": "training", "markdown": ""})  # no text yet
    with app.app_context():
        partnership = db.session.get(Partnership, signing.id)
        coverage = {c.topic: c.by for c in sections.coverage(partnership, dt.date.today())}
    assert coverage[Topic.FUNDING] == "the section “Funding”"
    assert coverage[Topic.PARTNERS] == "the safeguarding partners in the register"
    assert coverage[Topic.GEOGRAPHY] == "the partnership's area in the register"
    assert coverage[Topic.RELEVANT_AGENCIES] == "the relevant agencies in the register"
    assert coverage[Topic.TRAINING] == "" and coverage[Topic.SCRUTINY] == ""

    overview = page(team.get(signing.url())).get_text(" ", strip=True)
    assert "10 statutory topics not covered yet" in overview
    preview = page(team.get(signing.url("/preview")))
    flag = preview.find(id="not-covered").parent.get_text(" ", strip=True)
    for label in ("Multi-agency training", "Independent scrutiny", "Education and childcare",
                  "Review of the arrangements"):
        assert label in flag
    assert "Funding" not in flag and "Geographical area" not in flag
    assert "Draft: this section has no text yet." in preview.get_text()


def test_figures_are_checked_reencoded_and_served_by_the_app_only(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    team.submit(signing.url("/sections/new"),
                {"title": "Thresholds", "topic": "thresholds", "markdown": "Four levels."})
    with app.app_context():
        section_id = db.session.scalars(sa.select(NarrativeSection.id)).one()

    def refused(data: bytes, message: str, *, field: str = "image", **kwargs: str) -> None:
        response = upload(team, signing, section_id, data, **kwargs)
        assert response.status_code in (200, 413), message
        shown = page(response)
        assert shown.title.get_text().startswith("Error:")
        assert message in shown.find(id=f"{field}-error").get_text(), message
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Figure)) == 0
            assert db.session.scalar(sa.select(sa.func.count()).select_from(FigureImage)) == 0

    refused(b"%PDF-1.7 not a picture", "must be a picture saved as PNG, JPEG, GIF or WebP")
    refused(picture("BMP"), "must be a picture saved as PNG, JPEG, GIF or WebP")
    refused(picture()[:60], "could not be read")
    refused(picture(), "Enter the alternative text", field="alt", alt="  ")
    refused(picture(size=(4001, 10)), "at most 4000 by 4000 pixels")
    refused(b"\x89PNG" + b"0" * MAX_BYTES, "5 MB or smaller")

    # A JPEG with a comment and EXIF: stored as PNG without them, once by its SHA-256.
    exif = Image.Exif()
    exif[0x010E] = "Taken at 1 Secret Road"
    jpeg = picture("JPEG", exif=exif.tobytes(), comment=b"secret")
    accepted = upload(team, signing, section_id, jpeg, caption="Figure 1: levels of need")
    assert accepted.status_code == 302
    upload(team, signing, section_id, jpeg, alt="The same picture again")
    with app.app_context():
        [image] = db.session.scalars(sa.select(FigureImage)).all()
        figures = db.session.scalars(sa.select(Figure).order_by(Figure.position)).all()
        assert [f.position for f in figures] == [1, 2]
        assert {f.image_sha256 for f in figures} == {image.sha256}
        data = image.data
    assert hashlib.sha256(data).hexdigest() == image.sha256
    assert data.startswith(b"\x89PNG") and b"Secret" not in data and b"secret" not in data
    assert Image.open(io.BytesIO(data)).size == (40, 30)

    served = team.get(signing.url(f"/figures/{image.sha256}.png"))
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert team.get(signing.url(f"/figures/{'0' * 64}.png")).status_code == 404
    # The preview shows it from the app, with its alternative text and caption.
    preview = page(team.get(signing.url("/preview")))
    [first, _second] = preview.select("figure.figure")
    assert first.img["src"] == signing.url(f"/figures/{image.sha256}.png")
    assert first.img["alt"] == "The levels of need as four steps"
    assert first.figcaption.get_text() == "Figure 1: levels of need"
    # The export carries it, so the signatures bind it.
    with app.app_context():
        exported = export_register(db.session.get(Partnership, signing.id))["narrative"]
    assert [f["sha256"] for f in exported[0]["figures"]] == [image.sha256] * 2


def test_reencoding_keeps_the_pixels_of_every_accepted_type() -> None:
    for fmt in ("PNG", "JPEG", "GIF", "WEBP"):
        clean = reencode(picture(fmt))
        assert clean.png.startswith(b"\x89PNG") and (clean.width, clean.height) == (40, 30)
    with pytest.raises(FigureRefused):
        reencode(b"")


def test_a_markdown_image_prints_no_stray_exclamation_mark(app: Flask) -> None:
    from partnership.documents.markdown import render_markdown
    html = str(render_markdown("See ![the chart](https://example.org/c.png) below."))
    assert "!" not in html and "<img" not in html and "See" in html and "below." in html
    assert sections.has_image("x ![a](b.png)") and not sections.has_image("x [a](b) !")


def test_the_register_file_carries_sections_old_and_new(app: Flask) -> None:
    with app.app_context():
        old, problems = STORE.check({"foreword": "Hello.", "review": "Each spring."})
        assert problems == []
        assert [(s["title"], s["topic"]) for s in old] == [
            ("Foreword", None), ("Review of these arrangements", "review_of_arrangements")]
        png = reencode(picture()).png
        import base64
        new, problems = STORE.check([
            {"title": "Practice model", "topic": None, "markdown": "Ours.",
             "figures": [{"alt": "A diagram", "caption": "",
                          "png": base64.b64encode(png).decode()}]},
            {"title": "Bad", "topic": "weather", "markdown": "![x](y.png)",
             "figures": [{"alt": "", "png": "not base64!"}]},
        ])
        locations = {location for location, _message in problems}
        assert {"narrative[1].topic", "narrative[1].markdown", "narrative[1].figures[0].alt",
                "narrative[1].figures[0].png"} <= locations
        assert [s["title"] for s in new] == ["Practice model"]


def _bare_partnership() -> Partnership:
    """A partnership with nothing optional stated: partners without names of people, a
    body with no frequency, decision rule, chair or lines."""
    partnership = Partnership(slug="bare", name="Bare Safeguarding Children Partnership",
                              short_name="BSCP")
    for kind in PartnerKind:
        partner = StatutoryPartner(kind=kind)
        partner.names = [PartnerName(name=f"Bare {kind.value}", valid_from=dt.date(2020, 1, 1))]
        partnership.partners.append(partner)
    partnership.bodies = [Body(kind=BodyKind.SUBGROUP, name="Learning Group")]
    db.session.add(partnership)
    db.session.commit()
    return partnership


def test_nothing_is_invented_when_nothing_optional_is_stated(app: Flask) -> None:
    with app.test_request_context():
        partnership = _bare_partnership()
        html = arrangements_html(partnership, as_of=dt.date(2025, 4, 1),
                                 status="Published 1 April 2025", for_pdf=False)
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    for phrase in BANNED:
        assert phrase not in text, phrase
    assert "Learning Group" in text
    facts = BeautifulSoup(html, "html.parser").find(id="body-1").parent
    assert facts.find("dl") is None  # no chair, meeting pattern, rule or line stated


def test_register_facts_follow_the_sections_that_cover_their_topics(app: Flask) -> None:
    def row(id_: int, topic: Topic | None) -> NarrativeSection:
        return NarrativeSection(id=id_, title=str(id_), topic=topic, position=id_)

    blocks = ["partners", "area", "agencies", "structure", "bodies", "scrutiny"]
    # Foreword (free), partners' own section, thresholds: the facts come where published
    # documents put them.
    order = arrange([row(1, None), row(2, Topic.PARTNERS), row(3, Topic.THRESHOLDS)], blocks)
    assert order == [1, 2, "partners", "area", "agencies", "structure", "bodies", "scrutiny", 3]
    # A scrutiny section placed last takes the scrutiny facts with it.
    order = arrange([row(1, None), row(2, Topic.TRAINING), row(3, Topic.SCRUTINY)], blocks)
    assert order == [1, "partners", "area", "agencies", "structure", "bodies", 2, 3, "scrutiny"]
    # No sections on any topic: the facts follow the narrative.
    assert arrange([row(1, None)], ["area"]) == [1, "area"]


def test_an_export_with_sections_and_figures_imports_again(
        app: Flask, signing: SigningPartnership,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    from partnership.register.exchange import import_register
    team = signed_in(Role.TEAM)
    team.submit(signing.url("/sections/new"),
                {"title": "Practice model", "topic": "", "markdown": "Relationships first."})
    team.submit(signing.url("/sections/new"),
                {"title": "Thresholds", "topic": "thresholds", "markdown": "Four levels."})
    with app.app_context():
        section_id = db.session.scalars(sa.select(NarrativeSection.id).where(
            NarrativeSection.title == "Thresholds")).one()
    assert upload(team, signing, section_id, picture()).status_code == 302
    with app.app_context():
        data = export_register(db.session.get(Partnership, signing.id))
        data["partnership"]["slug"] = "copy"
        data["partnership"]["name"] = "Copy Safeguarding Children Partnership"
        copy = import_register(data)
        db.session.commit()
        again = export_register(copy)["narrative"]
    assert again == data["narrative"]
    assert [(s["title"], s["topic"], len(s["figures"])) for s in again] == [
        ("Practice model", None, 0), ("Thresholds", "thresholds", 1)]
