"""Learning: every review whose recommendations we act on, each recommendation and its
actions, the multi-agency action plan (page and PDF), patterns across years, and the
managed list of themes.

Learning from elsewhere is for everyone to read and the team to record. Our own reviews
follow their case (need-to-know): each route asks the policy about the record itself before
it looks at a form, and a refusal is a 404, so a case's existence is never revealed.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import authorize, requires
from partnership.actions import services as action_services
from partnership.actions.queries import page_of
from partnership.actions.rag import Rag
from partnership.audit.services import record_event, record_view
from partnership.documents.delivery import pdf_response
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.policy import can
from partnership.reviews import document
from partnership.reviews.forms.learning import (
    DisseminationForm,
    LearningFilterForm,
    OurReviewForm,
    RecommendationForm,
    ReviewForm,
    ThemeEditForm,
    ThemeForm,
)
from partnership.reviews.models import Dissemination, Recommendation, Review, ReviewKind, Theme
from partnership.reviews.services import learning as services
from partnership.web import query_id, refused, run_service

bp = Blueprint("learning", __name__, url_prefix="/learning")

RAG_ORDER = tuple(Rag)  # worst first


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the learning pages their ways of writing dates, ratings and counts."""
    return {"long_date": long_date, "rag_order": RAG_ORDER, "ReviewKind": ReviewKind,
            "describe_counts": services.describe_counts, "action_lead": services.action_lead}


# --- finding records and asking the policy ---------------------------------------------------


def _review(review_id: int, verb: str = "view") -> Review:
    """The review, if the user may ``verb`` it (ours: else 404, as if it did not exist)."""
    authorize(verb, "reviews", hide=verb != "view")
    review = services.review_or_404(review_id)
    authorize(verb, review)
    return review


def _recommendation(recommendation_id: int) -> Recommendation:
    authorize("edit", "reviews", hide=True)
    recommendation = services.recommendation_or_404(recommendation_id)
    authorize("edit", recommendation)
    return recommendation


def _seen(review: Review) -> None:
    """Every view of our own review of a case is written to the audit trail."""
    if review.case_id is not None:
        record_view(review)


def _detail(review: Review, anchor: str | None = None) -> Response:
    return redirect(url_for(".detail", review_id=review.id, _anchor=anchor))


# --- lists -----------------------------------------------------------------------------------


@bp.route("")
@requires("view", "reviews")
def index() -> str:
    """Every review the user may see, filtered by where it comes from, theme and year."""
    flt = services.LearningFilter.from_args(request.args)
    listing = services.learning_list(flt, current_user, clock.today())
    page = page_of(listing.rows, request.args.get("page", 1, type=query_id),
                   current_app.config["PAGE_SIZE"])
    filters = LearningFilterForm(request.args, themes=listing.themes, years=listing.years)
    return render_template("learning/index.html", flt=flt, listing=listing, page=page,
                           filters=filters, args=flt.to_args())


@bp.route("/patterns")
@requires("view", "reviews")
def patterns() -> str:
    """Themes across reporting years: how many reviews and recommendations carry each."""
    return render_template("learning/patterns.html", patterns=services.patterns(current_user))


# --- learning from elsewhere, and our reviews' records ---------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@requires("create", "reviews")
def new() -> str | Response:
    """Record learning from elsewhere: its source, date and how it reached us."""
    partnerships = services.partnership_options()
    form = ReviewForm(themes=services.theme_options(), partnerships=partnerships)
    if request.method == "GET" and len(partnerships) == 1:
        form.partnership.data = str(partnerships[0].id)
    if form.validate_on_submit():
        with run_service(form) as step:
            review = services.create_review(form.partnership.record, form.values())
        if step.done:
            flash(f"Learning recorded: {review.title}", "success")
            return _detail(review)
    return render_template("learning/new.html", form=form)


@bp.route("/<int:review_id>")
def detail(review_id: int) -> str:
    """A review with its numbered recommendations and each one's actions."""
    review = _review(review_id)
    view = services.review_view(review, clock.today())
    html = render_template("learning/detail.html", review=review, view=view,
                           shared=services.disseminations_of(review))
    _seen(review)  # after the page is drawn: the audit row's commit expires what it loaded
    return html


