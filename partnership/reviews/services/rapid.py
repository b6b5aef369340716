"""The Rapid Review of a case: its clock, the agencies' information, the key practice
episodes, the analysis and recommended outcome, and the three partners' sign-off.

The Rapid Review is due 15 working days after its clock start (the day the partners became
aware, or the day the incident was notified: a partnership setting). Every deadline here is
counted by :func:`partnership.kernel.dates.add_working_days`, with the partnership's closure days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from partnership.accounts.models import User
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import add_working_days, long_date, working_days_between
from partnership.kernel.words import in_words
from partnership.policy import can
from partnership.publishing.workflow import Waiting, representations
from partnership.register.models import Agency, StatutoryPartner
from partnership.register.services.partnerships import partners_in_order
from partnership.register.services.people import scope_of
from partnership.reviews.models import (
    Case,
    InformationRequest,
    PracticeEpisode,
    RapidReview,
    RapidReviewSignOff,
    Stage,
)
from partnership.reviews.services import ReviewError, settings_for
from partnership.reviews.services.deadlines import (
    RAPID_REVIEW_WORKING_DAYS,
    closures_of,
    rapid_review_clock_start,
)

REQUEST_DAYS = 5  # the usual time an agency is given to send its chronology and summary


class ReviewProblems(ReviewError):
    """Every rule a form's values break, each to show next to its field."""

    def __init__(self, problems: list[ReviewError]) -> None:
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


def refuse_if_any(problems: list[ReviewError]) -> None:
    """Raise the problems found together, if there are any."""
    if problems:
        raise ReviewProblems(problems)


def not_in_future(problems: list[ReviewError], values: Mapping[str, Any], field: str,
                  label: str, today: dt.date) -> None:
    """A date that records something done cannot be later than today."""
    day = values.get(field)
    if day is not None and day > today:
        problems.append(ReviewError(f"{label} must be today or in the past", field))


# --- the clock -------------------------------------------------------------------------------


def clock_start(case: Case) -> dt.date | None:
    """The day the Rapid Review's 15 working days run from: its start if recorded, else by
    the partnership's setting (None while it runs from a notification not yet made)."""
    return rapid_review_clock_start(case, settings_for(case.partnership))


@dataclass(frozen=True)
class RapidClock:
    """Where a Rapid Review stands against its 15 working days."""

    started_on: dt.date | None
    due_on: dt.date | None
    working_days_left: int | None
    done: bool

    @property
    def overdue(self) -> bool:
        """Not yet sent to the panel, and the due date has passed."""
        return not self.done and self.working_days_left is not None and self.working_days_left < 0

    @property
    def in_words(self) -> str:
        """Say where the clock stands, for a page."""
        if self.due_on is None:
            return "The clock starts when the incident is notified to the national panel"
        if self.done:
            return f"Due {long_date(self.due_on)}; sent to the panel"
        left = self.working_days_left or 0
        if left < 0:
            return (f"Overdue: due {long_date(self.due_on)}, {-left} working "
                    f"day{'s' if left != -1 else ''} ago")
        if left == 0:
            return f"Due today, {long_date(self.due_on)}"
        return (f"Due {long_date(self.due_on)}: {left} working day{'s' if left != 1 else ''} "
                "left")


def rapid_clock(case: Case, rapid: RapidReview | None, today: dt.date) -> RapidClock:
    """Work out the Rapid Review's due date (15 working days) and the working days left."""
    started = clock_start(case)
    if started is None:
        return RapidClock(None, None, None, done=False)
    closures = closures_of(case.partnership_id)
    due = add_working_days(started, RAPID_REVIEW_WORKING_DAYS, closures)
    done = rapid is not None and rapid.sent_to_panel_on is not None
    return RapidClock(started, due, working_days_between(today, due, closures), done)


def rapid_review_of(case: Case) -> RapidReview:
    """Return the case's Rapid Review, starting it (with its clock start) if there is none."""
    if case.rapid_review is None:
        case.rapid_review = RapidReview(case=case, started_on=clock_start(case))
        db.session.add(case.rapid_review)
        db.session.flush()
    elif case.rapid_review.started_on is None:
        case.rapid_review.started_on = clock_start(case)
    return case.rapid_review


# --- the analysis and the outcome ------------------------------------------------------------

RAPID_FIELDS = ("analysis", "equality_analysis", "immediate_actions", "learning", "outcome",
                "outcome_reason", "shared_with_scrutineer_on", "sent_to_panel_on",
                "panel_response_on", "panel_response")


