"""Search across the records a reader may see: one statement per kind of record.

Each kind names the columns its words are looked for in (``ILIKE``: case-insensitive on
SQLite and PostgreSQL alike) and is narrowed by the policy's view rule in SQL
(``visible(user, Model)``), so a search lists exactly what the record's own page would show:
a case review's recommendation the reader may not see is never found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from partnership.actions.models import Action
from partnership.arrangements.models import ArrangementsVersion
from partnership.database import contains
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Decision, Meeting
from partnership.policy import can, visible
from partnership.register.models import Body, Person
from partnership.reports.models import YearlyReport
from partnership.reviews.models import Recommendation
from partnership.thresholds.models import ThresholdVersion

MAX_QUERY = 100  # characters of a query that are read
MAX_WORDS = 6
PER_KIND = 20  # results shown per kind of record (one more is read, to say "more")


@dataclass(frozen=True)
class Hit:
    """One record found: what to call it, where it is, and a line about it."""

    title: str
    endpoint: str
    values: dict[str, Any]
    note: str = ""


@dataclass
class Group:
    """The records of one kind that were found."""

    kind: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


@dataclass(frozen=True)
class Kind:
    """How one kind of record is searched and shown."""

    label: str
    model: Any
    columns: Callable[[], Sequence[Any]]
    order: Callable[[], Sequence[Any]]
    hit: Callable[[Any, Any], Hit | None]
    options: Callable[[], Sequence[Any]] = lambda: ()
    only: Callable[[], sa.ColumnElement[bool]] = sa.true  # records of the kind ever searched


def words_of(query: str) -> list[str]:
    """The words of a query, as searched: at most six, each at least two characters."""
    words = [word for word in query[:MAX_QUERY].split() if len(word) >= 2]
    return list(dict.fromkeys(words))[:MAX_WORDS]



def _matches(columns: Sequence[Any], words: Sequence[str]) -> sa.ColumnElement[bool]:
    """Every word is found in one of the columns (an SQL expression each)."""
    return sa.and_(*(
        sa.or_(*(contains(column, word) for column in columns))
        for word in words))


def _body_page(user: Any, body: Body) -> tuple[str, dict[str, Any]] | None:
    """A body's page is under a partnership: its own, or its collaboration's first the reader
    may open."""
    homes = [body.partnership] if body.partnership is not None else (
        body.collaboration.partnerships if body.collaboration is not None else [])
    for home in homes:
        if can(user, "view", home):
            return "bodies.detail", {"slug": home.slug, "body_id": body.id}
    return None


def _action(_user: Any, action: Action) -> Hit:
    return Hit(action.title, "actions.detail", {"action_id": action.id},
               f"{action.partnership.short_name or action.partnership.name}, {action.year}")


def _meeting(_user: Any, meeting: Meeting) -> Hit:
    return Hit(str(meeting), "meetings.detail", {"meeting_id": meeting.id}, meeting.location)


def _decision(_user: Any, decision: Decision) -> Hit:
    return Hit(_excerpt(decision.text), "meetings.detail",
               {"meeting_id": decision.meeting_id, "_anchor": f"decision-{decision.id}"},
               str(decision.meeting))


def _body(user: Any, body: Body) -> Hit | None:
    page = _body_page(user, body)
    if page is None:
        return None
    owner = body.partnership.name if body.partnership else body.collaboration.name
    return Hit(body.name, page[0], page[1], owner)


def _person(_user: Any, person: Person) -> Hit:
    return Hit(person.name, "people.detail", {"person_id": person.id},
               ", ".join(part for part in (person.job_title, person.organisation) if part))


def _recommendation(_user: Any, recommendation: Recommendation) -> Hit:
    review = recommendation.review
    return Hit(_excerpt(recommendation.text), "learning.detail", {"review_id": review.id},
               f"{recommendation}, {review.title}")


def _evidence(user: Any, file: EvidenceFile) -> Hit:
    return Hit(file.filename, "evidence.download", {"file_id": file.id},
               f"Evidence file added {long_date(file.uploaded_at.date())}")


def _report(_user: Any, report: YearlyReport) -> Hit:
    return Hit(report.title, "reports.read",
               {"slug": report.partnership.slug, "report_id": report.id},
               f"Yearly report, {report.partnership.name}")


def _arrangements(_user: Any, version: ArrangementsVersion) -> Hit:
    return Hit(version.title, "arrangements.version_detail",
               {"slug": version.partnership.slug, "version_id": version.id},
               f"Safeguarding arrangements, {version.partnership.name}")


def _thresholds(_user: Any, version: ThresholdVersion) -> Hit:
    return Hit(version.title, "thresholds.version_detail",
               {"slug": version.partnership.slug, "threshold_version_id": version.id},
               f"Levels of need (threshold document), {version.partnership.name}")


def _excerpt(text: str, length: int = 160) -> str:
    """The start of a long text, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


