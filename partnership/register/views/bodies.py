"""Bodies: the list a partnership takes part in, each body, and its members."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from partnership.access import authorize, requires
from partnership.accounts.forms import ConfirmForm
from partnership.audit.services import history_of
from partnership.clock import today
from partnership.editing import EditConflict, commit_edit, render_conflict
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.forms.bodies import BodyForm, LineForm, MemberForm
from partnership.register.models import AccountabilityLine, Body, BodyMember, Partnership
from partnership.register.services import bodies as services
from partnership.register.services import describe_period
from partnership.register.services.agencies import people
from partnership.register.services.partnerships import partnership_or_404
from partnership.web import refused, run_service

bp = Blueprint("bodies", __name__, url_prefix="/partnerships/<slug>/bodies")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the body pages the register's ways of writing periods and memberships."""
    return {"describe_period": describe_period,
            "member_kinds": services.MEMBER_KIND_LABELS, "today": today()}


def _partnership(slug: str) -> Partnership:
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def _body(slug: str, body_id: int, verb: str = "view") -> tuple[Partnership, Body]:
    partnership = _partnership(slug)
    body = services.body_or_404(partnership, body_id)
    authorize(verb, body)
    return partnership, body


def _member(slug: str, body_id: int, member_id: int) -> tuple[Partnership, Body, BodyMember]:
    partnership, body = _body(slug, body_id, "edit")
    member = services.member_or_404(body, member_id)
    authorize("edit", member)
    return partnership, body, member


def _body_form(partnership: Partnership, body: Body | None = None) -> BodyForm:
    return BodyForm(
        obj=body, partnership=partnership,
        collaborations=services.collaboration_options(partnership, body),
        neighbours=services.neighbour_options(partnership), people=people(),
        agencies=services.agency_options(partnership, body),
        partners=services.partner_options(partnership, body), day=today())


def _member_form(partnership: Partnership, body: Body,
                 member: BodyMember | None = None) -> MemberForm:
    return MemberForm(obj=member, partnership=partnership, people=people(),
                      agencies=services.agency_options(partnership, body),
                      partners=services.partner_options(partnership, body), day=today())


def _line(slug: str, body_id: int, line_id: int
          ) -> tuple[Partnership, Body, AccountabilityLine]:
    partnership, body = _body(slug, body_id, "edit")
    line = services.line_or_404(body, line_id)
    authorize("edit", line)
    return partnership, body, line


@bp.route("")
@requires("view", "register")
def index(slug: str) -> str:
    """List the bodies the partnership takes part in, including shared and joint ones."""
    partnership = _partnership(slug)
    return render_template("bodies/index.html", partnership=partnership,
                           entries=services.body_list(partnership, today()))


@bp.route("/new", methods=["GET", "POST"])
@requires("edit", "register")
def new(slug: str) -> str | Response:
    """Add a body to the partnership, or to a collaboration it belongs to."""
    partnership = _partnership(slug)
    authorize("edit", partnership)
    form = _body_form(partnership)
    if form.validate_on_submit():
        with run_service(form) as step:
            body = services.create_body(partnership, form.values())
        if step.done:
            flash(f"{body.name} added", "success")
            return redirect(url_for(".detail", slug=slug, body_id=body.id))
    return render_template("bodies/new.html", form=form, partnership=partnership)


@bp.route("/<int:body_id>")
@requires("view", "register")
def detail(slug: str, body_id: int) -> str:
    """Show a body: its terms, chair, members, who reports to it, and its history."""
    partnership, body = _body(slug, body_id)
    return render_template(
        "bodies/detail.html", partnership=partnership, body=body,
        owner=services.owner_of(body), joint_with=services.other_partnership(partnership, body),
        ended=services.has_ended(body, today()), members=services.members_in_order(body),
        reporting_bodies=services.reports_to_it(body), lines_to=services.lines_to(body),
        takes_part=lambda other: services.takes_part_in(partnership, other),
        body_slug=lambda other: services.slug_for(partnership, other),
        history=services.body_history(body))


