"""The indicator library and what is seen of it: the rules of an indicator, the library
grouped by plan priority, the dashboards (exceptions first), the indicator page's periods and
breakdowns, the settings, and an exception turned into an action.

Every figure comes from :func:`partnership.dataset.series.load_series` (and so from
``dataset/figures.py``); the library and dashboards read a fixed number of statements
whatever the number of indicators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from partnership.actions.models import Action, Status
from partnership.actions.queries import ActionFilter, TrackedAction, tracked
from partnership.clock import today
from partnership.dataset import figures
from partnership.dataset.categories import categories, category_label
from partnership.dataset.models import (
    Breakdown,
    Comparator,
    DatasetSettings,
    Dimension,
    Indicator,
    IndicatorValue,
    Subject,
    Unit,
    breakdown_label,
)
from partnership.dataset.periods import Period
from partnership.dataset.series import BenchmarkPoint, Flag, Point, Series, load_series
from partnership.editing import EditConflict, apply_edit
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.plans.models import Objective, Plan
from partnership.policy import can
from partnership.register.models import Agency, Body, Partnership, Person
from partnership.register.services.bodies import bodies_of, takes_part_in

SPLITS = (Dimension.SEX, Dimension.AGE_BAND, Dimension.ETHNICITY, Dimension.DISABILITY)
MAX_NEIGHBOURS = 20
LARGEST_THRESHOLD = 100


class IndicatorError(DomainError):
    """An indicator, or the dataset's settings, breaking one of the library's rules."""


# --- breakdowns --------------------------------------------------------------------------------


def breakdown_key(dimension: Dimension, subject: Subject) -> str:
    """The checkbox value of a disaggregation."""
    return f"{subject.value}.{dimension.value}"


BREAKDOWN_OPTIONS: list[tuple[str, Dimension, Subject]] = [
    (breakdown_key(dimension, subject), dimension, subject)
    for subject in Subject for dimension in SPLITS]


def breakdown_choices() -> list[tuple[str, str]]:
    """The disaggregations an indicator may be reported by, as checkboxes offer them."""
    return [(key, breakdown_label(dimension, subject))
            for key, dimension, subject in BREAKDOWN_OPTIONS]


def breakdowns_from(keys: Iterable[str]) -> list[tuple[Dimension, Subject]]:
    """Read ticked checkboxes as (dimension, subject) pairs, in the order offered."""
    wanted = set(keys)
    return [(dimension, subject) for key, dimension, subject in BREAKDOWN_OPTIONS
            if key in wanted]


# --- choices -------------------------------------------------------------------------------------


def objective_options(partnership: Partnership) -> list[Objective]:
    """The partnership's plan priorities an indicator may show progress on (one query)."""
    return list(db.session.scalars(
        sa.select(Objective).join(Plan).where(Plan.partnership_id == partnership.id)
        .options(joinedload(Objective.plan))
        .order_by(Plan.first_year.desc(), Plan.title, Objective.part, Objective.position)))


def objective_label(objective: Objective) -> str:
    """Name a priority in a list of choices: 'A1 Keep children safe online (Plan 2025-27)'."""
    return f"{objective.reference} {objective.title} ({objective.plan.title})"


def owner_options(partnership: Partnership, current: Person | None = None) -> list[Person]:
    """The people who may own an indicator: the staff of the partnership's agencies."""
    people = list(db.session.scalars(
        sa.select(Person).join(Agency, Agency.id == Person.agency_id)
        .where(Agency.partnership_id == partnership.id)
        .options(joinedload(Person.agency)).order_by(Person.name, Person.id)))
    return [*people, current] if current is not None and current not in people else people


def agency_options(partnership: Partnership) -> list[Agency]:
    """The agencies an indicator's figures may come from."""
    return sorted(partnership.agencies, key=lambda agency: (agency.name, agency.id))


def body_options(partnership: Partnership) -> list[Body]:
    """The groups that may watch an indicator."""
    return bodies_of(partnership)


# --- the rules of an indicator -----------------------------------------------------------------


