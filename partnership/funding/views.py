"""Pages of the shared budget: the years, a year's overview, its budget lines and payments,
income, help in kind, which partner each contributor counts under, and the statement's
sign-off round (the publishing workflow's own steps and partials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from partnership import clock
from partnership.access import requires
from partnership.accounts.forms import ConfirmForm
from partnership.editing import EditConflict, render_conflict
from partnership.extensions import db
from partnership.funding import figures, services
from partnership.funding.document import draft_html
from partnership.funding.forms import (
    OTHER,
    CountsUnderForm,
    InKindForm,
    LineForm,
    ReceiptForm,
    SpendingForm,
    StatementRoundForm,
)
from partnership.funding.models import BudgetStatement
from partnership.kernel.dates import year_label
from partnership.kernel.errors import DomainError, NotFound
from partnership.policy import readable
from partnership.publishing import workflow
from partnership.publishing.views import (
    publish_from_form,
    published_file_response,
    sign_from_form,
)
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partners_in_order, partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("funding", __name__, url_prefix="/partnerships/<slug>/budget")
bp_all = Blueprint("funding_all", __name__, url_prefix="/budget")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the budget's pages their way of naming a year and of reading a stored amount."""
    return {"year_words": figures.year_words, "in_pence": figures.pence_of}


def _found(lookup: Callable[..., Any], *args: Any) -> Any:
    try:
        return lookup(*args)
    except NotFound:
        abort(404)


def _year(partnership: Partnership, year: int) -> int:
    return int(_found(services.check_year, year))


def _page(name: str, partnership: Partnership, year: int, **context: Any) -> str:
    return render_template(f"funding/{name}.html", partnership=partnership, year=year,
                           label=year_label(year, partnership.year_start_month), **context)


def _edit(form: FlaskForm, save: Callable[[], bool], back: str, what: str,
          template: Callable[[], str]) -> str | Response | tuple[str, int]:
    """Save an edit form: back to the list when saved, the conflict page if someone saved
    first, the form with its errors next to the fields if the rules refuse it."""
    if form.validate_on_submit():
        try:
            if save():
                flash(f"{what} saved", "success")
            return redirect(back)
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title=f"{what} was changed while you were editing")
        except DomainError as refusal:
            refused(form, refusal)
    return template()


def _opened(form: FlaskForm, row: Any) -> None:
    if request.method == "GET":
        form.version.data = str(row.version)


def _remove(remove: Callable[[], None], back: str, what: str) -> Response:
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            remove()
        if step.done:
            flash(f"{what} removed", "success")
    return redirect(back)


# --- the years -------------------------------------------------------------------------------


@bp_all.route("", endpoint="index")
@requires("view", "funding")
def every_partnership() -> str:
    """Each partnership's budget the reader serves."""
    partnerships = list(db.session.scalars(
        sa.select(Partnership).where(readable(Partnership)).order_by(Partnership.name)))
    return render_template("funding/all.html", partnerships=partnerships)


@bp.route("")
@requires("view", "funding")
def index(slug: str) -> str:
    """Every year's headline figures and statement, the current year first."""
    partnership = partnership_or_404(slug)
    current = figures.current_year(partnership, clock.today())
    years = sorted({current, *figures.recorded_years(partnership)}, reverse=True)
    statements: dict[int, BudgetStatement] = {}
    for statement in services.statements_of(partnership):
        if statement.published and statement.year not in statements:
            statements[statement.year] = statement
    return render_template("funding/index.html", partnership=partnership, current=current,
                           rows=figures.summaries(partnership, years), statements=statements,
                           statement_words=services.statement_words)


