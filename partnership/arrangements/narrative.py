"""The narrative sections as the register's export and import carry them.

The arrangements build on the register, so the register does not import them: it is handed
this store when the app is created (``partnership.register.exchange.use_narrative``).

A file writes the narrative as a list of sections in the partnership's order, each
``{title, topic, markdown, figures}``; a figure is ``{alt, caption, sha256, png}`` with the
PNG in base64, so one partnership's file imports into an empty database. Files written
before sections were the partnership's own hold a mapping of the ten fixed sections to
their Markdown (``{foreword: ..., review: ...}``): they are still read, each old section
becoming the section that migration 0013 made of it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import sqlalchemy as sa

from partnership.arrangements.figures import FigureRefused, reencode, store_image
from partnership.arrangements.models import (
    ALT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Figure,
    NarrativeSection,
    Topic,
)
from partnership.arrangements.sections import IMAGE_MESSAGE, has_image
from partnership.extensions import db
from partnership.register.exchange import NarrativeStore
from partnership.register.models import Partnership

# The fixed sections of format files written before 0013: key -> (title, topic).
OLD_SECTIONS: dict[str, tuple[str, Topic | None]] = {
    "foreword": ("Foreword", None),
    "context": ("Introduction and context", None),
    "thresholds": ("Thresholds", Topic.THRESHOLDS),
    "training": ("Multi-agency training", Topic.TRAINING),
    "voice": ("Voice of children and families", Topic.VOICE),
    "data": ("Data and intelligence", Topic.DATA),
    "procedures": ("Multi-agency procedures", None),
    "escalation": ("Escalation and professional disagreement", Topic.ESCALATION),
    "funding": ("Funding", Topic.FUNDING),
    "review": ("Review of these arrangements", Topic.REVIEW_OF_ARRANGEMENTS),
}
SECTION_FIELDS = ("title", "topic", "markdown", "figures")
FIGURE_FIELDS = ("alt", "caption", "sha256", "png")


def _read(partnership: Partnership) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(NarrativeSection).where(NarrativeSection.partnership_id == partnership.id)
        .order_by(NarrativeSection.position, NarrativeSection.id))
    return [{"title": row.title, "topic": row.topic.value if row.topic else None,
             "markdown": row.markdown,
             "figures": [_figure(figure) for figure in row.figures]} for row in rows]


def _figure(figure: Figure) -> dict[str, Any]:
    return {"alt": figure.alt, "caption": figure.caption, "sha256": figure.image_sha256,
            "png": base64.b64encode(figure.image.data).decode("ascii")}


def sections_in(raw: Any) -> list[dict[str, Any]]:
    """Read a file's narrative, either format, as a list of sections (nothing checked)."""
    if isinstance(raw, dict):
        return [{"title": OLD_SECTIONS.get(str(key), (str(key), None))[0],
                 "topic": (OLD_SECTIONS.get(str(key), ("", None))[1] or None),
                 "markdown": text, "figures": []} for key, text in raw.items()]
    if isinstance(raw, list):
        return [item if isinstance(item, dict) else {} for item in raw]
    return []