def indicator_problems(partnership: Partnership, values: Mapping[str, Any],
                       indicator: Indicator | None = None) -> list[IndicatorError]:
    """Every rule the indicator's values break, each naming its field."""
    problems: list[IndicatorError] = []
    reference = values.get("reference") or ""
    taken = db.session.scalar(sa.select(Indicator.id).where(
        Indicator.partnership_id == partnership.id,
        sa.func.lower(Indicator.reference) == reference.lower(),
        *([Indicator.id != indicator.id] if indicator is not None else [])))
    if taken is not None:
        problems.append(IndicatorError(
            f"Another indicator is numbered {reference}: choose a different reference",
            "reference"))
    low, high = values.get("lower_tolerance"), values.get("upper_tolerance")
    if low is not None and high is not None and low > high:
        problems.append(IndicatorError(
            "The upper limit of the tolerance band must be the same as or more than the "
            "lower limit", "upper_tolerance"))
    if values.get("unit") is Unit.PERCENTAGE:
        for name, words in (("lower_tolerance", "lower limit"),
                            ("upper_tolerance", "upper limit"), ("target", "target")):
            value = values.get(name)
            if value is not None and value > 100:
                problems.append(IndicatorError(
                    f"A percentage's {words} must be 100 or less", name))
    agency: Agency | None = values.get("source_agency")
    if agency is not None and agency.partnership_id != partnership.id:
        problems.append(IndicatorError(f"Select one of {partnership.name}'s agencies",
                                       "source_agency"))
    body: Body | None = values.get("body")
    if body is not None and not takes_part_in(partnership, body):
        problems.append(IndicatorError(f"Select one of {partnership.name}'s groups", "body"))
    objective: Objective | None = values.get("objective")
    if objective is not None and objective.plan.partnership_id != partnership.id:
        problems.append(IndicatorError(f"Select one of {partnership.name}'s plan priorities",
                                       "objective"))
    return problems


def _check(problems: Sequence[IndicatorError]) -> None:
    if problems:
        error = problems[0]
        error.problems = list(problems)  # type: ignore[attr-defined]  # shown field by field
        raise error


def create_indicator(partnership: Partnership, values: Mapping[str, Any]) -> Indicator:
    """Add an indicator to the library (at its end), or raise an IndicatorError."""
    _check(indicator_problems(partnership, values))
    fields = dict(values)
    wanted = fields.pop("breakdowns", [])
    last = db.session.scalar(sa.select(sa.func.max(Indicator.position))
                             .where(Indicator.partnership_id == partnership.id))
    indicator = Indicator(partnership=partnership, position=(last or 0) + 1, **fields)
    indicator.breakdowns = [Breakdown(dimension=dimension, subject=subject)
                            for dimension, subject in wanted]
    db.session.add(indicator)
    db.session.flush()
    return indicator


def update_indicator(indicator: Indicator, started_from: object,
                     values: Mapping[str, Any]) -> bool:
    """Change an indicator if the editor saw its current version; return whether it changed.

    A disaggregation no longer ticked is no longer asked for or shown; figures already
    entered by it are kept, and come back if it is ticked again.
    """
    _check(indicator_problems(indicator.partnership, values, indicator))
    fields = dict(values)
    wanted = fields.pop("breakdowns", [])
    changed = apply_edit(indicator, started_from, fields)
    current = {(b.dimension, b.subject): b for b in indicator.breakdowns}
    if set(current) != set(wanted):
        indicator.breakdowns = [current.get((dimension, subject))
                                or Breakdown(dimension=dimension, subject=subject)
                                for dimension, subject in wanted]
        changed = True
    return changed


def band_words(indicator: Indicator) -> str:
    """Say the tolerance band: '30.0 to 50.0 per 10,000', 'at least 80.0%', '' without one."""
    low, high = indicator.lower_tolerance, indicator.upper_tolerance

    def said(value: Decimal) -> str:
        return figures.words(indicator.unit, value)

    if low is not None and high is not None:
        return f"{said(low).split(' ')[0].rstrip('%')} to {said(high)}"
    if low is not None:
        return f"at least {said(low)}"
    if high is not None:
        return f"at most {said(high)}"
    return ""


