"""Figures entered per period: the total and each disaggregation's categories, checked (the
children's counts by category add up to the total), saved without overwriting another
person's entry, corrected with their history kept, validated, and approved for publication;
and the owner's commentary on the period.

A changed figure is a correction: the audit trail keeps every earlier figure, and an approved
value whose figure or status changes goes back to needing approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from partnership import clock
from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import record_type_of
from partnership.database import utcnow
from partnership.dataset import figures
from partnership.dataset.categories import categories, category_label
from partnership.dataset.models import (
    Breakdown,
    Commentary,
    Dimension,
    Indicator,
    IndicatorValue,
    Subject,
    Unit,
    ValueStatus,
    breakdown_label,
)
from partnership.dataset.periods import Period
from partnership.extensions import db
from partnership.kernel.errors import DomainError, Refused
from partnership.register.models import Partnership

# A value's place in a period: the total is (TOTAL, CHILDREN, "").
Key = tuple[Dimension, Subject, str]
TOTAL: Key = (Dimension.TOTAL, Subject.CHILDREN, "")
MAX_FIGURE = Decimal("999999999999.99")  # the columns hold 12 digits before the point


class FiguresChanged(Exception):
    """Someone saved figures for the period after this person opened it."""

    def __init__(self, saved: PeriodFigures) -> None:
        super().__init__("the period's figures changed since they were opened")
        self.saved = saved


class Problems(DomainError):
    """Several broken rules at once, each next to its field."""

    def __init__(self, problems: Sequence[DomainError]) -> None:
        super().__init__(" ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass
class PeriodFigures:
    """An indicator's values for one period, as saved, with the commentary."""

    indicator: Indicator
    period: Period
    values: dict[Key, IndicatorValue] = field(default_factory=dict)
    commentary: Commentary | None = None

    @property
    def total(self) -> IndicatorValue | None:
        """The headline figure."""
        return self.values.get(TOTAL)

    @property
    def state(self) -> str:
        """A fingerprint of what is saved: it changes whenever anyone saves the period."""
        return state_of(self.values.values(), self.commentary)

    @property
    def status(self) -> ValueStatus | None:
        """Validated when every value is; provisional when any is; None when there are none."""
        if not self.values:
            return None
        if all(v.status is ValueStatus.VALIDATED for v in self.values.values()):
            return ValueStatus.VALIDATED
        return ValueStatus.PROVISIONAL

    @property
    def approved(self) -> bool:
        """Whether every value is approved for publication."""
        return bool(self.values) and all(v.approved for v in self.values.values())


def state_of(values: Iterable[IndicatorValue], commentary: Commentary | None = None) -> str:
    """Fingerprint saved values (and commentary) by their ids and versions."""
    parts = sorted(f"{v.id}.{v.version}" for v in values)
    if commentary is not None:
        parts.append(f"c{commentary.id}.{commentary.version}")
    return hashlib.sha256(",".join(parts).encode()).hexdigest()[:16]


@dataclass
class Entered:
    """What a person entered for a period."""

    number: Decimal | None
    denominator: Decimal | None = None
    status: ValueStatus = ValueStatus.PROVISIONAL
    note: str = ""
    splits: dict[tuple[Dimension, Subject], dict[str, Decimal | None]] = field(
        default_factory=dict)
    commentary: str = ""


def figures_for(indicator: Indicator, period: Period) -> PeriodFigures:
    """Read the indicator's values and commentary for a period (two queries)."""
    found = PeriodFigures(indicator, period)
    for value in db.session.scalars(sa.select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.period_start == period.start)):
        found.values[(value.dimension, value.subject, value.category)] = value
    found.commentary = db.session.scalar(sa.select(Commentary).where(
        Commentary.indicator_id == indicator.id, Commentary.period_start == period.start))
    return found


def field_name(breakdown: Breakdown | tuple[Dimension, Subject], category: str) -> str:
    """The form field holding one category of a breakdown: 'split-sex-children-female'."""
    dimension, subject = ((breakdown.dimension, breakdown.subject)
                          if isinstance(breakdown, Breakdown) else breakdown)
    return f"split-{dimension.value}-{subject.value}-{category}"


# --- the rules ---------------------------------------------------------------------------------


def whole_number_needed(unit: Unit) -> bool:
    """Whether the figure entered is a count of children (days may have decimals)."""
    return unit is not Unit.DAYS


def check_figure(unit: Unit, number: Decimal, what: str) -> str | None:
    """Say what is wrong with one entered figure, or None."""
    if number < 0:
        return f"{what} must be 0 or more"
    if number > MAX_FIGURE:
        return f"{what} is too large"
    if whole_number_needed(unit) and number != number.to_integral_value():
        return f"{what} must be a whole number: it counts children"
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        return f"{what} can have at most 2 decimal places"
    return None


