"""Schools and settings: the list by phase, and adding or updating them from a spreadsheet."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from partnership.access import authorize, requires
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.forms.establishments import (
    EstablishmentConfirmForm,
    EstablishmentUploadForm,
)
from partnership.register.models import Partnership
from partnership.register.services import establishments as service
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import query_id, refused, run_service

bp = Blueprint("establishments", __name__, url_prefix="/partnerships/<slug>/establishments")
NOT_STATED = "not-stated"  # the phase filter's value for establishments with no phase


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _report(plan: service.ImportPlan) -> str:
    return (f"{len(plan.added)} added, {len(plan.updated)} updated, "
            f"{len(plan.unchanged)} unchanged")


@bp.route("")
@requires("view", "register")
def index(slug: str) -> str:
    """List the partnership's schools and settings by phase, with counts, a page at a time."""
    partnership = _partnership(slug)
    group_id = request.args.get("group", None, type=query_id)
    group = service.group_or_404(partnership, group_id) if group_id else None
    raw_phase = request.args.get("phase")
    phase = "" if raw_phase == NOT_STATED else (raw_phase or None)
    counts = service.phase_counts(partnership, group)
    page = service.establishments_page(
        partnership, page=request.args.get("page", 1, type=query_id),
        per_page=current_app.config["PAGE_SIZE"], phase=phase, group=group)
    return render_template(
        "establishments/index.html", partnership=partnership, counts=counts, page=page,
        group=group, phase=phase, total=sum(c.count for c in counts), not_stated=NOT_STATED)


@bp.route("/upload", methods=["GET", "POST"])
@requires("edit", "register")
def upload(slug: str) -> str | Response:
    """Check a spreadsheet of establishments and show what saving it would change."""
    partnership = _partnership(slug)
    authorize("edit", partnership)
    form = EstablishmentUploadForm(groups=service.groups_of(partnership))
    problems: list[service.RowProblem] = []
    if form.validate_on_submit():
        limit = current_app.config["ESTABLISHMENT_FILE_MAX_BYTES"]
        content = form.spreadsheet.data.stream.read(limit + 1)
        try:
            if len(content) > limit:
                raise DomainError(f"The file must be {limit // (1024 * 1024)} MB or smaller",
                                  "spreadsheet")
            result, plan = service.checked_upload(
                partnership, form.spreadsheet.data.filename or "", content, form.group.record)
        except service.ImportRefused as refusal:
            problems = refusal.found
            refused(form, refusal)
        except DomainError as problem:
            refused(form, problem)
        else:
            confirm = EstablishmentConfirmForm(formdata=None)
            confirm.checked.data = service.seal_upload(result.rows, form.group.record)
            return render_template(
                "establishments/preview.html", partnership=partnership, plan=plan,
                result=result, confirm=confirm, group=form.group.record,
                filename=form.spreadsheet.data.filename)
    return render_template("establishments/upload.html", form=form, partnership=partnership,
                           problems=problems)


@bp.route("/upload/confirm", methods=["POST"])
@requires("edit", "register")
def confirm(slug: str) -> str | Response:
    """Save the checked establishments: add the new ones and update the others by URN."""
    partnership = _partnership(slug)
    authorize("edit", partnership)
    form = EstablishmentConfirmForm()
    if form.validate_on_submit():
        with run_service(form, default="checked", category="error") as step:
            group_id, rows = service.open_upload(form.checked.data or "")
            group = service.group_or_404(partnership, group_id) if group_id else None
            service.recheck(rows)
            plan = service.import_establishments(partnership, rows, group)
        if step.done:
            flash(f"Schools and settings saved: {_report(plan)}", "success")
            return redirect(url_for(".index", slug=slug))
    db.session.rollback()
    flash("The checked file could not be saved: nothing has been changed. Upload it again",
          "error")
    return redirect(url_for(".upload", slug=slug))
