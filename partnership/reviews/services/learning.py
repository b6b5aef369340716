"""Recommendations and action plans, learning from elsewhere, and the managed list of themes.

A *review* here is anything whose recommendations we act on: our own Rapid Review or local
review of a case (need-to-know, like the case), or learning from elsewhere (another
partnership's review, a national panel review, a national inquiry...), which everyone may
read. Each numbered recommendation's actions live in the one action tracker, so ratings,
counts and the action plan all come from :func:`partnership.actions.queries.tracked`.

Lists and counts leave out our reviews of cases the user may not see (``visible(user,
Review)``, the policy's view rule in SQL), so a case's existence is never revealed by a count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from partnership.actions.models import Action, ProgressUpdate
from partnership.actions.queries import (
    ActionFilter,
    Rollup,
    Source,
    TrackedAction,
    rollup,
    rollups_by,
    tracked,
)
from partnership.actions.rag import Rag
from partnership.clock import today
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date, parse_year_label, reporting_year, year_label
from partnership.policy import readable, visible
from partnership.register.models import Agency, Partnership
from partnership.register.services import record_membership_change, same_members
from partnership.reviews.models import (
    Case,
    Dissemination,
    Recommendation,
    Review,
    ReviewKind,
    Theme,
    recommendation_theme,
    review_theme,
)
from partnership.reviews.services import ReviewError
from partnership.reviews.services.rapid import refuse_if_any

FROM_ELSEWHERE = tuple(kind for kind in ReviewKind if not kind.is_ours)
OURS = (ReviewKind.RAPID_REVIEW, ReviewKind.LOCAL_REVIEW)
# Our review of a case is titled by the case's pseudonymous reference only.
OUR_TITLES = {ReviewKind.RAPID_REVIEW: "Rapid Review: {}",
              ReviewKind.LOCAL_REVIEW: "Local child safeguarding practice review: {}"}
DEFAULT_YEAR_START = 4  # when reviews of partnerships with different years are listed together
NUMBER_LIMIT = 999
NO_LEAD = "No lead named"


# --- the managed list of themes --------------------------------------------------------------


def default_themes() -> list[tuple[str, str]]:
    """Return a sensible starting list of learning themes: (name, description)."""
    return [
        ("Neglect", "Chronic and acute neglect, including its cumulative harm"),
        ("Child sexual abuse", "Intra-familial and extra-familial sexual abuse"),
        ("Exploitation", "Child sexual and criminal exploitation, including by organised "
                         "networks and county lines"),
        ("Extra-familial harm", "Risks to adolescents outside the home: peers, places and "
                                "online spaces"),
        ("Voice of the child", "Seeing, hearing and acting on the child's lived experience"),
        ("Information sharing", "Sharing information between agencies at the right time"),
        ("Multi-agency working", "Working together, strategy discussions and joint decisions"),
        ("Professional curiosity", "Asking, checking and not taking things at face value"),
        ("Escalation and challenge", "Raising and resolving professional disagreement"),
        ("Domestic abuse", "Children living with domestic abuse"),
        ("Parental mental health", "The mental health of parents and carers"),
        ("Substance misuse", "Parental and young people's alcohol and drug use"),
        ("Men in children's lives", "Fathers, partners and other men in the household"),
        ("Safe sleep and infant care", "Sudden unexpected death in infancy, non-accidental "
                                       "injury to babies"),
        ("Children with disabilities", "Disabled children and those with complex health needs"),
        ("Race, ethnicity and culture", "How race, ethnicity, culture and inequality shape "
                                        "children's experiences and practice"),
        ("Mental health and self-harm", "Children's emotional wellbeing, self-harm and "
                                        "suicide"),
        ("Missing children", "Children missing from home, care or education"),
        ("Early help and thresholds", "Help offered early, and decisions about thresholds"),
        ("Data and recording", "Data quality, recording and using data to understand risk"),
        ("Online harm", "Abuse and exploitation online"),
        ("Transitions to adulthood", "Young people moving from children's to adults' services"),
    ]


def load_default_themes() -> list[Theme]:
    """Add the default themes the list does not have yet (by name); return those added."""
    have = {name.lower() for name in db.session.scalars(sa.select(Theme.name))}
    added = [Theme(name=name, description=description)
             for name, description in default_themes() if name.lower() not in have]
    db.session.add_all(added)
    db.session.flush()
    return added


def all_themes() -> list[Theme]:
    """Return every theme, active first, by name."""
    return list(db.session.scalars(
        sa.select(Theme).order_by(Theme.active.desc(), Theme.name, Theme.id)))


def theme_options(current: Iterable[Theme] = ()) -> list[Theme]:
    """Return the themes offered on a form: the active ones, and any a record already has."""
    active = list(db.session.scalars(
        sa.select(Theme).where(Theme.active.is_(True)).order_by(Theme.name, Theme.id)))
    kept = [theme for theme in current if theme not in active]
    return sorted([*active, *kept], key=lambda theme: (theme.name.lower(), theme.id))


def theme_or_404(theme_id: int) -> Theme:
    """Return the theme with this id, or answer 404."""
    return db.get_or_404(Theme, theme_id)


def _check_theme_name(name: str, theme: Theme | None = None) -> None:
    clash = db.session.scalars(
        sa.select(Theme).where(sa.func.lower(Theme.name) == name.lower())).first()
    if clash is not None and clash is not theme:
        raise ReviewError(f"A theme called {clash.name} already exists", "name")


def add_theme(values: Mapping[str, Any]) -> Theme:
    """Add a theme to the managed list (its name must be new)."""
    _check_theme_name(values["name"])
    theme = Theme(name=values["name"], description=values.get("description", ""))
    db.session.add(theme)
    try:
        db.session.flush()
    except IntegrityError:  # the name was taken between the check and the save
        raise ReviewError(f"A theme called {values['name']} already exists", "name") from None
    return theme


def update_theme(theme: Theme, started_from: object, values: Mapping[str, Any]) -> bool:
    """Rename, describe or retire a theme if the editor saw its current version.

    A retired theme stays on the records that have it; it is no longer offered.
    """
    _check_theme_name(values["name"], theme)
    return apply_edit(theme, started_from, values)


@dataclass(frozen=True)
class ThemeUse:
    """A theme and how many reviews and recommendations carry it."""

    theme: Theme
    reviews: int
    recommendations: int


def theme_uses() -> list[ThemeUse]:
    """Return every theme with its use (the team's page: every review counts): three queries."""
    reviews: dict[int, int] = {theme_id: count for theme_id, count in db.session.execute(
        sa.select(review_theme.c.theme_id, sa.func.count()).group_by(review_theme.c.theme_id))}
    recommendations: dict[int, int] = {theme_id: count for theme_id, count in db.session.execute(
        sa.select(recommendation_theme.c.theme_id, sa.func.count())
        .group_by(recommendation_theme.c.theme_id))}
    return [ThemeUse(theme, reviews.get(theme.id, 0), recommendations.get(theme.id, 0))
            for theme in all_themes()]


# --- finding reviews and recommendations -----------------------------------------------------


def review_or_404(review_id: int) -> Review:
    """Return a review with its case (for the policy), themes and recommendations, or 404."""
    review = db.session.scalars(
        sa.select(Review).where(Review.id == review_id).options(
            joinedload(Review.partnership),
            joinedload(Review.case).selectinload(Case.members),
            selectinload(Review.themes),
            selectinload(Review.recommendations).selectinload(Recommendation.agencies),
            selectinload(Review.recommendations).selectinload(Recommendation.themes),
        )).unique().one_or_none()
    if review is None:
        abort(404)
    return review


def recommendation_or_404(recommendation_id: int) -> Recommendation:
    """Return a recommendation with its review and case (for the policy), or answer 404."""
    recommendation = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.id == recommendation_id).options(
            joinedload(Recommendation.review).joinedload(Review.partnership),
            joinedload(Recommendation.review).joinedload(Review.case)
            .selectinload(Case.members),
            selectinload(Recommendation.agencies), selectinload(Recommendation.themes),
        )).unique().one_or_none()
    if recommendation is None:
        abort(404)
    return recommendation