def _review_form(review: Review, **kwargs: Any) -> ReviewForm | OurReviewForm:
    themes = services.theme_options(review.themes)
    if review.kind.is_ours:
        return OurReviewForm(obj=review, themes=themes, **kwargs)
    return ReviewForm(obj=review, themes=themes, partnerships=services.partnership_options(),
                      **kwargs)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
def edit(review_id: int) -> str | Response | tuple[str, int]:
    """Change a review's details and themes, without overwriting someone else's edit."""
    review = _review(review_id, "edit")
    form = _review_form(review)
    if request.method == "GET":
        form.version.data = str(review.version)
    if form.validate_on_submit():
        values = form.values()
        if isinstance(form, ReviewForm):
            values["partnership"] = form.partnership.record
        try:
            if services.update_review(review, form.version.data, values):
                commit_edit(review, values)
                flash(f"{review.title} updated", "success")
            return _detail(review)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=url_for(".detail",
                                                                      review_id=review.id),
                                   title=f"{conflict.obj.title} was changed while you were "
                                         "editing")
    return render_template("learning/edit.html", form=form, review=review)


@bp.route("/for-case/<int:case_id>/<review_kind>", methods=["POST"])
def for_case(case_id: int, review_kind: str) -> Response:
    """Open the recommendations of a case's Rapid Review or local review (the first time,
    create them), and go to them."""
    authorize("edit", "reviews", hide=True)
    case = services.case_or_404(case_id)
    authorize("edit", case)
    if review_kind not in {kind.value for kind in services.OURS}:
        abort(404)
    review, created = services.open_case_review(case, ReviewKind(review_kind))
    if created:
        db.session.commit()
    return _detail(review)


# --- recommendations -------------------------------------------------------------------------


def _recommendation_form(review: Review, recommendation: Recommendation | None = None,
                         **kwargs: Any) -> RecommendationForm:
    return RecommendationForm(
        obj=recommendation,
        agencies=services.agency_options(review.partnership,
                                         recommendation.agencies if recommendation else ()),
        themes=services.theme_options(recommendation.themes if recommendation else ()),
        ours=review.kind.is_ours, **kwargs)


@bp.route("/<int:review_id>/recommendations/new", methods=["GET", "POST"])
def recommendation_new(review_id: int) -> str | Response:
    """Add a numbered recommendation to a review."""
    review = _review(review_id, "edit")
    form = _recommendation_form(review)
    if request.method == "GET":
        form.number.data = services.next_number(review)
    if form.validate_on_submit():
        with run_service(form) as step:
            recommendation = services.add_recommendation(review, form.values())
        if step.done:
            flash(f"Recommendation {recommendation.number} added", "success")
            return _detail(review, f"recommendation-{recommendation.number}")
    return render_template("learning/recommendation_new.html", form=form, review=review)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
def recommendation_edit(recommendation_id: int) -> str | Response | tuple[str, int]:
    """Change a recommendation, without overwriting someone else's edit."""
    recommendation = _recommendation(recommendation_id)
    review = recommendation.review
    form = _recommendation_form(review, recommendation)
    if request.method == "GET":
        form.version.data = str(recommendation.version)
    back = url_for(".detail", review_id=review.id,
                   _anchor=f"recommendation-{recommendation.number}")
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_recommendation(recommendation, form.version.data, values):
                commit_edit(recommendation, values)
                flash(f"Recommendation {recommendation.number} updated", "success")
            return _detail(review, f"recommendation-{recommendation.number}")
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj} was changed while you were editing")
    return render_template("learning/recommendation_edit.html", form=form, review=review,
                           recommendation=recommendation, back=back)


# --- the action plan -------------------------------------------------------------------------


@bp.route("/<int:review_id>/action-plan")
def action_plan(review_id: int) -> str:
    """The review's multi-agency action plan on one page, in the familiar columns."""
    review = _review(review_id)
    plan = services.action_plan(review, clock.today())
    html = render_template("learning/action_plan.html", review=review, plan=plan,
                           columns=document.COLUMNS)
    # Every view of an action plan is audited, learning from elsewhere too (the reading room
    # promises the scrutineer that every document they open is in the audit trail); after
    # the page is drawn: the audit row's commit expires what it loaded.
    record_view(review)
    return html


