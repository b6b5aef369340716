"""The Rapid Review pages of a case: the analysis and outcome, requests to agencies,
key practice episodes, and the partners' sign-off.

Need-to-know: every route asks the policy about the realm and then about the record, and
a refusal is a 404 (a case's existence is not revealed). Each save goes back to the case
page, at the Rapid Review's section.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from partnership.access import authorize
from partnership.audit.services import record_event, record_view
from partnership.clock import today
from partnership.database import utcnow
from partnership.documents.delivery import pdf_response
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.reviews import document as rapid_document
from partnership.reviews.forms.rapid import (
    InformationRequestForm,
    PracticeEpisodeForm,
    RapidReviewForm,
)
from partnership.reviews.models import Case, InformationRequest, PracticeEpisode
from partnership.reviews.services import rapid as services
from partnership.reviews.views import (
    case_for,
    conflict_page,
    record_for,
    to_case,
)
from partnership.web import refused, run_service

bp = Blueprint("rapid", __name__)

# Where on the case page each kind of record is shown (the case page's section ids).
SECTION = "rapid-review"
REQUESTS = "information-requests"
EPISODES = "practice-episodes"
SIGN_OFF = "sign-off"


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the pages their way of writing dates."""
    return {"long_date": long_date}


# --- the analysis and outcome ----------------------------------------------------------------


@bp.route("/cases/<int:case_id>/rapid-review", methods=["GET", "POST"])
def edit(case_id: int) -> str | Response | tuple[str, int]:
    """The Rapid Review's analysis, learning, recommended outcome and dates."""
    case = case_for("edit", case_id)
    rapid = case.rapid_review
    if rapid is not None:
        authorize("edit", rapid)
    form = RapidReviewForm(obj=rapid)
    if request.method == "GET":
        form.version.data = str(rapid.version) if rapid is not None else ""
        form.outcome.data = rapid.outcome.value if rapid is not None and rapid.outcome else ""
        record_view(case)
    if form.validate_on_submit():
        values = form.values()
        try:
            rapid, withdrawn = services.update_rapid_review(case, form.version.data, values,
                                                            today())
            commit_edit(rapid, values)
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            saved = conflict.obj
            return conflict_page(
                form, conflict, values, values, lambda name: getattr(saved, name),
                title="This Rapid Review was changed while you were editing",
                cancel_url=url_for("cases.detail", case_id=case_id, _anchor=SECTION))
        else:
            message = "Rapid Review saved"
            if withdrawn:
                message += ("; the partners' sign-offs were withdrawn because the recommended "
                            "outcome changed, so each partner must sign it off again")
            return to_case(case, SECTION, message)
    return render_template("rapid/edit.html", form=form, case=case, rapid=rapid,
                           clock=services.rapid_clock(case, rapid, today()))


# --- information from agencies ---------------------------------------------------------------


def _request_form(case: Case, information: InformationRequest | None = None,
                  ) -> InformationRequestForm:
    form = InformationRequestForm(obj=information)
    form.agency.offer(services.agency_choices(case), lambda agency: agency.name)
    return form


def _request_words(values: dict[str, Any]) -> dict[str, Any]:
    return {"agency": values.get("agency"), **{name: values.get(name) for name in (
        "asked_for", "requested_on", "due_on", "received_on", "waived_reason")}}


def _save_request(case: Case, form: InformationRequestForm,
                  information: InformationRequest | None) -> Response | tuple[str, int] | None:
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if information is None:
            information = services.add_request(case, values, today())
            db.session.commit()
            return to_case(case, REQUESTS, f"Request to {information.agency.name} added")
        if services.update_request(information, form.version.data, values, today()):
            commit_edit(information, values)
            return to_case(case, REQUESTS, f"Request to {information.agency.name} updated")
        return to_case(case, REQUESTS)
    except DomainError as problem:
        refused(form, problem)
    except EditConflict as conflict:
        saved = conflict.obj
        return conflict_page(
            form, conflict, _request_words(values), _request_words(values),
            lambda name: getattr(saved, name),
            title="This request was changed while you were editing",
            cancel_url=url_for("cases.detail", case_id=case.id, _anchor=REQUESTS))
    return None


@bp.route("/cases/<int:case_id>/rapid-review/requests/new", methods=["GET", "POST"])
def request_new(case_id: int) -> str | Response | tuple[str, int]:
    """Record a request to an agency for its information."""
    case = case_for("edit", case_id)
    form = _request_form(case)
    if request.method == "GET":
        form.requested_on.data = today()
        form.due_on.data = services.default_due(case, today())
        involved = case.agencies
        if len(involved) == 1:
            form.agency.data = str(involved[0].id)
        record_view(case)
    saved = _save_request(case, form, None)
    if saved is not None:
        return saved
    return render_template("rapid/request.html", form=form, case=case, information=None)