def rapid_problems(case: Case, values: Mapping[str, Any], today: dt.date) -> list[ReviewError]:
    """Check a Rapid Review's values against the rules; return every problem found."""
    problems: list[ReviewError] = []
    if values.get("outcome") is not None and not values.get("outcome_reason"):
        problems.append(ReviewError("Enter the reason for the recommended outcome",
                                    "outcome_reason"))
    for field, label in (("shared_with_scrutineer_on",
                          "Date shared with the independent scrutineer"),
                         ("sent_to_panel_on", "Date sent to the national panel"),
                         ("panel_response_on", "Date of the panel's response")):
        not_in_future(problems, values, field, label, today)
        day = values.get(field)
        if day is not None and day < case.aware_on and not any(p.field == field
                                                                for p in problems):
            problems.append(ReviewError(
                f"{label} must be on or after {long_date(case.aware_on)}, the day the partners "
                "became aware", field))
    sent, answered = values.get("sent_to_panel_on"), values.get("panel_response_on")
    if answered is not None and sent is None:
        problems.append(ReviewError("Enter the date the Rapid Review was sent to the panel "
                                    "before the date of its response", "sent_to_panel_on"))
    elif (answered is not None and sent is not None and answered < sent
          and not any(p.field == "panel_response_on" for p in problems)):
        problems.append(ReviewError(
            f"Date of the panel's response must be on or after {long_date(sent)}, the date "
            "it was sent to the panel", "panel_response_on"))
    if values.get("panel_response") and answered is None:
        problems.append(ReviewError("Enter the date of the panel's response",
                                    "panel_response_on"))
    return problems


def update_rapid_review(case: Case, started_from: object, values: Mapping[str, Any],
                        today: dt.date) -> tuple[RapidReview, bool]:
    """Save the analysis, outcome and dates; return the review and whether sign-offs were
    withdrawn (the partners signed off an outcome that has now changed).

    Raises ReviewProblems (nothing changed) or EditConflict.
    """
    refuse_if_any(rapid_problems(case, values, today))
    existed = case.rapid_review is not None
    rapid = rapid_review_of(case)
    if not existed and started_from in (None, ""):
        started_from = rapid.version  # the first save creates the row the form never saw
    outcome_changed = (rapid.outcome, rapid.outcome_reason) != (values.get("outcome"),
                                                                values.get("outcome_reason"))
    apply_edit(rapid, started_from, values)
    withdrawn = bool(outcome_changed and rapid.sign_offs)
    if withdrawn:
        rapid.sign_offs.clear()
    return rapid, withdrawn


# --- information from agencies ---------------------------------------------------------------


def agency_choices(case: Case) -> list[Agency]:
    """The agencies a request may go to: those involved in the case first, then the
    partnership's other agencies, by name."""
    involved = list(case.agencies)
    ids = {agency.id for agency in involved}
    others = db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == case.partnership_id,
                                Agency.id.not_in(ids) if ids else sa.true())
        .order_by(Agency.name))
    return involved + list(others)


def default_due(case: Case, requested_on: dt.date) -> dt.date:
    """When an agency's information is due by default: five working days after the request."""
    return add_working_days(requested_on, REQUEST_DAYS, closures_of(case.partnership_id))


def request_problems(case: Case, values: Mapping[str, Any],
                     today: dt.date) -> list[ReviewError]:
    """Check an information request's values; return every problem found."""
    problems: list[ReviewError] = []
    agency = values.get("agency")
    if agency is None or agency.partnership_id != case.partnership_id:
        problems.append(ReviewError("Select the agency the information was asked of", "agency"))
    requested, due, received = (values.get("requested_on"), values.get("due_on"),
                                values.get("received_on"))
    not_in_future(problems, values, "requested_on", "Date requested", today)
    not_in_future(problems, values, "received_on", "Date received", today)
    if requested is not None:
        if due is not None and due < requested:
            problems.append(ReviewError(
                f"Date due must be on or after {long_date(requested)}, the date requested",
                "due_on"))
        if (received is not None and received < requested
                and not any(p.field == "received_on" for p in problems)):
            problems.append(ReviewError(
                f"Date received must be on or after {long_date(requested)}, the date requested",
                "received_on"))
    return problems


def _request_values(case: Case, values: Mapping[str, Any], today: dt.date,
                    request: InformationRequest | None = None) -> dict[str, Any]:
    """The stored values, with the default due date when none was given; a reason for
    waiving the request closes it today (or keeps the day it was first waived)."""
    waived = values.get("waived_reason", "") or ""
    stored = {"agency_id": values["agency"].id, "asked_for": values["asked_for"],
              "requested_on": values["requested_on"], "due_on": values.get("due_on"),
              "received_on": values.get("received_on"), "waived_reason": waived,
              "waived_on": ((request.waived_on if request is not None and request.waived_on
                             else today) if waived else None)}
    if stored["due_on"] is None:
        stored["due_on"] = default_due(case, values["requested_on"])
    return stored


def add_request(case: Case, values: Mapping[str, Any], today: dt.date) -> InformationRequest:
    """Record a request to an agency for information (the Rapid Review starts if needed)."""
    refuse_if_any(request_problems(case, values, today))
    rapid = rapid_review_of(case)
    request = InformationRequest(rapid_review=rapid, **_request_values(case, values, today))
    db.session.add(request)
    db.session.flush()
    return request


def update_request(request: InformationRequest, started_from: object,
                   values: Mapping[str, Any], today: dt.date) -> bool:
    """Change a request (its received date, usually); return whether anything changed."""
    case = request.rapid_review.case
    refuse_if_any(request_problems(case, values, today))
    return apply_edit(request, started_from, _request_values(case, values, today, request))


