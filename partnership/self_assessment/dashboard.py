"""A round's completion dashboard and chase list, at the scale of hundreds of organisations.

Everything is counted in SQL (GROUP BY), and the chase list is read a page at a time with
the people to contact for that page in one query: the page costs the same number of
statements for 10 organisations as for 1,000.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from partnership.clock import today
from partnership.documents.charts import Chart
from partnership.extensions import db
from partnership.register.models import Agency, Establishment, Person, Sector
from partnership.self_assessment.models import (
    AssessmentAnswer,
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
)
from partnership.self_assessment.services import OPEN_STATUSES, people_to_contact

RETURNED = (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED)


@dataclass(frozen=True)
class StatusCount:
    """How many returns stand at a status, and what share of the round that is."""

    status: AssessmentStatus
    count: int
    percent: int


@dataclass(frozen=True)
class GroupCompletion:
    """Completion in one sector (agencies) or phase (schools and settings)."""

    group: str
    asked: int
    returned: int

    @property
    def percent(self) -> int:
        """The share returned, rounded."""
        return round(100 * self.returned / self.asked) if self.asked else 0


@dataclass(frozen=True)
class StandardGrades:
    """How organisations graded one standard (the agreed grade where moderation agreed one)."""

    number: str
    title: str
    counts: list[int]  # per grade of the scale, best first
    ungraded: int


@dataclass(frozen=True)
class ChaseRow:
    """A return not yet submitted, and who to contact about it."""

    assessment_return: AssessmentReturn
    people: list[Person]


@dataclass
class Dashboard:
    """Everything the round's dashboard shows."""

    total: int
    statuses: list[StatusCount]
    returned: int
    overdue: int
    groups: list[GroupCompletion]
    grade_labels: list[str]
    standards: list[StandardGrades]
    chart: Chart | None
    chase: Any  # a flask_sqlalchemy Pagination of returns
    chase_rows: list[ChaseRow]

    @property
    def returned_percent(self) -> int:
        """The share of the round returned, rounded."""
        return round(100 * self.returned / self.total) if self.total else 0


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def status_counts(assessment_round: AssessmentRound) -> Counter[AssessmentStatus]:
    """Returns per status (one query)."""
    return Counter({AssessmentStatus(status): count for status, count in db.session.execute(
        sa.select(AssessmentReturn.status, sa.func.count()).where(
            AssessmentReturn.round_id == assessment_round.id)
        .group_by(AssessmentReturn.status))})


def group_completion(assessment_round: AssessmentRound) -> list[GroupCompletion]:
    """Completion by agency sector and by school phase (one query)."""
    group = sa.case(
        (AssessmentReturn.agency_id.is_not(None),
         sa.func.coalesce(sa.cast(Agency.sector, sa.String(40)), "")),
        else_=sa.func.coalesce(Establishment.phase, ""))
    kind = sa.case((AssessmentReturn.agency_id.is_not(None), "agency"), else_="school")
    rows = db.session.execute(
        sa.select(kind.label("kind"), group.label("grp"), AssessmentReturn.status,
                  sa.func.count().label("n"))
        .outerjoin(Agency, AssessmentReturn.agency_id == Agency.id)
        .outerjoin(Establishment, AssessmentReturn.establishment_id == Establishment.id)
        .where(AssessmentReturn.round_id == assessment_round.id)
        .group_by(kind, group, AssessmentReturn.status)).all()
    asked: Counter[tuple[str, str]] = Counter()
    returned: Counter[tuple[str, str]] = Counter()
    for row in rows:
        key = (row.kind, row.grp or "")
        asked[key] += row.n
        if AssessmentStatus(row.status) in RETURNED:
            returned[key] += row.n
    found = []
    for (what, name), n in sorted(asked.items()):
        if what == "agency":
            label = _sector_label(name)
        else:
            label = f"Schools and settings: {name or 'phase not stated'}"
        found.append(GroupCompletion(label, n, returned[(what, name)]))
    return found


def _sector_label(value: str) -> str:
    try:
        return f"Agencies: {Sector(value).label.lower()}"
    except ValueError:
        return "Agencies: sector not stated"