@bp.route("/<int:year>")
@requires("view", "funding")
def year(slug: str, year: int) -> str:
    """A year's budget: income, spending, the position, and each partner's share."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    budget = figures.budget_of(partnership, year)
    published = services.published_statement(partnership, year)
    return _page("year", partnership, year, budget=budget, published=published,
                 draft=services.open_statement(partnership, year),
                 ended=budget.ended_by(clock.today()),
                 changed=services.changed_since_published(partnership, published,
                                                          clock.today()))


# --- which partner a contributor counts under ------------------------------------------------


def _partner_choices(partnership: Partnership) -> list[tuple[Any, str]]:
    day = clock.today()
    return [(partner, partner.name_on(day)) for partner in partners_in_order(partnership)]


@bp.route("/contributors")
@requires("view", "funding")
def contributors(slug: str) -> str:
    """Which statutory partner each agency's money counts under, for the partner shares."""
    partnership = partnership_or_404(slug)
    labels = {partner.id: label for partner, label in _partner_choices(partnership)}
    return render_template("funding/contributors.html", partnership=partnership,
                           agencies=services.agencies_of(partnership),
                           rows=services.counted(partnership), labels=labels)


@bp.route("/contributors/<int:agency_id>", methods=["GET", "POST"])
@requires("edit", "funding")
def contributor_edit(slug: str, agency_id: int) -> str | Response | tuple[str, int]:
    """Say which statutory partner an agency's money counts under."""
    partnership = partnership_or_404(slug)
    agency = _found(services.agency_of, partnership, agency_id)
    row = services.counts_under(partnership, agency)
    form = CountsUnderForm(partners=_partner_choices(partnership))
    if request.method == "GET" and row is not None:
        form.version.data = str(row.version)
        form.partner.data = str(row.partner_id) if row.partner_id else OTHER
    back = url_for(".contributors", slug=slug)
    return _edit(form, lambda: services.count_under(partnership, agency, form.chosen,
                                                    form.version.data),
                 back, agency.name,
                 lambda: render_template("funding/contributor_edit.html", form=form,
                                         partnership=partnership, agency=agency))


# --- budget lines and payments ---------------------------------------------------------------


@bp.route("/<int:year>/lines")
@requires("view", "funding")
def lines(slug: str, year: int) -> str:
    """The year's budget lines, the payments against each, and what is left."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    rows = services.lines_of(partnership, year)
    budget = figures.budget_of(partnership, year)
    return _page("lines", partnership, year, rows=rows, budget=budget,
                 by_id={line.id: line for line in budget.lines},
                 earlier=bool(services.lines_of(partnership, year - 1)) if not rows else False,
                 confirm=ConfirmForm())


@bp.route("/<int:year>/lines/new", methods=["GET", "POST"])
@requires("edit", "funding")
def line_new(slug: str, year: int) -> str | Response:
    """Add a line to the year's budget."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    form = LineForm()
    if form.validate_on_submit():
        with run_service(form, default="heading") as step:
            line = services.add_line(partnership, year, form.values())
            heading = line.heading
        if step.done:
            flash(f"{heading} added to the budget", "success")
            return redirect(url_for(".lines", slug=slug, year=year))
    return _page("line_form", partnership, year, form=form, line=None)


@bp.route("/<int:year>/lines/copy", methods=["POST"])
@requires("edit", "funding")
def lines_copy(slug: str, year: int) -> Response:
    """Start the year's budget from the year before's lines."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    if ConfirmForm().validate_on_submit():
        with run_service() as step:
            copied = services.copy_lines(partnership, year)
        if step.done:
            flash(f"{len(copied)} lines copied from the year before: change the amounts "
                  "for this year", "success")
    return redirect(url_for(".lines", slug=slug, year=year))


@bp.route("/lines/<int:budget_line_id>", methods=["GET", "POST"])
@requires("edit", "funding")
def line_edit(slug: str, budget_line_id: int) -> str | Response | tuple[str, int]:
    """Change a line's heading or the amount set for it."""
    partnership = partnership_or_404(slug)
    line = _found(services.line_of, partnership, budget_line_id)
    form = LineForm(obj=line)
    _opened(form, line)
    back = url_for(".lines", slug=slug, year=line.year, _anchor=f"line-{line.id}")
    return _edit(form, lambda: services.edit_line(line, form.version.data, form.values()),
                 back, line.heading,
                 lambda: _page("line_form", partnership, line.year, form=form, line=line,
                               confirm=ConfirmForm()))