def case_or_404(case_id: int) -> Case:
    """Return a case (with the people added to it, for the policy), or answer 404."""
    case = db.session.scalars(
        sa.select(Case).where(Case.id == case_id).options(selectinload(Case.members))
    ).one_or_none()
    if case is None:
        abort(404)
    return case


def partnership_options() -> list[Partnership]:
    """Return the partnerships learning may be recorded for (those the reader serves), by name."""
    return list(db.session.scalars(sa.select(Partnership).where(readable(Partnership))
                                   .order_by(Partnership.name)))


def agency_options(partnership: Partnership, current: Iterable[Agency] = ()) -> list[Agency]:
    """Return the agencies a recommendation may address: the partnership's (and its own)."""
    options = list(partnership.agencies)
    return [*options, *(agency for agency in current if agency not in options)]


def chosen(records: Iterable[Any], ids: Iterable[int]) -> list[Any]:
    """Return the records (offered on a form) whose ids were ticked, in the offered order."""
    wanted = set(ids or ())
    return [record for record in records if record.id in wanted]


# --- learning from elsewhere, and our reviews of cases ---------------------------------------


def _check_review(values: Mapping[str, Any]) -> None:
    url = values.get("url") or ""
    if url and not url.lower().startswith("https://"):
        raise ReviewError("Enter the address as it appears in the browser, starting with "
                          "https://", "url")