# --- lines of the library and the dashboards -----------------------------------------------------


def indicators_of(partnership: Partnership, *, objective_id: int | None = None,
                  body_id: int | None = None, agency_id: int | None = None,
                  include_retired: bool = False) -> list[Indicator]:
    """The partnership's indicators in the library's order, with what their lines name
    loaded (two queries)."""
    conditions = [Indicator.partnership_id == partnership.id]
    if not include_retired:
        conditions.append(Indicator.retired.is_(False))
    for column, value in ((Indicator.objective_id, objective_id),
                          (Indicator.body_id, body_id), (Indicator.source_agency_id, agency_id)):
        if value is not None:
            conditions.append(column == value)
    return list(db.session.scalars(
        sa.select(Indicator).where(*conditions)
        .options(joinedload(Indicator.source_agency), joinedload(Indicator.owner),
                 joinedload(Indicator.objective).joinedload(Objective.plan),
                 joinedload(Indicator.body), selectinload(Indicator.breakdowns))
        .order_by(Indicator.position, Indicator.reference, Indicator.id)))


def retired_of(partnership: Partnership) -> list[Indicator]:
    """The indicators no longer collected (their figures are kept), in the library's order."""
    return list(db.session.scalars(
        sa.select(Indicator).where(Indicator.partnership_id == partnership.id,
                                   Indicator.retired.is_(True))
        .order_by(Indicator.position, Indicator.reference, Indicator.id)))


@dataclass(frozen=True)
class Comparison:
    """A comparator's latest figure up to the indicator's latest period."""

    comparator: Comparator
    period: Period
    point: BenchmarkPoint
    words: str  # the figure as a report prints it


@dataclass
class IndicatorLine:
    """One indicator as the library and the dashboards show it."""

    indicator: Indicator
    series: Series
    actions: list[tuple[int, str]] = field(default_factory=list)  # raised from it: id, title

    @property
    def latest(self) -> Point | None:
        """The most recent period with a figure."""
        return self.series.latest

    @property
    def previous(self) -> Point | None:
        """The figure for the period before the latest, if there is one."""
        latest = self.latest
        if latest is None:
            return None
        before = latest.period.shifted(-1).start
        return next((p for p in self.series.points if p.period.start == before), None)

    @property
    def change(self) -> str:
        """How the latest figure moved from the period before."""
        latest, previous = self.latest, self.previous
        if latest is None or previous is None:
            return ""
        return figures.change_words(previous.value, latest.value, self.indicator.polarity)

    @property
    def standing(self) -> figures.Standing:
        """Where the latest figure stands against the tolerance band."""
        return self.series.standing

    @property
    def exceptions(self) -> list[Flag]:
        """What the executive should look at."""
        return self.series.exceptions

    def comparisons(self) -> list[Comparison]:
        """Each comparator's latest figure up to the indicator's latest period."""
        latest = self.latest
        found = []
        for comparator in Comparator:
            known = sorted((start, point)
                           for start, point in self.series.benchmarks.get(comparator, {}).items()
                           if point.value is not None
                           and (latest is None or start <= latest.period.end))
            if known:
                start, point = known[-1]
                period = Period(start, self.indicator.frequency,
                                latest.period.year_start_month if latest else
                                self.indicator.partnership.year_start_month)
                found.append(Comparison(comparator, period, point,
                                        figures.words(self.indicator.unit, point.value)))
        return found

    def comparison(self, comparator: Comparator) -> Comparison | None:
        """One comparator's latest figure, if any."""
        return next((c for c in self.comparisons() if c.comparator is comparator), None)

    def words_of(self, value: Decimal | None) -> str:
        """Say a figure in the indicator's unit (a target, a benchmark)."""
        return figures.words(self.indicator.unit, value)

    def words(self, point: Point | None) -> str:
        """Say a figure of this indicator (small numbers are marked, not hidden, here)."""
        if point is None:
            return "No figure"
        return point.words(self.indicator.unit, self.series.threshold)