@bp.route("/lines/<int:budget_line_id>/remove", methods=["POST"])
@requires("edit", "funding")
def line_remove(slug: str, budget_line_id: int) -> Response:
    """Remove a line set in error (only while nothing is spent against it)."""
    partnership = partnership_or_404(slug)
    line = _found(services.line_of, partnership, budget_line_id)
    heading, back = line.heading, url_for(".lines", slug=slug, year=line.year)
    return _remove(lambda: services.remove_line(line), back, heading)


@bp.route("/lines/<int:budget_line_id>/payments/new", methods=["GET", "POST"])
@requires("edit", "funding")
def spending_new(slug: str, budget_line_id: int) -> str | Response:
    """Record a payment against a budget line."""
    partnership = partnership_or_404(slug)
    line = _found(services.line_of, partnership, budget_line_id)
    form = SpendingForm()
    if form.validate_on_submit():
        with run_service(form, default="description") as step:
            services.add_spending(line, form.values())
        if step.done:
            flash(f"Payment recorded against {line.heading}", "success")
            return redirect(url_for(".lines", slug=slug, year=line.year,
                                    _anchor=f"line-{line.id}"))
    return _page("spending_form", partnership, line.year, form=form, line=line, payment=None)


@bp.route("/payments/<int:spending_id>", methods=["GET", "POST"])
@requires("edit", "funding")
def spending_edit(slug: str, spending_id: int) -> str | Response | tuple[str, int]:
    """Correct a payment."""
    partnership = partnership_or_404(slug)
    payment = _found(services.spending_of, partnership, spending_id)
    line = payment.line
    form = SpendingForm(obj=payment)
    _opened(form, payment)
    back = url_for(".lines", slug=slug, year=line.year, _anchor=f"line-{line.id}")
    return _edit(form, lambda: services.edit_spending(payment, form.version.data,
                                                      form.values()),
                 back, "The payment",
                 lambda: _page("spending_form", partnership, line.year, form=form, line=line,
                               payment=payment, confirm=ConfirmForm()))


@bp.route("/payments/<int:spending_id>/remove", methods=["POST"])
@requires("edit", "funding")
def spending_remove(slug: str, spending_id: int) -> Response:
    """Remove a payment recorded in error."""
    partnership = partnership_or_404(slug)
    payment = _found(services.spending_of, partnership, spending_id)
    back = url_for(".lines", slug=slug, year=payment.line.year)
    return _remove(lambda: services.remove_spending(payment), back, "The payment")


# --- income ----------------------------------------------------------------------------------


@bp.route("/<int:year>/income")
@requires("view", "funding")
def income(slug: str, year: int) -> str:
    """Contributions agreed and received, agency by agency, and every sum received."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    return _page("income", partnership, year, budget=figures.budget_of(partnership, year),
                 receipts=services.receipts_of(partnership, year))


@bp.route("/<int:year>/income/new", methods=["GET", "POST"])
@requires("edit", "funding")
def receipt_new(slug: str, year: int) -> str | Response:
    """Record money received for the year."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    form = ReceiptForm(agencies=services.agencies_of(partnership))
    if request.method == "GET" and request.args.get("kind") in ("contribution", "grant",
                                                                "other"):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        with run_service(form, default="amount") as step:
            services.add_receipt(partnership, year, form.values())
        if step.done:
            flash("Income recorded", "success")
            return redirect(url_for(".income", slug=slug, year=year))
    return _page("receipt_form", partnership, year, form=form, receipt=None)