def create_review(partnership: Partnership, values: Mapping[str, Any]) -> Review:
    """Record learning from elsewhere: another partnership's review, a national inquiry..."""
    kind = values["kind"]
    if kind.is_ours:
        raise ReviewError("Select where the learning comes from", "kind")
    _check_review(values)
    review = Review(partnership=partnership, **values)
    db.session.add(review)
    db.session.flush()
    record_membership_change(review, "themes", [], review.themes, new_record=True)
    return review


def update_review(review: Review, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a review's details and themes if the editor saw its current version."""
    if "kind" in values and values["kind"].is_ours is not review.kind.is_ours:
        raise ReviewError("Select where the learning comes from", "kind")
    _check_review(values)
    if "themes" in values:
        values = {**values, "themes": same_members(review.themes, values["themes"])}
    before = list(review.themes)
    changed = apply_edit(review, started_from, values)
    record_membership_change(review, "themes", before, review.themes)
    return changed


def open_case_review(case: Case, kind: ReviewKind) -> tuple[Review, bool]:
    """Return the case's Rapid Review or local review recommendations record, creating it the
    first time (True when it was created)."""
    if not kind.is_ours:
        abort(404)
    found = db.session.scalars(
        sa.select(Review).where(Review.case_id == case.id, Review.kind == kind)
        .order_by(Review.id)).first()
    if found is not None:
        return found, False
    review = Review(partnership_id=case.partnership_id, kind=kind, case=case,
                    title=OUR_TITLES[kind].format(case.reference))
    db.session.add(review)
    db.session.flush()
    return review, True


# --- recommendations -------------------------------------------------------------------------


def next_number(review: Review) -> int:
    """The number a new recommendation of the review gets by default."""
    return max((r.number for r in review.recommendations), default=0) + 1


def _check_number(review: Review, number: int, recommendation: Recommendation | None = None
                  ) -> None:
    if not 1 <= number <= NUMBER_LIMIT:
        raise ReviewError(f"The number must be between 1 and {NUMBER_LIMIT}", "number")
    clash = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.review_id == review.id,
                                        Recommendation.number == number)).first()
    if clash is not None and clash is not recommendation:
        raise ReviewError(f"This review already has a recommendation {number}: enter another "
                          f"number (the next free one is {next_number(review)})", "number")


def _check_agencies(review: Review, agencies: Iterable[Agency],
                    recommendation: Recommendation | None = None) -> None:
    kept = set(recommendation.agencies) if recommendation is not None else set()
    for agency in agencies:
        if agency.partnership_id != review.partnership_id and agency not in kept:
            raise ReviewError(f"Select agencies of {review.partnership.name}", "agencies")


def add_recommendation(review: Review, values: Mapping[str, Any]) -> Recommendation:
    """Add a numbered recommendation to a review (its number must be new in the review)."""
    _check_number(review, values["number"])
    _check_agencies(review, values.get("agencies", ()))
    recommendation = Recommendation(review=review, **values)
    db.session.add(recommendation)
    try:
        db.session.flush()
    except IntegrityError:  # the number was taken between the check and the save
        raise ReviewError(f"This review already has a recommendation {values['number']}: "
                          "enter another number", "number") from None
    for what in ("agencies", "themes"):
        record_membership_change(recommendation, what, [], getattr(recommendation, what),
                                 new_record=True)
    return recommendation


