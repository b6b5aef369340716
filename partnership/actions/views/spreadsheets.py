"""CSV/XLSX export of any action list, and importing a tracker spreadsheet.

The import is three pages: upload (choose the plan and the file), columns (match the
spreadsheet's headings to our fields) and preview (every row checked; import all or
nothing). An upload belongs to the person who made it: anyone else is told it does not exist.
The reading, checking and importing live in :mod:`partnership.actions.spreadsheets`.
"""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from partnership.access import requires
from partnership.actions import spreadsheets
from partnership.actions.forms import ImportForm, UploadForm, columns_form
from partnership.actions.models import ImportUpload
from partnership.actions.queries import ActionFilter
from partnership.actions.spreadsheets import FIELDS_BY_NAME, AlreadyImported
from partnership.actions.views.blueprint import bp
from partnership.documents.spreadsheets import EXTENSIONS, SpreadsheetError, Table, read_table
from partnership.extensions import db
from partnership.plans.models import Plan
from partnership.register.models import Partnership
from partnership.web import render_error

PREVIEW_ROWS = 50  # rows shown on the preview page (all are checked)
PROBLEMS_SHOWN = 1000
FILENAME_LIMIT = 200  # ImportUpload.filename


@bp.route("/export.<fmt>")
@requires("export", "actions")
def export(fmt: str) -> Response:
    """Download every action the list's filter matches (all pages), as CSV or XLSX."""
    if fmt not in EXTENSIONS:  # export.csv or export.xlsx, nothing else
        abort(404)
    flt = ActionFilter.from_args(request.args)
    result = spreadsheets.export_actions(flt, fmt)
    spreadsheets.audit_export(flt, result)
    return send_file(io.BytesIO(result.data), mimetype=result.mimetype, as_attachment=True,
                     download_name=result.filename, max_age=0)


def _limit_mb() -> int:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024
    return max(1, limit // (1024 * 1024))


def _plans() -> list[Plan]:
    return list(db.session.scalars(
        sa.select(Plan).join(Partnership, Partnership.id == Plan.partnership_id)
        .order_by(Partnership.name, Plan.first_year.desc(), Plan.title)))


def _upload_form(**kwargs: object) -> UploadForm:
    return UploadForm(plans=_plans(), limit_mb=_limit_mb(), **kwargs)  # type: ignore[arg-type]


def _stored_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "spreadsheet"
    if len(name) > FILENAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        name = stem[:FILENAME_LIMIT - len(extension) - 1] + dot + extension
    return name


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Say next to the file field that the file is too big (other pages: the error page)."""
    if request.endpoint != "actions.import_start" or not current_user.is_authenticated:
        return render_error(413), 413
    form = _upload_form(formdata=None)  # the body is never read
    form.spreadsheet.errors = [f"The file must be smaller than {_limit_mb()} MB"]
    return render_template("actions/import_start.html", form=form), 413


@bp.route("/import", methods=["GET", "POST"])
@requires("import", "actions")
def import_start() -> str | Response:
    """Choose the plan and upload a tracker spreadsheet (CSV or XLSX)."""
    form = _upload_form()
    if form.validate_on_submit():
        upload_file = form.spreadsheet.data
        filename = _stored_name(upload_file.filename)
        content = upload_file.read()
        try:
            table = read_table(filename, content)
        except SpreadsheetError as problem:
            form.spreadsheet.errors = [str(problem)]
        else:
            upload = ImportUpload(user_id=current_user.id, plan=form.plan.record,
                                  filename=filename, content=content,
                                  mapping=spreadsheets.suggest_mapping(table.headings))
            db.session.add(upload)
            db.session.commit()
            return redirect(url_for(".import_columns", upload_id=upload.id))
    return render_template("actions/import_start.html", form=form)


def _upload(upload_id: int) -> ImportUpload:
    """Return the current user's own upload; anyone else's does not exist for them."""
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.user_id != current_user.id:
        abort(404)
    return upload


def _table(upload: ImportUpload) -> Table:
    try:
        return read_table(upload.filename, upload.content)
    except SpreadsheetError:  # it was read when uploaded; only a change of rules gets here
        abort(404)


@bp.route("/import/<int:upload_id>/columns", methods=["GET", "POST"])
@requires("import", "actions")
def import_columns(upload_id: int) -> str | Response:
    """Match the spreadsheet's headings to our fields."""
    upload = _upload(upload_id)
    if upload.imported_at is not None:
        return redirect(url_for(".import_preview", upload_id=upload.id))
    table = _table(upload)
    mapping = spreadsheets.clean_mapping(upload.mapping or {}, table.headings)
    form = columns_form(table.headings, mapping)
    if form.validate_on_submit():
        problems = spreadsheets.mapping_problems(form.mapping)
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            upload.mapping = form.mapping
            db.session.commit()
            return redirect(url_for(".import_preview", upload_id=upload.id))
    return render_template("actions/import_columns.html", upload=upload, table=table,
                           form=form, fields=FIELDS_BY_NAME)


@bp.route("/import/<int:upload_id>/preview", methods=["GET", "POST"])
@requires("import", "actions")
def import_preview(upload_id: int) -> str | Response:
    """Check every row; import them all in one go when none has a problem."""
    upload = _upload(upload_id)
    plan = upload.plan
    list_url = url_for(".index", plan_id=plan.id)
    form = ImportForm()
    if upload.imported_at is not None:
        if request.method == "POST":
            flash(f"{upload.filename} was imported already", "info")
            return redirect(list_url)
        return render_template("actions/import_done.html", upload=upload, plan=plan,
                               list_url=list_url)
    table = _table(upload)
    mapping = spreadsheets.clean_mapping(upload.mapping or {}, table.headings)
    if spreadsheets.mapping_problems(mapping):
        flash("Choose the spreadsheet's column for each action's title", "info")
        return redirect(url_for(".import_columns", upload_id=upload.id))
    checked = spreadsheets.validate(plan, mapping, table)
    if form.validate_on_submit() and checked.ok:
        try:
            actions = spreadsheets.commit_import(
                plan, checked, filename=upload.filename,
                user=current_user._get_current_object(), author_name=current_user.name,
                upload=upload)
        except AlreadyImported:
            flash(f"{upload.filename} was imported already", "info")
            return redirect(list_url)
        if any(action.objective_id is None for action in actions):
            # The plan filter follows objectives: show the partnership's list instead.
            list_url = url_for(".index", partnership_id=plan.partnership_id)
        flash(spreadsheets.import_summary(checked, upload.filename, plan), "success")
        return redirect(list_url)
    return render_template(
        "actions/import_preview.html", upload=upload, plan=plan, table=table, mapping=mapping,
        checked=checked, form=form, fields=FIELDS_BY_NAME,
        shown=checked.candidates[:PREVIEW_ROWS], problems=checked.problems[:PROBLEMS_SHOWN])