@bp.route("/income/<int:receipt_id>", methods=["GET", "POST"])
@requires("edit", "funding")
def receipt_edit(slug: str, receipt_id: int) -> str | Response | tuple[str, int]:
    """Correct income received."""
    partnership = partnership_or_404(slug)
    receipt = _found(services.receipt_of, partnership, receipt_id)
    form = ReceiptForm(obj=receipt, agencies=services.agencies_of(partnership))
    _opened(form, receipt)
    back = url_for(".income", slug=slug, year=receipt.year)
    return _edit(form, lambda: services.edit_receipt(receipt, form.version.data,
                                                     form.values()),
                 back, "The income",
                 lambda: _page("receipt_form", partnership, receipt.year, form=form,
                               receipt=receipt, confirm=ConfirmForm()))


@bp.route("/income/<int:receipt_id>/remove", methods=["POST"])
@requires("edit", "funding")
def receipt_remove(slug: str, receipt_id: int) -> Response:
    """Remove income recorded in error."""
    partnership = partnership_or_404(slug)
    receipt = _found(services.receipt_of, partnership, receipt_id)
    back = url_for(".income", slug=slug, year=receipt.year)
    return _remove(lambda: services.remove_receipt(receipt), back, "The income")


# --- help in kind ----------------------------------------------------------------------------


@bp.route("/<int:year>/in-kind")
@requires("view", "funding")
def in_kind(slug: str, year: int) -> str:
    """What agencies gave in kind for the year, and its estimated value."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    return _page("in_kind", partnership, year, rows=services.in_kind_rows(partnership, year))


@bp.route("/<int:year>/in-kind/new", methods=["GET", "POST"])
@requires("edit", "funding")
def in_kind_new(slug: str, year: int) -> str | Response:
    """Record what an agency gave in kind."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    form = InKindForm(agencies=services.agencies_of(partnership))
    if form.validate_on_submit():
        with run_service(form, default="description") as step:
            services.add_in_kind(partnership, year, form.values())
        if step.done:
            flash("Help in kind recorded", "success")
            return redirect(url_for(".in_kind", slug=slug, year=year))
    return _page("in_kind_form", partnership, year, form=form, row=None)


@bp.route("/in-kind/<int:in_kind_id>", methods=["GET", "POST"])
@requires("edit", "funding")
def in_kind_edit(slug: str, in_kind_id: int) -> str | Response | tuple[str, int]:
    """Correct help in kind."""
    partnership = partnership_or_404(slug)
    row = _found(services.in_kind_of, partnership, in_kind_id)
    form = InKindForm(obj=row, agencies=services.agencies_of(partnership))
    _opened(form, row)
    back = url_for(".in_kind", slug=slug, year=row.year)
    return _edit(form, lambda: services.edit_in_kind(row, form.version.data, form.values()),
                 back, "The help in kind",
                 lambda: _page("in_kind_form", partnership, row.year, form=form, row=row,
                               confirm=ConfirmForm()))


@bp.route("/in-kind/<int:in_kind_id>/remove", methods=["POST"])
@requires("edit", "funding")
def in_kind_remove(slug: str, in_kind_id: int) -> Response:
    """Remove help in kind recorded in error."""
    partnership = partnership_or_404(slug)
    row = _found(services.in_kind_of, partnership, in_kind_id)
    back = url_for(".in_kind", slug=slug, year=row.year)
    return _remove(lambda: services.remove_in_kind(row), back, "The help in kind")


# --- the statement ---------------------------------------------------------------------------


def _statement(partnership: Partnership, statement_id: int) -> BudgetStatement:
    return _found(services.statement_of, partnership, statement_id)


def _statement_url(statement: BudgetStatement) -> str:
    return url_for("funding.statement", slug=statement.partnership.slug,
                   budget_statement_id=statement.id)


