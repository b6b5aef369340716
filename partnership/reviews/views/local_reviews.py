"""The local child safeguarding practice review pages of a case: the decision and what the
review is about, reviewers, milestones, the publication decision and monitoring.

Need-to-know as on every case page: the realm, then the record; refusals are 404s. Each
save goes back to the case page, at the local review's section.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize
from partnership.audit.services import record_view
from partnership.clock import today
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.reviews.forms.local import (
    LocalReviewForm,
    MilestonesForm,
    MonitoringEntryForm,
    PublicationForm,
    ReviewerForm,
)
from partnership.reviews.models import Case, LocalReview, Reviewer
from partnership.reviews.services import local as services
from partnership.reviews.services import settings_for
from partnership.reviews.services.deadlines import checkpoint
from partnership.reviews.views import (
    case_for,
    conflict_page,
    record_for,
    to_case,
)
from partnership.web import refused, run_service

bp = Blueprint("local_reviews", __name__)

# Where on the case page each kind of record is shown (the case page's section ids).
SECTION = "local-review"
REVIEWERS = "reviewers"
MILESTONES = "milestones"
PUBLICATION = "publication"
MONITORING = "monitoring"


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the pages their way of writing dates."""
    return {"long_date": long_date}


def _local_or_start(case: Case) -> LocalReview | Response:
    """The case's local review; without one, back to recording the decision first."""
    if case.local_review is None:
        flash(str(services.LocalReviewMissing()))
        return redirect(url_for(".edit", case_id=case.id))
    authorize("edit", case.local_review)
    return case.local_review


def _cancel(case: Case, anchor: str) -> str:
    return url_for("cases.detail", case_id=case.id, _anchor=anchor)


# --- the decision, terms of reference and involvement ----------------------------------------


@bp.route("/cases/<int:case_id>/local-review", methods=["GET", "POST"])
def edit(case_id: int) -> str | Response | tuple[str, int]:
    """The decision to hold a local review, its terms of reference, methodology and the
    family's and practitioners' involvement (the review starts on its first save)."""
    case = case_for("edit", case_id)
    local = case.local_review
    if local is not None:
        authorize("edit", local)
    form = LocalReviewForm(obj=local)
    if request.method == "GET":
        form.version.data = str(local.version) if local is not None else ""
        record_view(case)
    if form.validate_on_submit():
        values = form.values()
        try:
            local = services.save_local_review(case, form.version.data, values, today())
            commit_edit(local, values)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(
                form, conflict, values, values, lambda name: getattr(saved, name),
                title="This local review was changed while you were editing",
                cancel_url=_cancel(case, SECTION))
        else:
            return to_case(case, SECTION, "Local review saved")
    return render_template("local_reviews/edit.html", form=form, case=case, local=local,
                           months=settings_for(case.partnership).local_review_months)


# --- reviewers -------------------------------------------------------------------------------


def _save_reviewer(case: Case, form: ReviewerForm,
                   reviewer: Reviewer | None) -> Response | tuple[str, int] | None:
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if reviewer is None:
            reviewer = services.add_reviewer(case, values, today())
            db.session.commit()
            return to_case(case, REVIEWERS, f"{reviewer.name} added as a reviewer")
        if services.update_reviewer(reviewer, form.version.data, values, today()):
            commit_edit(reviewer, values)
            return to_case(case, REVIEWERS, f"{reviewer.name}'s details updated")
        return to_case(case, REVIEWERS)
    except DomainError as problem:
        refused(form, problem)
    except EditConflict as conflict:
        saved = conflict.obj
        return conflict_page(form, conflict, values, values, lambda name: getattr(saved, name),
                             title="This reviewer was changed while you were editing",
                             cancel_url=_cancel(case, REVIEWERS))
    return None


@bp.route("/cases/<int:case_id>/local-review/reviewers/new", methods=["GET", "POST"])
def reviewer_new(case_id: int) -> str | Response | tuple[str, int]:
    """Record a reviewer commissioned for the local review."""
    case = case_for("edit", case_id)
    local = _local_or_start(case)
    if isinstance(local, Response):
        return local
    form = ReviewerForm()
    if request.method == "GET":
        record_view(case)
    saved = _save_reviewer(case, form, None)
    if saved is not None:
        return saved
    return render_template("local_reviews/reviewer.html", form=form, case=case, reviewer=None)