@bp.route("/<int:review_id>/action-plan.pdf")
def action_plan_pdf(review_id: int) -> Response:
    """The action plan as a PDF rendered by the worker: read in the browser, or downloaded
    with ?download=1 (audited when it is sent)."""
    review = _review(review_id)
    download = request.args.get("download") == "1"
    response = pdf_response(document.action_plan_pdf_request(review, clock.today()),
                            document.pdf_filename(review), download=download,
                            back_url=url_for("learning.action_plan", review_id=review.id),
                            back_text="Back to the action plan")
    if response.status_code == 200:
        record_event("export" if download else "view", record_type="review",
                     record_id=review.id, changes={"document": "action plan PDF"})
    return response


# --- how the learning was shared ---------------------------------------------------------------

SHARED = "learning-shared"


def _add_check(row: Dissemination, check_on: Any) -> None:
    """The later check of whether practice changed: an ordinary action on the first
    recommendation the dissemination carried, made by the tracker's own service."""
    origin = action_services.Origin(row.review.partnership,
                                    recommendation=row.recommendations[0])
    action = action_services.create_action(origin, services.check_action_values(row, check_on))
    authorize("create", action)  # the policy's word on the saved record
    row.check_action_id = action.id


@bp.route("/<int:review_id>/learning-shared/new", methods=["GET", "POST"])
def dissemination_new(review_id: int) -> str | Response:
    """Record how the review's learning was shared, linked to its recommendations."""
    review = _review(review_id, "edit")
    form = DisseminationForm(recommendations=review.recommendations)
    may_check = can(current_user, "create", "actions")
    if form.validate_on_submit():
        check_on = form.check_on.data if may_check else None
        with run_service(form) as step:
            row = services.add_dissemination(review, form.values(), check_on)
            if check_on is not None:
                _add_check(row, check_on)
        if step.done:
            flash(f"Recorded: {row.title}", "success")
            return _detail(review, SHARED)
    return render_template("learning/dissemination_new.html", form=form, review=review,
                           may_check=may_check)


@bp.route("/learning-shared/<int:dissemination_id>/edit", methods=["GET", "POST"])
def dissemination_edit(dissemination_id: int) -> str | Response | tuple[str, int]:
    """Change how the learning was shared, without overwriting someone else's edit."""
    authorize("edit", "reviews", hide=True)
    row = services.dissemination_or_404(dissemination_id)
    authorize("edit", row)
    review = row.review
    form = DisseminationForm(obj=row, recommendations=review.recommendations)
    may_check = row.check_action_id is None and can(current_user, "create", "actions")
    if request.method == "GET":
        form.version.data = str(row.version)
        form.method.data = row.method.value
    back = url_for(".detail", review_id=review.id, _anchor=SHARED)
    if form.validate_on_submit():
        values = form.values()
        check_on = form.check_on.data if may_check else None
        try:
            changed = services.update_dissemination(row, form.version.data, values, check_on)
            if check_on is not None:
                _add_check(row, check_on)
            if changed or check_on is not None:
                commit_edit(row, values)
                flash(f"Updated: {row.title}", "success")
            return _detail(review, SHARED)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj} was changed while you were editing")
    return render_template("learning/dissemination_edit.html", form=form, review=review,
                           row=row, may_check=may_check, back=back)


# --- themes ----------------------------------------------------------------------------------


@bp.route("/themes", methods=["GET", "POST"])
@requires("manage", "themes")
def themes() -> str | Response:
    """The managed list of learning themes: add one, see each one's use."""
    form = ThemeForm()
    if form.validate_on_submit():
        with run_service(form) as step:
            theme = services.add_theme(form.values())
        if step.done:
            flash(f"Theme added: {theme.name}", "success")
            return redirect(url_for(".themes"))
    return render_template("learning/themes.html", form=form, uses=services.theme_uses())


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@requires("manage", "themes")
def theme_edit(theme_id: int) -> str | Response | tuple[str, int]:
    """Rename, describe or retire a theme (a retired theme stays on old records)."""
    theme: Theme = services.theme_or_404(theme_id)
    form = ThemeEditForm(obj=theme)
    if request.method == "GET":
        form.version.data = str(theme.version)
        form.active.data = "yes" if theme.active else "no"
    back = url_for(".themes")
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_theme(theme, form.version.data, values):
                commit_edit(theme, values)
                flash(f"Theme updated: {theme.name}", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{conflict.obj.name} was changed while you were "
                                         "editing")
    return render_template("learning/theme_edit.html", form=form, theme=theme)