def update_recommendation(recommendation: Recommendation, started_from: object,
                          values: Mapping[str, Any]) -> bool:
    """Change a recommendation if the editor saw its current version."""
    review = recommendation.review
    _check_number(review, values["number"], recommendation)
    _check_agencies(review, values.get("agencies", ()), recommendation)
    values = {**values,
              "agencies": same_members(recommendation.agencies, values.get("agencies", [])),
              "themes": same_members(recommendation.themes, values.get("themes", []))}
    before = {what: list(getattr(recommendation, what)) for what in ("agencies", "themes")}
    changed = apply_edit(recommendation, started_from, values)
    for what, earlier in before.items():
        record_membership_change(recommendation, what, earlier, getattr(recommendation, what))
    return changed


# --- a review's page and its action plan ------------------------------------------------------


def action_lead(action: TrackedAction) -> str:
    """Name who leads an action: the officer and the agency, else the owning body."""
    named = [name for name in (action.lead_person_name, action.lead_agency_name) if name]
    return ", ".join(named) or action.body_name or NO_LEAD


@dataclass(frozen=True)
class RecommendationEntry:
    """A recommendation with its actions from the tracker, rated."""

    recommendation: Recommendation
    actions: list[TrackedAction]
    rollup: Rollup


@dataclass(frozen=True)
class ReviewView:
    """Everything a review's page shows."""

    review: Review
    entries: list[RecommendationEntry]
    rollup: Rollup


def review_view(review: Review, on: dt.date | None = None) -> ReviewView:
    """Return the review's recommendations, each with its actions: one tracker query."""
    rows = tracked(ActionFilter(review_id=review.id), on or today())
    by_recommendation: dict[int | None, list[TrackedAction]] = defaultdict(list)
    for row in rows:
        by_recommendation[row.recommendation_id].append(row)
    entries = [RecommendationEntry(r, by_recommendation[r.id], rollup(by_recommendation[r.id]))
               for r in review.recommendations]
    return ReviewView(review=review, entries=entries, rollup=rollup(rows))


@dataclass(frozen=True)
class PlanLine:
    """One action as the action plan prints it."""

    action: TrackedAction
    lead: str
    milestones: list[str]
    outcome: str
    impact: str

    @property
    def completed_on(self) -> dt.date | None:
        """When the action was completed (only for a complete one)."""
        return self.action.completed_on if self.action.rag is Rag.COMPLETE else None


@dataclass(frozen=True)
class PlanRecommendation:
    """A recommendation as the action plan prints it, with its actions."""

    recommendation: Recommendation
    agencies: str
    lines: list[PlanLine]


@dataclass(frozen=True)
class ActionPlan:
    """A review's multi-agency action plan: every recommendation and its actions."""

    review: Review
    on: dt.date
    recommendations: list[PlanRecommendation]
    rollup: Rollup

    @property
    def actions(self) -> int:
        """How many actions the plan holds."""
        return self.rollup.total


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in (text or "").split("\n\n") if part.strip()]


def _action_texts(ids: list[int]) -> dict[int, Any]:
    """Each action's detail, outcome and evidence of impact (its own, else the latest update's
    that gives some): one query."""
    from_updates = (
        sa.select(ProgressUpdate.impact)
        .where(ProgressUpdate.action_id == Action.id, sa.func.trim(ProgressUpdate.impact) != "")
        .order_by(ProgressUpdate.recorded_on.desc(), ProgressUpdate.id.desc())
        .limit(1).correlate(Action).scalar_subquery())
    rows = db.session.execute(
        sa.select(Action.id, Action.detail, Action.outcome, Action.impact,
                  from_updates.label("update_impact")).where(Action.id.in_(ids)))
    return {row.id: row for row in rows}