@bp.route("/cases/local-review/reviewers/<int:reviewer_id>/edit", methods=["GET", "POST"])
def reviewer_edit(reviewer_id: int) -> str | Response | tuple[str, int]:
    """Change a reviewer's details."""
    reviewer: Reviewer = record_for("edit", Reviewer, reviewer_id)
    case = reviewer.local_review.case
    form = ReviewerForm(obj=reviewer)
    if request.method == "GET":
        form.version.data = str(reviewer.version)
        record_view(case)
    saved = _save_reviewer(case, form, reviewer)
    if saved is not None:
        return saved
    return render_template("local_reviews/reviewer.html", form=form, case=case,
                           reviewer=reviewer)


# --- milestones ------------------------------------------------------------------------------


def _fill_milestones(form: MilestonesForm, local: LocalReview, *, dates: bool) -> None:
    """Show each milestone as saved (``dates``), or the default due date for a new one; set
    the versions the form is opened at."""
    saved = {row.kind: row for row in local.milestones}
    for kind, due, done, note, version in form.rows():
        row = saved.get(kind)
        version.data = str(row.version) if row is not None else ""
        if not dates:
            continue
        due.data = row.due_on if row is not None else services.default_due(local, kind)
        done.data = row.done_on if row is not None else None
        note.data = row.note if row is not None else ""


@bp.route("/cases/<int:case_id>/local-review/milestones", methods=["GET", "POST"])
def milestones(case_id: int) -> str | Response | tuple[str, int]:
    """Every milestone of the local review in one form, saved in one go."""
    case = case_for("edit", case_id)
    local = _local_or_start(case)
    if isinstance(local, Response):
        return local
    form = MilestonesForm()
    changed_by_someone: services.MilestonesChanged | None = None
    if request.method == "GET":
        _fill_milestones(form, local, dates=True)
        record_view(case)
    elif form.validate_on_submit():
        try:
            count = services.save_milestones(case, form.values(), form.versions(), today())
            db.session.commit()
        except services.MilestonesChanged as problem:
            db.session.rollback()
            changed_by_someone = problem
            _fill_milestones(form, local, dates=False)  # keep what they typed, newest versions
        except DomainError as problem:
            refused(form, problem)
        else:
            return to_case(case, MILESTONES, "Milestones saved" if count else None)
    page = render_template("local_reviews/milestones.html", form=form, case=case, local=local,
                           lines={line.kind: line
                                  for line in services.milestone_lines(local, today())},
                           changed_by_someone=changed_by_someone)
    return (page, 409) if changed_by_someone is not None else page


# --- publication -----------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/local-review/publication", methods=["GET", "POST"])
def publication(case_id: int) -> str | Response | tuple[str, int]:
    """The publication decision, with the risks weighed and the reason, and the publication."""
    case = case_for("edit", case_id)
    local = _local_or_start(case)
    if isinstance(local, Response):
        return local
    form = PublicationForm(obj=local)
    if request.method == "GET":
        form.version.data = str(local.version)
        record_view(case)
    if form.validate_on_submit():
        values = form.values()
        try:
            services.save_publication(case, form.version.data, values, today())
            commit_edit(local, values)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(
                form, conflict, values, values, lambda name: getattr(saved, name),
                title="The publication decision was changed while you were editing",
                cancel_url=_cancel(case, PUBLICATION))
        else:
            return to_case(case, PUBLICATION, "Publication decision saved")
    return render_template("local_reviews/publication.html", form=form, case=case, local=local)


# --- monitoring ------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/local-review/monitoring/new", methods=["GET", "POST"])
def monitoring_new(case_id: int) -> str | Response:
    """Record a check of the local review's timeliness and quality."""
    case = case_for("edit", case_id)
    local = _local_or_start(case)
    if isinstance(local, Response):
        return local
    form = MonitoringEntryForm()
    if request.method == "GET":
        form.recorded_on.data = today()
        record_view(case)
    if form.validate_on_submit():
        with run_service(form) as step:
            services.add_monitoring(case, form.values(), current_user, today())
        if step.done:
            return to_case(case, MONITORING, "Monitoring check recorded")
    settings = settings_for(case.partnership)
    return render_template("local_reviews/monitoring.html", form=form, case=case, local=local,
                           lines=services.monitoring_lines(local),
                           checkpoint=checkpoint(case, settings, today()),
                           weeks=settings.monitoring_weeks)