def lines_of(indicators: Sequence[Indicator]) -> list[IndicatorLine]:
    """Each indicator with its figures and the actions raised from it (six queries)."""
    series = load_series(indicators)
    raised: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if indicators:
        for action_id, indicator_id, title in db.session.execute(
                sa.select(Action.id, Action.indicator_id, Action.title)
                .where(Action.indicator_id.in_([i.id for i in indicators]))
                .order_by(Action.created_at, Action.id)):
            raised[indicator_id].append((action_id, title))
    return [IndicatorLine(indicator, series[indicator.id], raised.get(indicator.id, []))
            for indicator in indicators]


@dataclass
class Group:
    """The library's indicators for one plan priority (or none)."""

    title: str
    objective: Objective | None
    lines: list[IndicatorLine]


def grouped(lines: Sequence[IndicatorLine]) -> list[Group]:
    """The lines grouped by plan priority in the plans' order; those with none last."""
    groups: dict[int | None, Group] = {}
    for line in lines:
        objective = line.indicator.objective
        key = objective.id if objective is not None else None
        if key not in groups:
            title = (f"{objective.reference} {objective.title}" if objective is not None
                     else "Not linked to a plan priority")
            groups[key] = Group(title, objective, [])
        groups[key].lines.append(line)

    def order(group: Group) -> tuple[Any, ...]:
        objective = group.objective
        if objective is None:
            return (1, 0, "", "", 0)
        return (0, -objective.plan.first_year, objective.plan.title, objective.part.value,
                objective.position)

    return sorted(groups.values(), key=order)


@dataclass
class Dashboard:
    """The executive's dashboard, or one priority's."""

    objective: Objective | None
    lines: list[IndicatorLine]  # exceptions first, then the library's order

    @property
    def with_exceptions(self) -> list[IndicatorLine]:
        """The indicators with an exception."""
        return [line for line in self.lines if line.exceptions]

    @property
    def without_figures(self) -> int:
        """How many indicators have no figure yet."""
        return sum(1 for line in self.lines if line.latest is None)


def dashboard(partnership: Partnership, objective: Objective | None = None) -> Dashboard:
    """Every current indicator (or one priority's), those with exceptions first."""
    indicators = indicators_of(partnership,
                               objective_id=objective.id if objective is not None else None)
    lines = lines_of(indicators)
    lines.sort(key=lambda line: (not line.exceptions, line.standing.rag != "red"))
    return Dashboard(objective, lines)


def objective_or_404(partnership: Partnership, objective_id: int) -> Objective:
    """One of the partnership's plan priorities, or answer 404."""
    objective = db.session.scalar(
        sa.select(Objective).join(Plan).where(Objective.id == objective_id,
                                              Plan.partnership_id == partnership.id)
        .options(joinedload(Objective.plan)))
    if objective is None:
        abort(404)
    return objective


# --- across partnerships ---------------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipDataset:
    """A partnership's dataset at a glance."""

    partnership: Partnership
    indicators: int
    exceptions: int
    awaiting_approval: int  # periods with a figure not yet approved


def overview(partnerships: Sequence[Partnership]) -> list[PartnershipDataset]:
    """Each partnership's indicators, exceptions and figures waiting for approval (a fixed
    number of queries whatever the number of partnerships and indicators)."""
    ids = [partnership.id for partnership in partnerships]
    if not ids:
        return []
    indicators = list(db.session.scalars(
        sa.select(Indicator).where(Indicator.partnership_id.in_(ids),
                                   Indicator.retired.is_(False))))
    series = load_series(indicators)
    counted: dict[int, int] = defaultdict(int)
    flagged: dict[int, int] = defaultdict(int)
    for indicator in indicators:
        counted[indicator.partnership_id] += 1
        if series[indicator.id].exceptions:
            flagged[indicator.partnership_id] += 1
    waiting = (sa.select(Indicator.partnership_id, IndicatorValue.indicator_id,
                         IndicatorValue.period_start)
               .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
               .where(Indicator.partnership_id.in_(ids), IndicatorValue.approved_on.is_(None))
               .distinct().subquery())
    awaiting = {partnership_id: count for partnership_id, count in db.session.execute(
        sa.select(waiting.c.partnership_id, sa.func.count())
        .group_by(waiting.c.partnership_id))}
    return [PartnershipDataset(p, counted[p.id], flagged[p.id], awaiting.get(p.id, 0))
            for p in partnerships]