def split_sum_problem(dimension: Dimension, subject: Subject, counts: Iterable[Decimal | None],
                      total: Decimal | None) -> str | None:
    """Say how far the children's counts by category are from the total, or None.

    Victims and perpetrators are counted apart from the children in the total (one child
    may be exploited by several people), so only the children's splits must add up; a
    split left blank is not reported and not checked.
    """
    given = [count for count in counts if count is not None]
    if subject is not Subject.CHILDREN or not given or total is None:
        return None
    added = sum(given, Decimal(0))
    if added == total:
        return None
    gap = total - added
    shortfall = (f"{figures.words(Unit.COUNT, abs(gap))} fewer than" if gap > 0
                 else f"{figures.words(Unit.COUNT, abs(gap))} more than")
    return (f"The counts by {breakdown_label(dimension, subject).lower()} add up to "
            f"{figures.words(Unit.COUNT, added)}, {shortfall} the total of "
            f"{figures.words(Unit.COUNT, total)}")


def check_entered(indicator: Indicator, entered: Entered) -> list[DomainError]:
    """Every rule the entered figures break, each naming its field."""
    problems: list[DomainError] = []
    unit = indicator.unit
    if entered.number is None:
        if any(v is not None for split in entered.splits.values() for v in split.values()):
            problems.append(DomainError("Enter the total before its breakdowns", "number"))
        return problems
    wrong = check_figure(unit, entered.number, "The total")
    if wrong:
        problems.append(DomainError(wrong, "number"))
    if unit is Unit.PERCENTAGE:
        if entered.denominator is None:
            problems.append(DomainError("Enter the denominator: the percentage is worked out "
                                        "from the two numbers", "denominator"))
        elif entered.denominator <= 0:
            problems.append(DomainError("The denominator must be more than 0", "denominator"))
        elif entered.denominator < entered.number:
            problems.append(DomainError("The denominator must be at least the number counted",
                                        "denominator"))
        elif wrong := check_figure(unit, entered.denominator, "The denominator"):
            problems.append(DomainError(wrong, "denominator"))
    for (dimension, subject), counts in entered.splits.items():
        for category, count in counts.items():
            if count is None:
                continue
            label = category_label(dimension, category)
            if wrong := check_figure(unit, count, label):
                problems.append(DomainError(wrong, field_name((dimension, subject), category)))
        if unit is not Unit.DAYS:
            gap = split_sum_problem(dimension, subject, counts.values(), entered.number)
            if gap:
                first = next(c for c, v in counts.items() if v is not None)
                problems.append(DomainError(gap, field_name((dimension, subject), first)))
    return problems


# --- saving ------------------------------------------------------------------------------------


@dataclass
class Saved:
    """What a save did."""

    new: int = 0
    corrected: int = 0
    removed: int = 0
    unapproved: int = 0
    commentary: bool = False

    @property
    def changed(self) -> bool:
        """Whether anything was saved."""
        return bool(self.new or self.corrected or self.removed or self.commentary)


def put_value(indicator: Indicator, period_start: dt.date, key: Key,
              existing: IndicatorValue | None, number: Decimal, denominator: Decimal | None,
              status: ValueStatus, note: str, user: User | None, saved: Saved) -> None:
    """Add or correct one value; a changed figure or status withdraws its approval."""
    if existing is None:
        db.session.add(IndicatorValue(
            indicator=indicator, period_start=period_start, dimension=key[0], subject=key[1],
            category=key[2], number=number, denominator=denominator, status=status,
            note=note, entered_by=user, entered_at=utcnow()))
        saved.new += 1
        return
    figure_changed = (existing.number != number or existing.denominator != denominator
                      or existing.status is not status)
    if not figure_changed and existing.note == note:
        return
    if figure_changed and existing.approved:
        existing.approved_on = None
        existing.approved_by = None
        saved.unapproved += 1
    existing.number, existing.denominator = number, denominator
    existing.status, existing.note = status, note
    existing.entered_by, existing.entered_at = user, utcnow()
    saved.corrected += 1


def save_figures(indicator: Indicator, period: Period, entered: Entered, opened_at: str,
                 user: User | None) -> Saved:
    """Save a period's figures and commentary, refusing if any rule is broken, and raising
    FiguresChanged if anyone saved the period since ``opened_at`` (its state then)."""
    saved_now = figures_for(indicator, period)
    if saved_now.state != opened_at:
        raise FiguresChanged(saved_now)
    problems = check_entered(indicator, entered)
    if problems:
        raise Problems(problems)
    saved = Saved()
    current = dict(saved_now.values)
    wanted: dict[Key, Decimal] = {}
    if entered.number is not None:
        wanted[TOTAL] = entered.number
        for (dimension, subject), counts in entered.splits.items():
            for category, count in counts.items():
                if count is not None:
                    wanted[(dimension, subject, category)] = count
    for key, number in wanted.items():
        total = key == TOTAL
        put_value(indicator, period.start, key, current.get(key), number,
                  entered.denominator if total else None, entered.status,
                  entered.note if total else "", user, saved)
    for key, value in current.items():
        if key not in wanted:
            db.session.delete(value)
            saved.removed += 1
    saved.commentary = _save_commentary(indicator, period, saved_now.commentary,
                                        entered.commentary, user)
    return saved