@bp.route("/<int:year>/statement")
@requires("view", "funding")
def statement_year(slug: str, year: int) -> str:
    """The year's statement: the draft, its sign-off round and every published version."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    current = services.open_statement(partnership, year)
    lines = workflow.sign_off_lines(current) if current else []
    return _page("statement_year", partnership, year, current=current, lines=lines,
                 waiting=workflow.waiting_words(lines, "the budget statement"),
                 versions=services.statements_of(partnership, year),
                 recorded=figures.budget_of(partnership, year).recorded)


@bp.route("/<int:year>/statement/preview")
@requires("view", "funding")
def statement_preview(slug: str, year: int) -> Response:
    """Show the year's statement as a reader would get it now, marked DRAFT."""
    partnership = partnership_or_404(slug)
    return Response(draft_html(partnership, _year(partnership, year)), mimetype="text/html")


@bp.route("/<int:year>/statement/new", methods=["GET", "POST"])
@requires("edit", "funding")
def statement_new(slug: str, year: int) -> str | Response:
    """Start a sign-off round: a draft statement the three partners are asked to sign off."""
    partnership = partnership_or_404(slug)
    year = _year(partnership, year)
    form = StatementRoundForm()
    if request.method == "GET":
        form.title.data = services.default_title(partnership, year)
    if form.validate_on_submit():
        with run_service(form, default="title") as step:
            statement = services.start_statement(partnership, year, form.title.data or "")
            title, statement_id = statement.title, statement.id
        if step.done:
            flash(f"Sign-off round started for “{title}”", "success")
            return redirect(url_for(".statement", slug=slug, budget_statement_id=statement_id))
    return _page("statement_new", partnership, year, form=form)


@bp.route("/statements/<int:budget_statement_id>")
@requires("view", "funding")
def statement(slug: str, budget_statement_id: int) -> str:
    """Show one version of a statement: its sign-offs, what changed for a partner who must
    sign again, and its PDF once published."""
    partnership = partnership_or_404(slug)
    version = _statement(partnership, budget_statement_id)
    return _page("statement", partnership, version.year, version=version,
                 panel=workflow.panel(version, current_user))


@bp.route("/statements/<int:budget_statement_id>/sign-off", methods=["POST"])
@requires("sign_off", "funding")
def statement_sign_off(slug: str, budget_statement_id: int) -> Response:
    """Sign a draft off, as it reads now, for the partner the user signs for."""
    version = _statement(partnership_or_404(slug), budget_statement_id)
    return sign_from_form(version, _statement_url(version))


@bp.route("/statements/<int:budget_statement_id>/publish", methods=["POST"])
@requires("publish", "funding")
def statement_publish(slug: str, budget_statement_id: int) -> Response:
    """Publish a draft all three partners have signed off as it reads now."""
    version = _statement(partnership_or_404(slug), budget_statement_id)
    return publish_from_form(version, _statement_url(version))


@bp.route("/statements/<int:budget_statement_id>/withdraw", methods=["POST"])
@requires("edit", "funding")
def statement_withdraw(slug: str, budget_statement_id: int) -> Response:
    """Close a sign-off round without publishing it."""
    version = _statement(partnership_or_404(slug), budget_statement_id)
    title, year, back = version.title, version.year, _statement_url(version)
    if not ConfirmForm().validate_on_submit():
        return redirect(back)
    with run_service() as step:
        workflow.withdraw(version)
    if not step.done:
        return redirect(back)
    flash(f"The sign-off round for “{title}” is withdrawn", "success")
    return redirect(url_for(".statement_year", slug=slug, year=year))


@bp.route("/statements/<int:budget_statement_id>.pdf")
@requires("view", "funding")
def statement_pdf(slug: str, budget_statement_id: int) -> Response:
    """Read a published statement's PDF in the browser, or download it with ?download=1."""
    version = _statement(partnership_or_404(slug), budget_statement_id)
    if not version.published:
        abort(404)
    return published_file_response(version, download=request.args.get("download") == "1",
                                   back=_statement_url(version),
                                   back_text="Back to the statement")