# --- the indicator page ---------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodLine:
    """One period on the indicator page: its figure (if any), benchmarks and commentary."""

    period: Period
    point: Point | None
    commentary: str
    benchmarks: list[tuple[Comparator, BenchmarkPoint]]


def period_lines(series: Series, periods: Sequence[Period]) -> list[PeriodLine]:
    """The periods, latest first, each with its figure, benchmarks and commentary."""
    by_start = {point.period.start: point for point in series.points}
    lines = []
    for period in reversed(periods):
        point = by_start.get(period.start)
        text = series.commentary.get(period.start, "")
        benchmarks = [(comparator, found) for comparator in Comparator
                      if (found := series.benchmark(comparator, period)) is not None]
        if point is None and not text and not benchmarks:
            continue
        lines.append(PeriodLine(period, point, text, benchmarks))
    return lines


@dataclass(frozen=True)
class CategoryFigure:
    """One category of a disaggregation in one period."""

    label: str
    number: Decimal | None
    words: str  # the count (or the category's own percentage)
    share: str  # of the total, '' where a share means nothing
    small: bool  # a small number, hidden in anything published


@dataclass(frozen=True)
class BreakdownFigures:
    """A disaggregation's figures for one period."""

    label: str
    categories: list[CategoryFigure]
    entered: bool


def breakdown_figures(series: Series, period: Period) -> list[BreakdownFigures]:
    """The period's figures by each disaggregation the indicator is reported by (one query):
    counts and their share of the total; a percentage's own figure per category."""
    indicator = series.indicator
    total = next((p for p in series.points if p.period.start == period.start), None)
    found: dict[tuple[Dimension, Subject], dict[str, IndicatorValue]] = defaultdict(dict)
    for value in db.session.scalars(
            sa.select(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                            IndicatorValue.period_start == period.start,
                                            IndicatorValue.dimension != Dimension.TOTAL)):
        found[(value.dimension, value.subject)][value.category] = value
    tables = []
    for breakdown in indicator.breakdowns:
        entered = found.get((breakdown.dimension, breakdown.subject), {})
        rows = []
        for code, label in categories(breakdown.dimension).items():
            value = entered.get(code)
            rows.append(_category(indicator, series.threshold, label, value, total))
        for code, value in entered.items():  # a category no longer in the national list
            if code not in categories(breakdown.dimension):
                rows.append(_category(indicator, series.threshold,
                                      category_label(breakdown.dimension, code), value, total))
        tables.append(BreakdownFigures(breakdown.label, rows, bool(entered)))
    return tables


def _category(indicator: Indicator, threshold: int, label: str, value: IndicatorValue | None,
              total: Point | None) -> CategoryFigure:
    if value is None:
        return CategoryFigure(label, None, "Not entered", "", False)
    small = figures.suppressed(indicator.unit, value.number, threshold)
    if indicator.unit is Unit.PERCENTAGE:
        own = figures.figure(Unit.PERCENTAGE, value.number, value.denominator)
        return CategoryFigure(label, value.number,
                              figures.words(Unit.PERCENTAGE, own, number=value.number), "",
                              small)
    if indicator.unit is Unit.DAYS:
        return CategoryFigure(label, value.number, figures.words(Unit.DAYS, value.number), "",
                              False)
    share = ""
    if total is not None and total.number:
        share = f"{(value.number * 100 / total.number):.1f}%"
    return CategoryFigure(label, value.number, figures.words(Unit.COUNT, value.number), share,
                          small)


def actions_raised(indicator: Indicator) -> list[TrackedAction]:
    """The actions raised from the indicator, with their ratings, as the tracker lists them."""
    return tracked(ActionFilter(indicator_id=indicator.id), today())


# --- an exception turned into an action ---------------------------------------------------------