def request_overdue(request: InformationRequest, today: dt.date) -> bool:
    """Not received nor waived, and the due date has passed."""
    return not request.settled and request.due_on < today


def request_status(request: InformationRequest, today: dt.date) -> str:
    """Say where a request stands, in words."""
    if request.received_on is not None:
        return f"Received {long_date(request.received_on)}"
    if request.waived_reason.strip():
        when = f" {long_date(request.waived_on)}" if request.waived_on else ""
        return f"Waived{when}: {request.waived_reason.strip()}"
    if request_overdue(request, today):
        return f"Overdue: due {long_date(request.due_on)}, not received"
    return f"Waiting: due {long_date(request.due_on)}"


# --- key practice episodes -------------------------------------------------------------------


def add_episode(case: Case, values: Mapping[str, Any]) -> PracticeEpisode:
    """Add a key practice episode (last, unless a position is given)."""
    rapid = rapid_review_of(case)
    position = values.get("position")
    if position is None:
        position = max((e.position for e in rapid.episodes), default=0) + 1
    episode = PracticeEpisode(rapid_review=rapid, title=values["title"],
                              description=values["description"], position=position)
    db.session.add(episode)
    db.session.flush()
    return episode


def update_episode(episode: PracticeEpisode, started_from: object,
                   values: Mapping[str, Any]) -> bool:
    """Change an episode; a blank position keeps its place."""
    stored = {"title": values["title"], "description": values["description"],
              "position": episode.position if values.get("position") is None
              else values["position"]}
    return apply_edit(episode, started_from, stored)


# --- sign-off by the three partners ----------------------------------------------------------

# While a case is at these stages its Rapid Review decision waits for the partners' sign-off
# (and after, if the team moved the case on before they signed: until the case closes).
DECISION_STAGES = tuple(stage for stage in Stage if stage is not Stage.CLOSED)


def sign_off_lines(rapid_review: RapidReview | None,
                   ) -> list[tuple[StatutoryPartner, RapidReviewSignOff | None]]:
    """The case's three partners in the guidance's order, each with its sign-off if given."""
    if rapid_review is None:
        return []
    signed = {row.partner_id: row for row in rapid_review.sign_offs}
    return [(partner, signed.get(partner.id))
            for partner in partners_in_order(rapid_review.case.partnership)]


def sign_off(case: Case, user: User, now: dt.datetime, today: dt.date) -> RapidReviewSignOff:
    """Record the user's sign-off for the partner they represent in the case's partnership.

    Refused (ReviewError) while no outcome is recorded, for someone who represents none of
    the partners now, and when their partner has signed already.
    """
    rapid = case.rapid_review
    if rapid is None or rapid.outcome is None:
        raise ReviewError("The Rapid Review cannot be signed off yet: its recommended outcome "
                          "has not been recorded")
    posts = representations(user, case.partnership, today)
    if not posts:
        raise ReviewError(f"You are not a current representative of any of "
                          f"{case.partnership.name}'s statutory partners, so you cannot sign "
                          "off this Rapid Review")
    signed = {row.partner_id: row for row in rapid.sign_offs}
    post = next((post for post in posts if post.partner_id not in signed), None)
    if post is None:
        first = signed[posts[0].partner_id]
        names = in_words(sorted({p.partner.name_on(today) for p in posts}))
        raise ReviewError(f"{names} signed off this Rapid Review already ({first.signed_by}, "
                          f"{long_date(first.signed_at.date())})")
    try:
        with db.session.begin_nested():
            row = RapidReviewSignOff(rapid_review=rapid, partner=post.partner, user_id=user.id,
                                     signed_by=(user.name or post.person.name)[:120],
                                     signed_at=now)
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the partner's other representative signed a moment ago
        raise ReviewError(f"{post.partner.name_on(today)} signed off this Rapid Review "
                          "already") from None
    return row


def decisions_waiting(user: User, day: dt.date) -> list[Waiting]:
    """Rapid Review decisions waiting for the user's partner to sign off (home page).

    A review whose outcome changed after partners signed has its sign-offs withdrawn, so it
    comes back here. Need-to-know: only cases the user may see are listed.
    """
    scope = scope_of(user, day)
    if not scope.partner_ids:
        return []
    reviews = db.session.scalars(
        sa.select(RapidReview).join(Case, Case.id == RapidReview.case_id)
        .where(Case.partnership_id.in_(scope.represented_partnership_ids),
               RapidReview.outcome.is_not(None), Case.stage.in_(DECISION_STAGES))
        .order_by(RapidReview.started_on, RapidReview.id))
    found = []
    for rapid in reviews:
        case = rapid.case
        if not can(user, "view", case):
            continue
        signed = {row.partner_id for row in rapid.sign_offs}
        post = next((post for post in representations(user, case.partnership, day)
                     if post.partner_id not in signed), None)
        if post is None:
            continue
        found.append(Waiting(
            kind="Rapid Review decision", title=f"Rapid Review: {case.reference}",
            partnership=case.partnership.name,
            url=url_for("cases.detail", case_id=case.id, _anchor="rapid-review"),
            partner=post.partner.name_on(day), since=rapid.started_on or day))
    return found