KINDS: tuple[Kind, ...] = (
    Kind("Actions", Action, lambda: (Action.title, Action.detail),
         lambda: (Action.year.desc(), Action.title, Action.id), _action,
         lambda: (selectinload(Action.partnership),)),
    Kind("Meetings", Meeting,
         lambda: (Meeting.location, Meeting.minutes,
                  sa.select(Body.name).where(Body.id == Meeting.body_id).scalar_subquery()),
         lambda: (Meeting.held_on.desc(), Meeting.id), _meeting,
         lambda: (selectinload(Meeting.body),)),
    Kind("Decisions", Decision, lambda: (Decision.text,), lambda: (Decision.id.desc(),),
         _decision, lambda: (selectinload(Decision.meeting).selectinload(Meeting.body),)),
    Kind("Bodies", Body, lambda: (Body.name, Body.short_name, Body.purpose),
         lambda: (Body.name, Body.id), _body,
         lambda: (selectinload(Body.partnership), selectinload(Body.collaboration))),
    Kind("People", Person, lambda: (Person.name, Person.job_title, Person.organisation),
         lambda: (Person.name, Person.id), _person),
    Kind("Reviews' recommendations", Recommendation,
         lambda: (Recommendation.text, Recommendation.agency_response),
         lambda: (Recommendation.review_id.desc(), Recommendation.number), _recommendation,
         lambda: (selectinload(Recommendation.review),)),
    Kind("Documents: yearly reports", YearlyReport, lambda: (YearlyReport.title,),
         lambda: (YearlyReport.id.desc(),), _report,
         lambda: (selectinload(YearlyReport.partnership),)),
    Kind("Documents: safeguarding arrangements", ArrangementsVersion,
         lambda: (ArrangementsVersion.title,), lambda: (ArrangementsVersion.id.desc(),),
         _arrangements, lambda: (selectinload(ArrangementsVersion.partnership),)),
    Kind("Documents: levels of need", ThresholdVersion, lambda: (ThresholdVersion.title,),
         lambda: (ThresholdVersion.id.desc(),), _thresholds,
         lambda: (selectinload(ThresholdVersion.partnership),)),
    Kind("Documents: evidence files", EvidenceFile, lambda: (EvidenceFile.filename,),
         lambda: (EvidenceFile.id.desc(),), _evidence,
         only=lambda: EvidenceFile.removed_at.is_(None)),
)


def search(user: Any, query: str) -> list[Group]:
    """Find the records of every kind whose words match, of those ``user`` may see."""
    words = words_of(query)
    if not words:
        return []
    groups = []
    for kind in KINDS:
        statement = (sa.select(kind.model)
                     .where(_matches(kind.columns(), words), kind.only(),
                            visible(user, kind.model))
                     .order_by(*kind.order()).limit(PER_KIND + 1).options(*kind.options()))
        records = db.session.scalars(statement).all()
        hits = [hit for record in records[:PER_KIND]
                if (hit := kind.hit(user, record)) is not None]
        if hits:
            groups.append(Group(kind.label, hits, more=len(records) > PER_KIND))
    return groups
