"""Partnerships: the list, the overview the chair and scrutineer read, details and the chart."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from partnership import clock
from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import history_of
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError
from partnership.register.chart import (
    chart_title,
    draw_structure_chart,
    graphviz_missing_note,
    note_svg,
    structure_outline,
)
from partnership.register.forms.partnerships import ContactPointForm, OnDateForm, PartnershipForm
from partnership.register.models import GuidanceEdition
from partnership.register.services import partnerships as service
from partnership.register.services.scrutiny import scope_text, scrutineer_name, scrutineers_on
from partnership.web import refused, run_service

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")


@bp.app_template_filter("long_date")
def long_date_filter(day: dt.date | None) -> str:
    """Write a date the GOV.UK way (1 July 2022); nothing for no date."""
    return long_date(day) if day else ""


def _details(form: PartnershipForm) -> dict[str, object]:
    return {
        "name": (form.name.data or "").strip(),
        "short_name": (form.short_name.data or "").strip(),
        "slug": (form.slug.data or "").strip(),
        "area": (form.area.data or "").strip(),
        "guidance": GuidanceEdition(form.guidance.data),
        "year_start_month": form.year_start_month.data,
        "contact_email": (form.contact_email.data or "").strip(),
        "contact_phone": (form.contact_phone.data or "").strip(),
        "website": (form.website.data or "").strip(),
        "address": (form.address.data or "").strip(),
        "support_team_name": (form.support_team_name.data or "").strip(),
        "support_team": (form.support_team.data or "").strip(),
    }


@bp.route("")
@requires("view", "register")
def index() -> str:
    """List the partnerships."""
    return render_template("partnerships/index.html", partnerships=service.all_partnerships())


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new() -> str | Response:
    """Add a partnership, with its three statutory partners."""
    form = PartnershipForm()
    if form.validate_on_submit():
        with run_service(form, default="name") as step:
            partnership = service.create_partnership(_details(form))
        if step.done:
            flash(f"{partnership.name} added, with its three statutory partners", "success")
            return redirect(url_for("partnerships.overview", slug=partnership.slug))
    return render_template("partnerships/new.html", form=form)


def _on_date() -> tuple[OnDateForm, dt.date, bool]:
    """Read ``?on=YYYY-MM-DD``: the form, the day (today if none or bad), and whether chosen."""
    form = OnDateForm(formdata=request.args if request.args else None)
    if request.args and form.validate() and form.on.data:
        return form, form.on.data, True
    return form, clock.today(), False


@bp.route("/<slug>")
@requires("view", "register")
def overview(slug: str) -> str:
    """Show a partnership: partners and representatives on a date, collaborations, scrutiny."""
    partnership = service.partnership_or_404(slug)
    date_form, day, chosen = _on_date()
    return render_template(
        "partnerships/overview.html",
        partnership=partnership,
        form=date_form,
        day=day,
        chart_on=day.isoformat() if chosen else None,
        partners=service.partners_on(partnership, day),
        scrutineers=scrutineers_on(partnership, day),
        scope_text=scope_text,
        scrutineer_name=scrutineer_name,
        year_starts=calendar.month_name[partnership.year_start_month],
        outline=structure_outline(partnership, day),
        chart_note=graphviz_missing_note(),
        history=history_of(partnership),
    )


@bp.route("/<slug>/structure.svg")
@requires("view", "register")
def structure_chart(slug: str) -> Response:
    """Draw the partnership's reports-to structure as an SVG image (on ``?on=`` if given)."""
    partnership = service.partnership_or_404(slug)
    _form, day, _chosen = _on_date()  # today unless ?on= names another day, like the outline
    chart = draw_structure_chart(partnership, day)
    # Without Graphviz the picture says so: the page's list of the structure stands in.
    svg = chart.svg if chart.svg is not None else note_svg(chart.note, chart_title(partnership))
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(slug: str) -> str | Response | tuple[str, int]:
    """Change a partnership's details, without overwriting someone else's edit."""
    partnership = service.partnership_or_404(slug)
    form = PartnershipForm(obj=partnership)
    if request.method == "GET":
        form.version.data = str(partnership.version)
        form.guidance.data = partnership.guidance.value
    if form.validate_on_submit():
        values = _details(form)
        try:
            if service.update_partnership(partnership, form.version.data, values):
                commit_edit(partnership, values)
                flash("Partnership details updated", "success")
            return redirect(url_for("partnerships.overview", slug=partnership.slug))
        except DomainError as error:
            refused(form, error, default="name")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.name} was changed while you were editing",
                cancel_url=url_for("partnerships.overview", slug=slug))
    return render_template("partnerships/edit.html", form=form, partnership=partnership)


def _contact_points_url(slug: str) -> str:
    return url_for("partnerships.overview", slug=slug, _anchor="contact-points")


@bp.route("/<slug>/contact-points/new", methods=["GET", "POST"])
@requires("edit", "register")
def contact_point_new(slug: str) -> str | Response:
    """Add a way to reach the partnership for one purpose."""
    partnership = service.partnership_or_404(slug)
    authorize("edit", partnership)
    form = ContactPointForm()
    if form.validate_on_submit():
        with run_service(form, default="label") as step:
            point = service.add_contact_point(partnership, form.values(), form.position.data)
        if step.done:
            flash(f"Contact point added: {point.label}", "success")
            return redirect(_contact_points_url(slug))
    return render_template("partnerships/contact_point_new.html", form=form,
                           partnership=partnership)


@bp.route("/<slug>/contact-points/<int:contact_point_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def contact_point_edit(slug: str, contact_point_id: int) -> str | Response | tuple[str, int]:
    """Change a contact point or its place in the list, without overwriting another edit."""
    partnership = service.partnership_or_404(slug)
    point = service.contact_point_or_404(partnership, contact_point_id)
    authorize("edit", point)
    form = ContactPointForm(obj=point)
    if request.method == "GET":
        form.version.data = str(point.version)
        form.position.data = point.position + 1
    if form.validate_on_submit():
        values = form.values()
        try:
            if service.update_contact_point(point, form.version.data, values,
                                            form.position.data):
                commit_edit(point, values)
                flash(f"Contact point updated: {point.label}", "success")
            return redirect(_contact_points_url(slug))
        except DomainError as error:
            refused(form, error, default="label")
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.label} was changed while you were "
                "editing it", cancel_url=_contact_points_url(slug))
    return render_template("partnerships/contact_point_edit.html", form=form,
                           partnership=partnership, point=point, history=history_of(point))


@bp.route("/<slug>/contact-points/<int:contact_point_id>/remove", methods=["GET", "POST"])
@requires("edit", "register")
def contact_point_remove(slug: str, contact_point_id: int) -> str | Response:
    """Ask for confirmation, then take a contact point off the list."""
    partnership = service.partnership_or_404(slug)
    point = service.contact_point_or_404(partnership, contact_point_id)
    authorize("edit", point)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        label = point.label
        service.remove_contact_point(point)
        db.session.commit()
        flash(f"Contact point removed: {label}", "success")
        return redirect(_contact_points_url(slug))
    return render_template("partnerships/contact_point_remove.html", confirm=confirm,
                           partnership=partnership, point=point)