def action_plan(review: Review, on: dt.date | None = None) -> ActionPlan:
    """Return the review's action plan in the familiar columns: the tracker query and one more
    for the actions' texts, whatever the number of actions."""
    on = on or today()
    rows = tracked(ActionFilter(review_id=review.id), on)
    texts = _action_texts([row.id for row in rows])
    lines: dict[int | None, list[PlanLine]] = defaultdict(list)
    for row in rows:
        text = texts.get(row.id)
        milestones = _paragraphs(text.detail) if text is not None else []
        if row.start_date is not None:
            milestones.append(f"Starts {long_date(row.start_date)}")
        lines[row.recommendation_id].append(PlanLine(
            action=row, lead=action_lead(row), milestones=milestones,
            outcome=(text.outcome or "").strip() if text is not None else "",
            impact=((text.impact or "").strip() or (text.update_impact or "").strip())
            if text is not None else ""))
    return ActionPlan(
        review=review, on=on,
        recommendations=[PlanRecommendation(r, ", ".join(a.name for a in r.agencies),
                                            lines[r.id]) for r in review.recommendations],
        rollup=rollup(rows))


# --- the list of reviews, and patterns across years -------------------------------------------


@dataclass(frozen=True)
class LearningFilter:
    """What the list of reviews shows; ``from_args`` reads it from a query string."""

    kind: ReviewKind | None = None
    theme_id: int | None = None
    year: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> LearningFilter:
        """Read a filter from request arguments, ignoring values that make no sense."""
        kind = (args.get("kind") or "").strip()
        theme = (args.get("theme_id") or "").strip()
        year = parse_year_label(args.get("year") or "")
        return cls(kind=ReviewKind(kind) if kind in {k.value for k in ReviewKind} else None,
                   theme_id=int(theme) if theme.isdigit() and len(theme) < 10 else None,
                   year=year)

    def to_args(self, **changes: Any) -> dict[str, str]:
        """Return the query-string arguments that reproduce this filter (for links)."""
        current = replace(self, **changes) if changes else self
        args = {"kind": current.kind.value if current.kind else None,
                "theme_id": current.theme_id, "year": current.year}
        return {name: str(value) for name, value in args.items() if value is not None}

    @property
    def is_filtered(self) -> bool:
        """Say whether anything narrows the list."""
        return bool(self.to_args())


def review_day(review: Review) -> dt.date | None:
    """The day a review counts from: published; for ours, else the local review's decision,
    the Rapid Review's start or the day the partners became aware."""
    if review.published_on is not None or review.case is None:
        return review.published_on
    case = review.case
    if review.kind is ReviewKind.LOCAL_REVIEW and case.local_review is not None:
        return case.local_review.decided_on
    if case.rapid_review is not None and case.rapid_review.started_on is not None:
        return case.rapid_review.started_on
    return case.aware_on


def _visible_reviews(user: Any) -> list[Review]:
    """Every review the user may see (ours only of cases they may see), newest first: four
    queries whatever the number."""
    stmt = sa.select(Review).options(
        joinedload(Review.partnership), selectinload(Review.themes),
        selectinload(Review.case).selectinload(Case.rapid_review),
        selectinload(Review.case).selectinload(Case.local_review)).where(visible(user, Review))
    reviews = list(db.session.scalars(stmt).unique())
    return sorted(reviews, key=lambda r: (review_day(r) or dt.date.min, r.id), reverse=True)


def _recommendation_facts(review_ids: list[int]) -> tuple[Counter[int], dict[int, set[int]],
                                                          dict[int, Counter[int]]]:
    """How many recommendations each review has, and their themes: one query."""
    rows = db.session.execute(
        sa.select(Recommendation.id, Recommendation.review_id, recommendation_theme.c.theme_id)
        .outerjoin(recommendation_theme,
                   recommendation_theme.c.recommendation_id == Recommendation.id)
        .where(Recommendation.review_id.in_(review_ids)))
    seen: dict[int, set[int]] = defaultdict(set)
    themes: dict[int, set[int]] = defaultdict(set)  # review -> themes its recommendations carry
    by_theme: dict[int, Counter[int]] = defaultdict(Counter)  # review -> theme -> count
    for recommendation_id, review_id, theme_id in rows:
        seen[review_id].add(recommendation_id)
        if theme_id is not None:
            themes[review_id].add(theme_id)
            by_theme[review_id][theme_id] += 1
    counts = Counter({review_id: len(ids) for review_id, ids in seen.items()})
    return counts, themes, by_theme