@dataclass(frozen=True)
class ProposedAction:
    """The action an exception would raise, as the tracker's rules judge it before it exists
    (a chair may raise one only for an indicator their group watches)."""

    __realm__: ClassVar[str] = "actions"
    partnership_id: int
    body_id: int | None

    def __str__(self) -> str:
        return "actions"  # what a refusal's audit row names


def proposed_action(indicator: Indicator) -> ProposedAction:
    """What the tracker's rules are asked about before an action is raised from it."""
    return ProposedAction(indicator.partnership_id, indicator.body_id)


def may_raise_action(user: Any, indicator: Indicator) -> bool:
    """Whether the user may raise an action from the indicator's exception."""
    return can(user, "create", proposed_action(indicator))



def exception_to_act_on(series: Series) -> Flag:
    """The latest figure's exception (outside the band first), or an IndicatorError."""
    flags = series.exceptions
    if not flags:
        raise IndicatorError(f"{series.indicator.name} has no exception to raise an action on: "
                             "its latest figure is within tolerance")
    return flags[0]


def action_title(indicator: Indicator, flag: Flag) -> str:
    """The title of the action raised from an exception."""
    return f"{indicator.name}: {flag.words}"[:300]


def action_already_raised(indicator: Indicator, flag: Flag) -> Action | None:
    """The action already raised from this exception (a second click adds no other)."""
    return db.session.scalar(sa.select(Action).where(
        Action.indicator_id == indicator.id, Action.title == action_title(indicator, flag)))


def action_values(line: IndicatorLine, flag: Flag) -> dict[str, Any]:
    """What an action raised from an exception starts with: the tracker's create service
    takes these (the view links the action back to the indicator)."""
    indicator = line.indicator
    said = line.words(line.latest)
    facts = [f"{flag.words[:1].upper()}{flag.words[1:]}.",
             f"The latest figure, for {flag.period.label}, is {said}"
             + (f" ({line.change})." if line.change else ".")]
    if indicator.lower_tolerance is not None or indicator.upper_tolerance is not None:
        facts.append(f"The tolerance band is {band_words(indicator)}.")
    for comparison in line.comparisons():
        facts.append(f"{comparison.comparator.label} ({comparison.period.label}): "
                     f"{comparison.words}.")
    commentary = line.series.commentary.get(flag.period.start)
    if commentary:
        facts.append(f"The owner's commentary: {commentary}")
    owner = indicator.owner
    lead = owner if owner is not None and (
        owner.agency is None or owner.agency.partnership_id == indicator.partnership_id) else None
    return {"title": action_title(indicator, flag), "detail": " ".join(facts),
            "body": indicator.body, "lead_agency": indicator.source_agency,
            "lead_person": lead, "status": Status.NOT_STARTED}


# --- settings -------------------------------------------------------------------------------


def settings_of(partnership: Partnership) -> DatasetSettings:
    """The partnership's dataset settings (the defaults until they are first saved)."""
    found = db.session.get(DatasetSettings, partnership.id)
    if found is not None:
        return found
    return DatasetSettings(partnership_id=partnership.id, suppress_below=5, region="",
                           neighbours="", version=0)


def update_settings(settings: DatasetSettings, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Save the settings if the editor saw their current version; return whether they
    changed."""
    threshold = values.get("suppress_below")
    if threshold is not None and not 0 <= threshold <= LARGEST_THRESHOLD:
        raise IndicatorError(f"The small-number threshold must be between 0 and "
                             f"{LARGEST_THRESHOLD}", "suppress_below")
    names = [line.strip() for line in (values.get("neighbours") or "").splitlines()
             if line.strip()]
    if len(names) > MAX_NEIGHBOURS:
        raise IndicatorError(f"List at most {MAX_NEIGHBOURS} statistical neighbours, one a "
                             "line", "neighbours")
    values = {**values, "neighbours": "\n".join(names)}
    if settings not in db.session:  # first saved: the defaults were version 0
        if str(started_from) != str(settings.version):
            raise EditConflict(settings, values)
        for name, value in values.items():
            setattr(settings, name, value)
        settings.version = 1
        db.session.add(settings)
        return True
    return apply_edit(settings, started_from, values)