def _save_commentary(indicator: Indicator, period: Period, existing: Commentary | None,
                     text: str, user: User | None) -> bool:
    text = text.strip()
    if existing is None:
        if not text:
            return False
        db.session.add(Commentary(indicator=indicator, period_start=period.start, text=text,
                                  author=user))
        return True
    if existing.text == text:
        return False
    if not text:
        db.session.delete(existing)
    else:
        existing.text, existing.author = text, user
    return True


def commit_figures(indicator: Indicator, period: Period) -> None:
    """Commit a save, turning a lost race with another save into FiguresChanged."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise FiguresChanged(figures_for(indicator, period)) from None


# --- what changed, and when ------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One entry in the history of a period's figures."""

    at: dt.datetime
    who: str
    what: list[str]


def history(found: PeriodFigures) -> list[Change]:
    """Say, newest first, who entered, corrected, validated or approved the period's figures
    (values since removed keep their history in the audit log)."""
    values = list(found.values.values())
    ids = [str(v.id) for v in values]
    names = {str(v.id): _value_words(v.dimension, v.subject, v.category) for v in values}
    conditions = [sa.and_(AuditEvent.record_type == record_type_of(IndicatorValue),
                          AuditEvent.record_id.in_(ids))] if ids else []
    if found.commentary is not None:
        conditions.append(sa.and_(AuditEvent.record_type == record_type_of(Commentary),
                                  AuditEvent.record_id == str(found.commentary.id)))
    if not conditions:
        return []
    events = list(db.session.scalars(
        sa.select(AuditEvent).where(sa.or_(*conditions),
                                    AuditEvent.action.in_(("create", "update")))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))
    people = {user.id: user.name for user in db.session.scalars(sa.select(User).where(
        User.id.in_({e.user_id for e in events if e.user_id is not None})))}
    unit = found.indicator.unit
    grouped: dict[tuple[dt.datetime, str], list[str]] = defaultdict(list)
    for event in events:
        who = people.get(event.user_id or 0) or event.actor or "The service"
        what = (_commentary_words(event) if event.record_type == record_type_of(Commentary)
                else _event_words(event, names.get(event.record_id or "", "A figure"), unit))
        if what:
            grouped[(event.at.replace(microsecond=0), who)].append(what)
    return [Change(at.astimezone(clock.UK_TIME) if at.tzinfo else at, who, what)
            for (at, who), what in grouped.items()]


def saved_rows(found: PeriodFigures) -> list[tuple[str, str]]:
    """The saved figures of a period as a reader says them, the total first."""
    order = {key: n for n, key in enumerate(
        [TOTAL] + [(b.dimension, b.subject, code) for b, known in split_rows(found.indicator)
                   for code in known])}
    rows = []
    for key, value in sorted(found.values.items(), key=lambda item: order.get(item[0], 10**6)):
        said = figures.words(Unit.COUNT, value.number)
        if value.denominator is not None:
            said += f" out of {figures.words(Unit.COUNT, value.denominator)}"
        rows.append((_value_words(*key), said))
    return rows


def _value_words(dimension: Dimension, subject: Subject, category: str) -> str:
    if dimension is Dimension.TOTAL:
        return "Total"
    return f"{breakdown_label(dimension, subject)}: {category_label(dimension, category)}"


def _plain(raw: object) -> str:
    if raw in (None, ""):
        return "none"
    try:
        return figures.words(Unit.COUNT, Decimal(str(raw)))
    except ArithmeticError:
        return str(raw)


def _event_words(event: AuditEvent, name: str, unit: Unit) -> str:
    changes: Mapping[str, list[object]] = event.changes or {}
    said: list[str] = []
    if event.action == "create":
        said.append(f"entered as {_plain(changes.get('number', [None, None])[1])}")
        if changes.get("denominator"):
            said.append(f"out of {_plain(changes['denominator'][1])}")
        status = changes.get("status", [None, None])[1]
        if status:
            said.append(f"({ValueStatus(status).label.lower()})")
        return f"{name} {' '.join(said)}"
    if "number" in changes:
        before, after = changes["number"]
        said.append(f"corrected from {_plain(before)} to {_plain(after)}")
    if "denominator" in changes:
        before, after = changes["denominator"]
        said.append(f"denominator from {_plain(before)} to {_plain(after)}")
    if "status" in changes:
        before, after = changes["status"]
        said.append(f"{ValueStatus(str(after)).label.lower()} "
                    f"(was {ValueStatus(str(before)).label.lower()})")
    if "note" in changes:
        said.append("note changed")
    if "approved_on" in changes:
        said.append("approved for publication" if changes["approved_on"][1]
                    else "approval withdrawn")
    return f"{name}: {', '.join(said)}" if said else ""