def _year_month(reviews: Iterable[Review]) -> int:
    months = {review.partnership.year_start_month for review in reviews}
    return months.pop() if len(months) == 1 else DEFAULT_YEAR_START


@dataclass(frozen=True)
class ReviewRow:
    """A review as the list shows it."""

    review: Review
    day: dt.date | None
    year: int | None
    recommendations: int
    rollup: Rollup


@dataclass(frozen=True)
class LearningList:
    """The list of reviews, and what it may be filtered by."""

    rows: list[ReviewRow]
    total: int  # before filtering
    themes: list[Theme]
    years: list[tuple[int, str]]
    year_start: int
    rollup: Rollup
    recommendations: int = 0
    kinds: list[ReviewKind] = field(default_factory=lambda: list(ReviewKind))


def _year_of(review: Review) -> int | None:
    day = review_day(review)
    return reporting_year(day, review.partnership.year_start_month) if day else None


def learning_list(flt: LearningFilter, user: Any, on: dt.date | None = None) -> LearningList:
    """Return the reviews the user may see that the filter matches, each with its number of
    recommendations and its actions by rating: a fixed number of queries."""
    reviews = _visible_reviews(user)
    counts, rec_themes, _by_theme = _recommendation_facts([r.id for r in reviews])
    rollups = rollups_by(tracked(ActionFilter(source=Source.REVIEW), on or today()), "review_id")
    month = _year_month(reviews)
    years = sorted({y for y in (_year_of(r) for r in reviews) if y is not None}, reverse=True)
    rows = []
    for review in reviews:
        year = _year_of(review)
        if flt.kind is not None and review.kind is not flt.kind:
            continue
        if flt.year is not None and year != flt.year:
            continue
        if flt.theme_id is not None and flt.theme_id not in (
                {t.id for t in review.themes} | rec_themes.get(review.id, set())):
            continue
        rows.append(ReviewRow(review=review, day=review_day(review), year=year,
                              recommendations=counts.get(review.id, 0),
                              rollup=rollups.get(review.id) or rollup([])))
    return LearningList(
        rows=rows, total=len(reviews), themes=all_themes(),
        years=[(y, year_label(y, month)) for y in years], year_start=month,
        rollup=_sum_rollups([row.rollup for row in rows]),
        recommendations=sum(row.recommendations for row in rows))


def _sum_rollups(rollups: list[Rollup]) -> Rollup:
    counts: Counter[Rag] = Counter()
    for item in rollups:
        counts.update(item.counts)
    return Rollup(total=sum(r.total for r in rollups), counts=dict(counts),
                  percent_complete=None,
                  needing_attention=sum(r.needing_attention for r in rollups))


@dataclass(frozen=True)
class PatternCell:
    """How many reviews and recommendations carry a theme in a reporting year."""

    reviews: int = 0
    recommendations: int = 0

    def __bool__(self) -> bool:
        return bool(self.reviews or self.recommendations)


@dataclass(frozen=True)
class PatternRow:
    """A theme across the years."""

    theme: Theme
    cells: list[PatternCell]
    total: PatternCell


@dataclass(frozen=True)
class Patterns:
    """Themes across reporting years, over the reviews the user may see."""

    years: list[tuple[int, str]]
    rows: list[PatternRow]
    reviews: int = 0