@bp.route("/cases/rapid-review/requests/<int:request_id>/edit", methods=["GET", "POST"])
def request_edit(request_id: int) -> str | Response | tuple[str, int]:
    """Change a request to an agency: usually, to record that the information came."""
    information: InformationRequest = record_for("edit", InformationRequest, request_id)
    case = information.rapid_review.case
    form = _request_form(case, information)
    if request.method == "GET":
        form.version.data = str(information.version)
        record_view(case)
    saved = _save_request(case, form, information)
    if saved is not None:
        return saved
    return render_template("rapid/request.html", form=form, case=case, information=information,
                           status=services.request_status(information, today()))


# --- key practice episodes -------------------------------------------------------------------


def _save_episode(case: Case, form: PracticeEpisodeForm,
                  episode: PracticeEpisode | None) -> Response | tuple[str, int] | None:
    if not form.validate_on_submit():
        return None
    values = form.values()
    try:
        if episode is None:
            episode = services.add_episode(case, values)
            db.session.commit()
            return to_case(case, EPISODES, f"Episode “{episode.title}” added")
        if services.update_episode(episode, form.version.data, values):
            commit_edit(episode, values)
            return to_case(case, EPISODES, f"Episode “{episode.title}” updated")
        return to_case(case, EPISODES)
    except EditConflict as conflict:
        saved = conflict.obj
        return conflict_page(
            form, conflict, values, values, lambda name: getattr(saved, name),
            title="This episode was changed while you were editing",
            cancel_url=url_for("cases.detail", case_id=case.id, _anchor=EPISODES))


@bp.route("/cases/<int:case_id>/rapid-review/episodes/new", methods=["GET", "POST"])
def episode_new(case_id: int) -> str | Response | tuple[str, int]:
    """Add a key practice episode to the Rapid Review."""
    case = case_for("edit", case_id)
    form = PracticeEpisodeForm()
    if request.method == "GET":
        record_view(case)
    saved = _save_episode(case, form, None)
    if saved is not None:
        return saved
    return render_template("rapid/episode.html", form=form, case=case, episode=None)


@bp.route("/cases/rapid-review/episodes/<int:episode_id>/edit", methods=["GET", "POST"])
def episode_edit(episode_id: int) -> str | Response | tuple[str, int]:
    """Change a key practice episode."""
    episode: PracticeEpisode = record_for("edit", PracticeEpisode, episode_id)
    case = episode.rapid_review.case
    form = PracticeEpisodeForm(obj=episode)
    if request.method == "GET":
        form.version.data = str(episode.version)
        record_view(case)
    saved = _save_episode(case, form, episode)
    if saved is not None:
        return saved
    return render_template("rapid/episode.html", form=form, case=case, episode=episode)


# --- sign-off --------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/rapid-review/sign-off", methods=["POST"])
def sign_off(case_id: int) -> Response:
    """A partner's representative signs the Rapid Review off for their statutory partner."""
    case = case_for("sign_off", case_id)
    if case.rapid_review is not None:
        authorize("sign_off", case.rapid_review)
    with run_service(category="message") as step:
        row = services.sign_off(case, current_user, utcnow(), today())
    if not step.done:
        return to_case(case, SIGN_OFF)
    return to_case(case, SIGN_OFF, f"You signed off the Rapid Review of {case.reference} for "
                                   f"{row.partner.name_on(today())}")


# --- the Rapid Review document ---------------------------------------------------------------


@bp.route("/cases/<int:case_id>/rapid-review.pdf")
def document(case_id: int) -> Response:
    """The Rapid Review as a PDF in the national panel's order, ready to send: read in the
    browser, or downloaded with ?download=1 (audited as a view or an export of the case)."""
    case = case_for("view", case_id)
    download = request.args.get("download") == "1"
    response = pdf_response(rapid_document.rapid_review_pdf_request(case, today()),
                            rapid_document.rapid_review_filename(case), download=download,
                            back_url=url_for("cases.detail", case_id=case.id, _anchor=SECTION),
                            back_text=f"Back to {case.reference}")
    if response.status_code == 200:
        if download:
            record_event("export", record_type="case_record", record_id=case.id,
                         changes={"document": "Rapid Review PDF"})
        else:
            record_view(case)
    return response