def _check(raw: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        for key in raw:
            if key not in OLD_SECTIONS:
                problems.append((f"narrative.{key}", "is not a section; sections are "
                                 + ", ".join(OLD_SECTIONS)))
    elif not isinstance(raw, list):
        return [], [("narrative", "must be a list of sections, each with a title and its "
                                  "Markdown")]
    found: list[dict[str, Any]] = []
    titles: set[str] = set()
    for index, item in enumerate(sections_in(raw)):
        where = f"narrative[{index}]"
        if isinstance(raw, dict):
            where = f"narrative.{list(raw)[index]}"
        section = _check_section(item, where, problems)
        if section is None:
            continue
        if section["title"].lower() in titles:
            problems.append((f"{where}.title", f"“{section['title']}” is used twice: each "
                                               "section's title once"))
        titles.add(section["title"].lower())
        found.append(section)
    return found, problems


def _check_section(item: dict[str, Any], where: str,
                   problems: list[tuple[str, str]]) -> dict[str, Any] | None:
    before = len(problems)
    if not item:
        problems.append((where, "must be a section: {title, topic, markdown, figures}"))
        return None
    for key in item:
        if key not in SECTION_FIELDS:
            problems.append((f"{where}.{key}", "is not a field of a section; fields are "
                                               + ", ".join(SECTION_FIELDS)))
    title, markdown = item.get("title"), item.get("markdown") or ""
    if not isinstance(title, str) or not " ".join(title.split()):
        problems.append((f"{where}.title", "is required: the section's title"))
    elif len(" ".join(title.split())) > TITLE_MAX_LENGTH:
        problems.append((f"{where}.title", f"must be {TITLE_MAX_LENGTH} characters or fewer"))
    topic = item.get("topic")
    if topic is not None and topic not in {t.value for t in Topic}:
        problems.append((f"{where}.topic", "is not a statutory topic; topics are "
                                           + ", ".join(t.value for t in Topic)))
    if not isinstance(markdown, str):
        problems.append((f"{where}.markdown", "must be Markdown text"))
    elif len(markdown) > TEXT_MAX_LENGTH:
        problems.append((f"{where}.markdown", f"must be {TEXT_MAX_LENGTH:,} characters or "
                                              "fewer"))
    elif has_image(markdown):
        problems.append((f"{where}.markdown", IMAGE_MESSAGE))
    figures = item.get("figures") or []
    if not isinstance(figures, list):
        problems.append((f"{where}.figures", "must be a list of figures"))
        figures = []
    checked = [_check_figure(f, f"{where}.figures[{i}]", problems)
               for i, f in enumerate(figures)]
    if len(problems) > before:
        return None
    return {"title": " ".join(str(title).split()), "topic": topic,
            "markdown": str(markdown).replace("\r\n", "\n"),
            "figures": [f for f in checked if f is not None]}


def _check_figure(item: Any, where: str,
                  problems: list[tuple[str, str]]) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        problems.append((where, "must be a figure: {alt, caption, sha256, png}"))
        return None
    for key in item:
        if key not in FIGURE_FIELDS:
            problems.append((f"{where}.{key}", "is not a field of a figure; fields are "
                                               + ", ".join(FIGURE_FIELDS)))
    alt, caption = item.get("alt"), item.get("caption") or ""
    if not isinstance(alt, str) or not alt.strip():
        problems.append((f"{where}.alt", "is required: what the picture shows"))
    elif len(" ".join(alt.split())) > ALT_MAX_LENGTH:
        problems.append((f"{where}.alt", f"must be {ALT_MAX_LENGTH} characters or fewer"))
    if not isinstance(caption, str) or len(" ".join(caption.split())) > CAPTION_MAX_LENGTH:
        problems.append((f"{where}.caption",
                         f"must be text of {CAPTION_MAX_LENGTH} characters or fewer"))
    try:
        data = base64.b64decode(str(item.get("png") or ""), validate=True)
    except (binascii.Error, ValueError):
        problems.append((f"{where}.png", "must be the picture in base64"))
        return None
    if not data:
        problems.append((f"{where}.png", "is required: the picture in base64"))
        return None
    # The picture is checked as an upload is (type, size, decoded) without storing it.
    try:
        reencode(data)
    except FigureRefused as refusal:
        problems.append((f"{where}.png", refusal.message))
        return None
    return {"alt": " ".join(str(alt).split()), "caption": " ".join(str(caption).split()),
            "png": data}


def _add(partnership: Partnership, sections: list[dict[str, Any]]) -> None:
    for position, values in enumerate(sections, start=1):
        row = NarrativeSection(partnership=partnership, position=position,
                               title=values["title"],
                               topic=Topic(values["topic"]) if values["topic"] else None,
                               markdown=values["markdown"])
        db.session.add(row)
        for index, figure in enumerate(values["figures"], start=1):
            row.figures.append(Figure(partnership=partnership, image=store_image(figure["png"]),
                                      alt=figure["alt"], caption=figure["caption"],
                                      position=index))


def _compare(raw: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in sections_in(raw):
        title = str(item.get("title") or "")
        found[title] = {"text": item.get("markdown") or "", "topic": item.get("topic"),
                        "figures": [f"{f.get('alt')} ({str(f.get('sha256'))[:12]})"
                                    for f in item.get("figures") or [] if isinstance(f, dict)]}
    return found


STORE = NarrativeStore(read=_read, check=_check, add=_add, compare=_compare)