@bp.route("/<int:body_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def edit(slug: str, body_id: int) -> str | Response | tuple[str, int]:
    """Change a body, without overwriting someone else's edit."""
    partnership, body = _body(slug, body_id, "edit")
    if body.partnership is not None and body.partnership is not partnership:
        # A neighbour's joint group is changed where it belongs, with its owner's choices.
        return redirect(url_for(".edit", slug=body.partnership.slug, body_id=body.id))
    form = _body_form(partnership, body)
    if request.method == "GET":
        form.version.data = str(body.version)
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_body(partnership, body, form.version.data, values):
                commit_edit(body, values)
                flash(f"{body.name} updated", "success")
            return redirect(url_for(".detail", slug=slug, body_id=body.id))
        except DomainError as problem:
            refused(form, problem)
        except EditConflict as conflict:
            return render_conflict(
                conflict, form, title=f"{conflict.obj.name} was changed while you were editing",
                cancel_url=url_for(".detail", slug=slug, body_id=body.id))
    return render_template("bodies/edit.html", form=form, partnership=partnership, body=body)


@bp.route("/<int:body_id>/members/new", methods=["GET", "POST"])
@requires("edit", "register")
def member_new(slug: str, body_id: int) -> str | Response:
    """Add a core or co-opted member to a body."""
    partnership, body = _body(slug, body_id, "edit")
    form = _member_form(partnership, body)
    if form.validate_on_submit():
        with run_service(form, default="role") as step:
            member = services.add_member(body, form.values())
        if step.done:
            flash(f"{member.role} added to {body.name}", "success")
            return redirect(url_for(".detail", slug=slug, body_id=body.id, _anchor="members"))
    return render_template("bodies/member_new.html", form=form, partnership=partnership,
                           body=body)


@bp.route("/<int:body_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@requires("edit", "register")
def member_edit(slug: str, body_id: int, member_id: int) -> str | Response | tuple[str, int]:
    """Change a member's agency, role, person or kind."""
    partnership, body, member = _member(slug, body_id, member_id)
    form = _member_form(partnership, body, member)
    if request.method == "GET":
        form.version.data = str(member.version)
    back = url_for(".detail", slug=slug, body_id=body.id, _anchor="members")
    if form.validate_on_submit():
        values = form.values()
        try:
            if services.update_member(member, form.version.data, values):
                commit_edit(member, values)
                flash(f"{member.role} updated", "success")
            return redirect(back)
        except DomainError as problem:
            refused(form, problem, default="role")
        except EditConflict as conflict:
            return render_conflict(conflict, form, cancel_url=back,
                                   title="This member was changed while you were editing")
    return render_template("bodies/member_edit.html", form=form, partnership=partnership,
                           body=body, member=member, history=history_of(member))


@bp.route("/<int:body_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@requires("edit", "register")
def member_remove(slug: str, body_id: int, member_id: int) -> str | Response:
    """Ask for confirmation, then take a member off a body."""
    partnership, body, member = _member(slug, body_id, member_id)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        role = member.role
        services.remove_member(member)
        db.session.commit()
        flash(f"{role} removed from {body.name}", "success")
        return redirect(url_for(".detail", slug=slug, body_id=body.id, _anchor="members"))
    return render_template("bodies/member_remove.html", confirm=confirm,
                           partnership=partnership, body=body, member=member)


@bp.route("/<int:body_id>/lines/new", methods=["GET", "POST"])
@requires("edit", "register")
def line_new(slug: str, body_id: int) -> str | Response:
    """Add a line of accountability: to a body of the register or a group outside it."""
    partnership, body = _body(slug, body_id, "edit")
    form = LineForm(bodies=services.reporting_options(partnership, body))
    if form.validate_on_submit():
        with run_service(form, default="to_body") as step:
            line = services.add_line(body, form.values())
        if step.done:
            flash(f"{body.name}: {line.kind.label.lower()} {line.target_name} added", "success")
            return redirect(url_for(".detail", slug=slug, body_id=body.id, _anchor="lines"))
    return render_template("bodies/line_new.html", form=form, partnership=partnership,
                           body=body)


@bp.route("/<int:body_id>/lines/<int:line_id>/remove", methods=["GET", "POST"])
@requires("edit", "register")
def line_remove(slug: str, body_id: int, line_id: int) -> str | Response:
    """Ask for confirmation, then take a line of accountability off a body."""
    partnership, body, line = _line(slug, body_id, line_id)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        words = f"{line.kind.label.lower()} {line.target_name}"
        services.remove_line(line)
        db.session.commit()
        flash(f"{body.name}: {words} removed", "success")
        return redirect(url_for(".detail", slug=slug, body_id=body.id, _anchor="lines"))
    return render_template("bodies/line_remove.html", confirm=confirm, partnership=partnership,
                           body=body, line=line)