def grade_distribution(assessment_round: AssessmentRound) -> tuple[list[str],
                                                                    list[StandardGrades]]:
    """Per standard, how many returned organisations gave (or were agreed) each grade
    (one query, plus the set's standards and grades)."""
    standard_set = assessment_round.standard_set
    grades = list(standard_set.scale.grades)
    counted = sa.func.coalesce(AssessmentAnswer.agreed_grade_id, AssessmentAnswer.grade_id)
    per: dict[int, Counter[int | None]] = defaultdict(Counter)
    for standard_id, grade_id, n in db.session.execute(
            sa.select(AssessmentAnswer.standard_id, counted, sa.func.count())
            .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
            .where(AssessmentReturn.round_id == assessment_round.id,
                   AssessmentReturn.status.in_(RETURNED))
            .group_by(AssessmentAnswer.standard_id, counted)):
        per[standard_id][grade_id] = n
    standards = [StandardGrades(s.number, s.title, [per[s.id][g.id] for g in grades],
                                per[s.id][None])
                 for s in standard_set.standards]
    return [g.label for g in grades], standards


def grade_chart(assessment_round: AssessmentRound, labels: list[str],
                standards: list[StandardGrades]) -> Chart | None:
    """A stacked bar per standard of the grades returned (None before any return)."""
    if not standards or not any(sum(s.counts) for s in standards):
        return None
    return Chart(
        key=f"round-{assessment_round.id}-grades", title="Grades by standard",
        summary=("How the organisations that have returned graded themselves against each "
                 "standard; where moderation agreed a grade, the agreed grade is counted."),
        kind="stacked_bar", categories=[f"{s.number}. {s.title}" for s in standards],
        series=labels, values=[[s.counts[i] for s in standards] for i in range(len(labels))],
        unit="", graded=True)


def chase_page(assessment_round: AssessmentRound, page: int, per_page: int) -> Any:
    """A page of the returns not yet submitted, least chased first (two queries)."""
    query = (sa.select(AssessmentReturn)
             .where(AssessmentReturn.round_id == assessment_round.id,
                    AssessmentReturn.status.in_(OPEN_STATUSES))
             .outerjoin(Agency, AssessmentReturn.agency_id == Agency.id)
             .outerjoin(Establishment, AssessmentReturn.establishment_id == Establishment.id)
             .options(joinedload(AssessmentReturn.agency),
                      joinedload(AssessmentReturn.establishment))
             .order_by(AssessmentReturn.last_chased_on.asc().nulls_first(),
                       sa.func.coalesce(Agency.name, Establishment.name), AssessmentReturn.id))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def dashboard(assessment_round: AssessmentRound, page: int = 1, per_page: int = 50,
              on: dt.date | None = None) -> Dashboard:
    """The round's completion, grades and chase list (a fixed number of statements)."""
    counts = status_counts(assessment_round)
    total = sum(counts.values())
    returned = sum(counts[s] for s in RETURNED)
    outstanding = sum(counts[s] for s in OPEN_STATUSES)
    day = on or today()
    overdue = outstanding if assessment_round.due_on and assessment_round.due_on < day else 0
    labels, standards = grade_distribution(assessment_round)
    chase = chase_page(assessment_round, page, per_page)
    returns = list(chase.items)
    by_agency, by_school = people_to_contact(
        [r.agency_id for r in returns if r.agency_id is not None],
        [r.establishment_id for r in returns if r.establishment_id is not None])
    rows = [ChaseRow(r, by_agency.get(r.agency_id, []) if r.agency_id is not None
                     else by_school.get(r.establishment_id or 0, [])) for r in returns]
    return Dashboard(
        total=total,
        statuses=[StatusCount(s, counts[s], _percent(counts[s], total)) for s in AssessmentStatus],
        returned=returned, overdue=overdue, groups=group_completion(assessment_round),
        grade_labels=labels, standards=standards,
        chart=grade_chart(assessment_round, labels, standards), chase=chase, chase_rows=rows)


def chase_emails(assessment_round: AssessmentRound) -> list[tuple[str, str, str]]:
    """Every (organisation, person, email) to chase in the round (two queries)."""
    returns = db.session.execute(
        sa.select(AssessmentReturn.agency_id, AssessmentReturn.establishment_id,
                  sa.func.coalesce(Agency.name, Establishment.name).label("name"))
        .outerjoin(Agency, AssessmentReturn.agency_id == Agency.id)
        .outerjoin(Establishment, AssessmentReturn.establishment_id == Establishment.id)
        .where(AssessmentReturn.round_id == assessment_round.id,
               AssessmentReturn.status.in_(OPEN_STATUSES))
        .order_by("name")).all()
    by_agency, by_school = people_to_contact(
        [r.agency_id for r in returns if r.agency_id is not None],
        [r.establishment_id for r in returns if r.establishment_id is not None])
    found = []
    for row in returns:
        people = (by_agency.get(row.agency_id, []) if row.agency_id is not None
                  else by_school.get(row.establishment_id, []))
        found.extend((row.name, person.name, person.email) for person in people)
    return found