def patterns(user: Any) -> Patterns:
    """Count, for each theme and reporting year, the reviews that carry it (themselves or
    through a recommendation) and the recommendations that carry it: a fixed number of queries.

    A review counts in the reporting year of its publication (ours: of the decision to
    review); reviews with no date are left out of the years but counted in the totals.
    """
    reviews = _visible_reviews(user)
    _counts, rec_themes, by_theme = _recommendation_facts([r.id for r in reviews])
    month = _year_month(reviews)
    grid: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for review in reviews:
        year = _year_of(review)
        for theme_id in {t.id for t in review.themes} | rec_themes.get(review.id, set()):
            grid[(theme_id, year)][0] += 1
        for theme_id, number in by_theme.get(review.id, Counter()).items():
            grid[(theme_id, year)][1] += number
    used = {theme_id for theme_id, _year in grid}
    years = sorted({year for _theme, year in grid if year is not None})
    rows = []
    for theme in all_themes():
        if theme.id not in used:
            continue
        cells = [PatternCell(*grid.get((theme.id, year), (0, 0))) for year in years]
        every = [grid[key] for key in grid if key[0] == theme.id]
        rows.append(PatternRow(theme, cells, PatternCell(sum(c[0] for c in every),
                                                         sum(c[1] for c in every))))
    rows.sort(key=lambda row: (-row.total.reviews, -row.total.recommendations,
                               row.theme.name.lower()))
    return Patterns(years=[(year, year_label(year, month)) for year in years], rows=rows,
                    reviews=len(reviews))


def kind_choices(ours: bool = False) -> list[tuple[str, str]]:
    """The kinds of learning from elsewhere (or every kind) as form choices."""
    kinds = list(ReviewKind) if ours else list(FROM_ELSEWHERE)
    return [(kind.value, kind.label) for kind in kinds]


def describe_counts(reviews: int, recommendations: int) -> str:
    """Say "2 reviews, 5 recommendations"."""
    return (f"{reviews} review{'s' if reviews != 1 else ''}, "
            f"{recommendations} recommendation{'s' if recommendations != 1 else ''}")


# --- how the learning was shared ---------------------------------------------------------------


def dissemination_or_404(dissemination_id: int) -> Dissemination:
    """Return a record of how a review's learning was shared, or 404."""
    return db.get_or_404(Dissemination, dissemination_id)


def dissemination_problems(review: Review, values: Mapping[str, Any],
                           check_on: dt.date | None) -> list[ReviewError]:
    """Check a dissemination's values (and the practice-change check's date)."""
    problems: list[ReviewError] = []
    ids = {r.id for r in review.recommendations}
    if any(r.id not in ids for r in values.get("recommendations", [])):
        problems.append(ReviewError("Tick only this review's recommendations",
                                    "recommendations"))
    held = values.get("held_on")
    if check_on is not None:
        if not values.get("recommendations"):
            problems.append(ReviewError(
                "Tick the recommendations it carried: the check of whether practice changed "
                "is an action on the first of them", "recommendations"))
        if held is not None and check_on <= held:
            problems.append(ReviewError(
                f"The check must come after the learning was shared ({long_date(held)})",
                "check_on"))
    return problems


def add_dissemination(review: Review, values: Mapping[str, Any],
                      check_on: dt.date | None = None) -> Dissemination:
    """Record how a review's learning was shared (raises ReviewProblems)."""
    refuse_if_any(dissemination_problems(review, values, check_on))
    row = Dissemination(review=review, **values)
    db.session.add(row)
    db.session.flush()
    return row


def update_dissemination(row: Dissemination, started_from: object, values: Mapping[str, Any],
                         check_on: dt.date | None = None) -> bool:
    """Change a dissemination record if the editor saw its current version."""
    refuse_if_any(dissemination_problems(row.review, values, check_on))
    values = {**values, "recommendations": same_members(row.recommendations,
                                                         values["recommendations"])}
    before = list(row.recommendations)
    changed = apply_edit(row, started_from, values)
    record_membership_change(row, "recommendations", before, row.recommendations)
    return changed


def check_action_values(row: Dissemination, check_on: dt.date) -> dict[str, Any]:
    """The ordinary tracker action that checks, later, whether practice changed."""
    case = row.review.case
    return {"title": f"Check whether practice changed after: {row.title}"[:300],
            "detail": (f"{row.method.label} on {long_date(row.held_on)}"
                       + (f" for {row.audience}" if row.audience else "")
                       + ". Record what changed in practice, and the evidence."),
            "target_date": check_on,
            "body": case.reviewing_body if case is not None else None}


def disseminations_of(review: Review) -> list[Dissemination]:
    """The review's dissemination records, oldest first, with their checks (two queries)."""
    rows = list(db.session.scalars(
        sa.select(Dissemination).where(Dissemination.review_id == review.id)
        .options(selectinload(Dissemination.recommendations))
        .order_by(Dissemination.held_on, Dissemination.id)))
    return rows