def _commentary_words(event: AuditEvent) -> str:
    return "Commentary written" if event.action == "create" else "Commentary changed"


# --- approval ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """One period of an indicator with figures not yet approved."""

    indicator: Indicator
    period: Period
    total: IndicatorValue | None
    count: int
    validated: bool
    state: str

    @property
    def total_words(self) -> str:
        """The total as entered: '120', or '45 out of 60' for a percentage."""
        if self.total is None:
            return "No total"
        said = figures.words(Unit.COUNT, self.total.number)
        if self.total.denominator is not None:
            said += f" out of {figures.words(Unit.COUNT, self.total.denominator)}"
        return said

    @property
    def choice(self) -> str:
        """How the approval form names it: indicator, period and what was seen."""
        return f"{self.indicator.id}/{self.period.start.isoformat()}/{self.state}"


def waiting_for_approval(partnership: Partnership,
                         indicators: Sequence[Indicator] | None = None) -> list[Waiting]:
    """The periods with figures not yet approved, by indicator (in library order), oldest
    period first (two queries)."""
    if indicators is None:
        indicators = list(db.session.scalars(
            sa.select(Indicator).where(Indicator.partnership_id == partnership.id)
            .order_by(Indicator.position, Indicator.reference, Indicator.id)))
    by_id = {indicator.id: indicator for indicator in indicators}
    if not by_id:
        return []
    pending = (sa.select(IndicatorValue.indicator_id, IndicatorValue.period_start)
               .where(IndicatorValue.indicator_id.in_(by_id),
                      IndicatorValue.approved_on.is_(None)).distinct().subquery())
    rows = db.session.scalars(
        sa.select(IndicatorValue).join(pending, sa.and_(
            IndicatorValue.indicator_id == pending.c.indicator_id,
            IndicatorValue.period_start == pending.c.period_start)))
    periods: dict[tuple[int, dt.date], list[IndicatorValue]] = defaultdict(list)
    for value in rows:
        periods[(value.indicator_id, value.period_start)].append(value)
    order = {indicator_id: n for n, indicator_id in enumerate(by_id)}
    found = []
    for (indicator_id, start), values in sorted(periods.items(),
                                                key=lambda item: (order[item[0][0]],
                                                                  item[0][1])):
        indicator = by_id[indicator_id]
        found.append(Waiting(
            indicator=indicator,
            period=Period(start, indicator.frequency, partnership.year_start_month),
            total=next((v for v in values if v.dimension is Dimension.TOTAL), None),
            count=len(values),
            validated=all(v.status is ValueStatus.VALIDATED for v in values),
            state=state_of(values)))
    return found


def approve(partnership: Partnership, chosen: Sequence[str], user: User | None) -> int:
    """Approve the chosen periods' figures for publication, all or none; return how many
    periods. Refused, saying why for each, unless every one is validated and unchanged
    since the page was opened."""
    if not chosen:
        raise DomainError("Select the figures to approve", "chosen")
    waiting = {each.choice: each for each in waiting_for_approval(partnership)}
    problems = []
    for choice in chosen:
        each = waiting.get(choice)
        if each is None:
            problems.append(Refused(
                "Some of the figures you selected were changed or approved by someone else "
                "after you opened this page: check them again", "chosen"))
            break
        if not each.validated:
            problems.append(Refused(
                f"{each.indicator.reference} {each.period.label} is provisional: set its "
                "figures to validated before approving them", "chosen"))
    if problems:
        raise Problems(problems)
    today = clock.today()
    ids = [(each.indicator.id, each.period.start) for each in (waiting[c] for c in chosen)]
    for value in db.session.scalars(sa.select(IndicatorValue).where(
            sa.tuple_(IndicatorValue.indicator_id, IndicatorValue.period_start).in_(ids),
            IndicatorValue.approved_on.is_(None))):
        value.approved_on, value.approved_by = today, user
    return len(ids)


def split_rows(indicator: Indicator) -> list[tuple[Breakdown, dict[str, str]]]:
    """Each breakdown of the indicator with its categories, in the order national statistics
    publish them (sex, age band, ethnicity, disability; the children, then the victims and
    the perpetrators)."""
    dimensions, subjects = list(Dimension), list(Subject)
    ordered = sorted(indicator.breakdowns, key=lambda b: (subjects.index(b.subject),
                                                          dimensions.index(b.dimension)))
    return [(breakdown, categories(breakdown.dimension)) for breakdown in ordered]
