"""Bodies (boards, groups, panels, hubs, forums), their lines of accountability and members.

A body belongs to one partnership or to a collaboration (a shared body, listed by every
partnership in it); a joint task-and-finish group belongs to one partnership and names the
neighbour it runs with, which lists it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from partnership.audit.models import AuditEvent
from partnership.audit.services import history_of
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    Body,
    BodyKind,
    BodyMember,
    Collaboration,
    LineKind,
    MemberKind,
    PartnerKind,
    Partnership,
    StatutoryPartner,
)
from partnership.register.services import RegisterError, check_period

MEMBER_KIND_LABELS = {MemberKind.CORE: "Core member", MemberKind.CO_OPTED: "Co-opted member"}
JOINT_KINDS = frozenset({BodyKind.TASK_AND_FINISH})


@dataclass(frozen=True)
class BodyEntry:
    """A body as one partnership lists it: shared, joint with a neighbour, or ended."""

    body: Body
    shared_with: Collaboration | None
    joint_with: Partnership | None  # the other partnership in a joint group
    ended: bool


def has_ended(body: Body, on: dt.date) -> bool:
    """Say whether a time-limited body had finished by a date."""
    return body.ends_on is not None and body.ends_on < on


def takes_part_in(partnership: Partnership, body: Body) -> bool:
    """Say whether a partnership lists this body: its own, shared with it, or joint with it."""
    if body.partnership_id is not None:
        return partnership.id in (body.partnership_id, body.joint_with_id)
    return any(c.id == body.collaboration_id for c in partnership.collaborations)


def bodies_of(partnership: Partnership) -> list[Body]:
    """Return every body the partnership takes part in, in position order, with its lines
    (the structure is drawn from them: one query for all, however many bodies)."""
    shared = [c.id for c in partnership.collaborations]
    return list(db.session.scalars(
        sa.select(Body)
        .where(sa.or_(Body.partnership_id == partnership.id,
                      Body.joint_with_id == partnership.id,
                      Body.collaboration_id.in_(shared)))
        .options(selectinload(Body.lines).joinedload(AccountabilityLine.to_body),
                 selectinload(Body.members).options(
                     joinedload(BodyMember.person), joinedload(BodyMember.agency)),
                 joinedload(Body.chair), joinedload(Body.chair_agency))
        .order_by(Body.position, Body.name, Body.id)))


def other_partnership(partnership: Partnership, body: Body) -> Partnership | None:
    """Return the neighbour a joint group is run with, seen from one partnership."""
    if body.joint_with is None:
        return None
    return body.joint_with if body.partnership is partnership else body.partnership


def body_list(partnership: Partnership, on: dt.date) -> list[BodyEntry]:
    """List the partnership's bodies in position order, any that have ended after the rest."""
    entries = [BodyEntry(body, body.collaboration, other_partnership(partnership, body),
                         has_ended(body, on))
               for body in bodies_of(partnership)]
    return sorted(entries, key=lambda entry: entry.ended)  # stable: keeps position order


def body_or_404(partnership: Partnership, body_id: int) -> Body:
    """Return a body the partnership takes part in, or answer 404."""
    body = db.session.get(Body, body_id)
    if body is None or not takes_part_in(partnership, body):
        abort(404)
    return body


def slug_for(partnership: Partnership, body: Body) -> str:
    """Return the slug under which a body's page can be shown, this partnership's if it can."""
    if body.partnership is not None and not takes_part_in(partnership, body):
        return body.partnership.slug
    if body.collaboration is not None and not takes_part_in(partnership, body):
        return next((p.slug for p in body.collaboration.partnerships), partnership.slug)
    return partnership.slug


def owner_of(body: Body) -> Partnership | Collaboration:
    """Return who the body belongs to: a partnership or a collaboration."""
    owner = body.collaboration or body.partnership
    assert owner is not None  # the one_owner constraint guarantees it
    return owner


def lines_to(body: Body) -> list[AccountabilityLine]:
    """Return the other bodies' lines to this one that do not place them under it."""
    lines = db.session.scalars(
        sa.select(AccountabilityLine).join(Body, AccountabilityLine.body_id == Body.id)
        .where(AccountabilityLine.to_body_id == body.id)
        .order_by(Body.position, Body.name, AccountabilityLine.position))
    return [line for line in lines if line.body.reports_to is not body]


def reports_to_it(body: Body) -> list[Body]:
    """Return the bodies that report to this one, in position order."""
    children = db.session.scalars(
        sa.select(Body).where(Body.lines.any(AccountabilityLine.to_body_id == body.id))
        .order_by(Body.position, Body.name, Body.id))
    return [child for child in children if child.reports_to is body]


# --- choices ---------------------------------------------------------------------------------


def reporting_options(partnership: Partnership, body: Body | None = None) -> list[Body]:
    """Return the bodies a line may point to: the partnership's and its collaborations'."""
    return [b for b in bodies_of(partnership) if b is not body]


def collaboration_options(partnership: Partnership, body: Body | None = None
                          ) -> list[Collaboration]:
    """Return the collaborations a body may be shared by: those the partnership is in."""
    options = list(partnership.collaborations)
    if body is not None and body.collaboration is not None and body.collaboration not in options:
        options.append(body.collaboration)
    return options


def neighbour_options(partnership: Partnership) -> list[Partnership]:
    """Return the partnerships a joint task-and-finish group may be run with."""
    return list(db.session.scalars(
        sa.select(Partnership).where(Partnership.id != partnership.id).order_by(Partnership.name)))


def agency_options(partnership: Partnership, body: Body | None = None) -> list[Agency]:
    """Return the agencies that may chair or sit on a body: this partnership's first, then
    those of the partnerships it collaborates with or runs the body jointly with."""
    partnerships = [partnership]
    for collaboration in partnership.collaborations:
        partnerships += collaboration.partnerships
    if body is not None:
        partnerships += [p for p in (body.partnership, body.joint_with) if p is not None]
        if body.collaboration is not None:
            partnerships += body.collaboration.partnerships
    options: list[Agency] = []
    for each in dict.fromkeys(partnerships):  # in order, once each
        options += each.agencies
    if body is not None and body.chair_agency is not None and body.chair_agency not in options:
        options.append(body.chair_agency)
    return options


def partner_options(partnership: Partnership, body: Body | None = None
                    ) -> list[StatutoryPartner]:
    """Return the statutory partners whose organisations may chair or sit on a body: this
    partnership's, then those of the partnerships it shares or runs the body with."""
    partnerships = [partnership]
    if body is not None:
        partnerships += [p for p in (body.partnership, body.joint_with) if p is not None]
        if body.collaboration is not None:
            partnerships += body.collaboration.partnerships
    options: list[StatutoryPartner] = []
    for each in dict.fromkeys(partnerships):
        options += sorted(each.partners, key=lambda partner: list(PartnerKind).index(partner.kind))
    if body is not None and body.chair_partner is not None and body.chair_partner not in options:
        options.append(body.chair_partner)
    return options


def partner_label(partnership: Partnership | None, partner: StatutoryPartner,
                  day: dt.date) -> str:
    """Name a statutory partner's organisation in a choice, saying whose it is if a neighbour's."""
    name = partner.name_on(day)
    if partnership is None or partner.partnership_id == partnership.id:
        return name
    return f"{name} ({partner.partnership.short_name or partner.partnership.name})"


def agency_label(partnership: Partnership | None, agency: Agency) -> str:
    """Name an agency in a choice, saying whose it is when it is a neighbour's."""
    if partnership is None or agency.partnership_id == partnership.id:
        return agency.name
    return f"{agency.name} ({agency.partnership.short_name or agency.partnership.name})"


# --- rules -----------------------------------------------------------------------------------


def structure_loop(body: Body, target: Body) -> list[Body] | None:
    """Return the loop (body, target, ..., body) a structural line from body to target would
    make, following every reports-to and accountable-to line to a body; None if none."""
    def path_back(current: Body, seen: set[int]) -> list[Body] | None:
        if current is body:
            return [current]
        if id(current) in seen:
            return None
        seen.add(id(current))
        for line in current.lines:
            if line.kind.places_in_structure and line.to_body is not None:
                rest = path_back(line.to_body, seen)
                if rest is not None:
                    return [current, *rest]
        return None

    found = path_back(target, set())
    return [body, *found] if found is not None else None


def body_problems(partnership: Partnership, body: Body | None,
                  values: Mapping[str, Any]) -> list[RegisterError]:
    """Return every rule the values break for a new (None) or existing body."""
    problems = []
    collaboration: Collaboration | None = values.get("collaboration")
    joint_with: Partnership | None = values.get("joint_with")
    if collaboration is not None and collaboration not in collaboration_options(partnership,
                                                                                body):
        problems.append(RegisterError(
            "Select a collaboration this partnership belongs to", "collaboration"))
    if joint_with is not None:
        if BodyKind(values["kind"]) not in JOINT_KINDS:
            problems.append(RegisterError(
                "Only a task and finish group can be run jointly with another partnership",
                "joint_with"))
        elif collaboration is not None:
            problems.append(RegisterError(
                "A body shared by a collaboration cannot also be joint with one partnership",
                "joint_with"))
        elif joint_with is (body.partnership if body and body.partnership else partnership):
            problems.append(RegisterError(
                "Select the neighbouring partnership it is run with, not its own", "joint_with"))
    neighbour_name = values.get("joint_with_name") or ""
    if neighbour_name:
        if joint_with is not None:
            problems.append(RegisterError(
                "Select a partnership in the database or enter a neighbour's name, not both",
                "joint_with_name"))
        elif BodyKind(values["kind"]) not in JOINT_KINDS:
            problems.append(RegisterError(
                "Only a task and finish group can be run jointly with another partnership",
                "joint_with_name"))
        elif collaboration is not None:
            problems.append(RegisterError(
                "A body shared by a collaboration cannot also be joint with one partnership",
                "joint_with_name"))
    if values.get("chair_partner") is not None and values.get("chair_agency") is not None:
        problems.append(RegisterError(
            "Select a statutory partner or an agency for the chair's post, not both",
            "chair_agency"))
    try:
        check_period(values.get("starts_on"), values.get("ends_on"), "ends_on")
    except RegisterError as problem:
        problems.append(problem)
    return problems


def check_body(partnership: Partnership, body: Body | None, values: Mapping[str, Any]) -> None:
    """Raise a RegisterError for the first rule the values break."""
    problems = body_problems(partnership, body, values)
    if problems:
        raise problems[0]


def next_position(partnership: Partnership) -> int:
    """Return the position that puts a body at the end of the partnership's list."""
    return max((b.position for b in bodies_of(partnership)), default=0) + 1


def create_body(partnership: Partnership, values: Mapping[str, Any]) -> Body:
    """Add a body to the partnership (or to one of its collaborations), or raise RegisterError."""
    check_body(partnership, None, values)
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = next_position(partnership)
    shared = fields.get("collaboration") is not None
    body = Body(partnership=None if shared else partnership, **fields)
    db.session.add(body)
    db.session.flush()
    return body


def update_body(partnership: Partnership, body: Body, started_from: object,
                values: Mapping[str, Any]) -> bool:
    """Change a body if the rules allow and the editor saw its current version.

    Choosing no collaboration makes the body this partnership's own.
    """
    check_body(partnership, body, values)
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = (body.position if body.position is not None
                              else next_position(partnership))
    changed = apply_edit(body, started_from, fields)
    owner = None if body.collaboration is not None else (body.partnership or partnership)
    if body.partnership is not owner:
        body.partnership = owner
        changed = True
    return changed


def history_with_parts(record: Any, parts: list[Any], part_type: str,
                       parent_key: str) -> list[AuditEvent]:
    """Return a record's history with that of its parts (members, contributions), newest first.

    Parts removed since are found by their delete events, which name the parent they left.
    """
    events = history_of(record)
    for part in parts:
        events += history_of(part)
    removed = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.record_type == part_type, AuditEvent.action == "delete"))
    events += [event for event in removed
               if (event.changes or {}).get(parent_key, [None])[0] == record.id]
    return sorted(events, key=lambda event: (event.at, event.id), reverse=True)


def body_history(body: Body) -> list[AuditEvent]:
    """Return the changes to a body, its members and its lines, newest first."""
    events = history_with_parts(body, body.members, "body_member", "body_id")
    lines = history_with_parts(body, body.lines, "accountability_line", "body_id")
    merged = {event.id: event for event in [*events, *lines]}
    return sorted(merged.values(), key=lambda event: (event.at, event.id), reverse=True)


# --- members ---------------------------------------------------------------------------------


def member_or_404(body: Body, member_id: int) -> BodyMember:
    """Return one of the body's members, or answer 404."""
    for member in body.members:
        if member.id == member_id:
            return member
    abort(404)


def members_in_order(body: Body) -> list[BodyMember]:
    """Return the body's members: core first, then co-opted, each in the order added."""
    return sorted(body.members, key=lambda m: m.kind is not MemberKind.CORE)


def check_member(values: Mapping[str, Any]) -> None:
    """Refuse a seat placed in both a statutory partner's organisation and an agency."""
    if values.get("partner") is not None and values.get("agency") is not None:
        raise RegisterError("Select a statutory partner or an agency for the seat, not both",
                            "agency")


def add_member(body: Body, values: Mapping[str, Any]) -> BodyMember:
    """Give a body a seat for an agency and role, optionally a named person."""
    check_member(values)
    member = BodyMember(body=body, **values)
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member: BodyMember, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a seat if the editor saw its current version."""
    check_member(values)
    return apply_edit(member, started_from, values)


def remove_member(member: BodyMember) -> None:
    """Take a seat off a body (an explicit delete, so the audit trail records it)."""
    body = member.body
    db.session.delete(member)
    db.session.flush()
    db.session.expire(body, ["members"])


def seats_of(agency: Agency) -> list[BodyMember]:
    """Return the seats an agency holds on bodies, in the bodies' order."""
    return list(db.session.scalars(
        sa.select(BodyMember).join(Body).where(BodyMember.agency_id == agency.id)
        .order_by(Body.position, Body.name, BodyMember.id)))


# --- lines of accountability -----------------------------------------------------------------


def line_or_404(body: Body, line_id: int) -> AccountabilityLine:
    """Return one of the body's lines, or answer 404."""
    for line in body.lines:
        if line.id == line_id:
            return line
    abort(404)


def line_problems(body: Body, values: Mapping[str, Any]) -> list[RegisterError]:
    """Return every rule a new line from the body breaks."""
    kind: LineKind = values["kind"]
    target: Body | None = values.get("to_body")
    name = (values.get("to_name") or "").strip()
    if target is not None and name:
        return [RegisterError("Select a body in the register or enter the name of a group "
                              "outside it, not both", "to_body")]
    if target is None and not name:
        return [RegisterError("Select a body in the register, or enter the name of a group "
                              "outside it", "to_body")]
    if target is body:
        return [RegisterError(f"{body.name} cannot have a line to itself", "to_body")]
    if any(line.kind is kind and line.to_body is target and line.to_name == name
           for line in body.lines):
        return [RegisterError(f"{body.name} already has this line", "to_body" if target
                              else "to_name")]
    if target is not None and kind.places_in_structure:
        loop = structure_loop(body, target)
        if loop is not None:
            return [RegisterError(
                f"{body.name} cannot answer to {target.name}, because {target.name} already "
                f"answers to {body.name}, directly or through others. That would make a loop: "
                f"{' → '.join(b.name for b in loop)}", "to_body")]
    return []


def add_line(body: Body, values: Mapping[str, Any]) -> AccountabilityLine:
    """Give a body a line of accountability, after its existing lines, or raise RegisterError."""
    problems = line_problems(body, values)
    if problems:
        raise problems[0]
    line = AccountabilityLine(kind=values["kind"], to_body=values.get("to_body"),
                              to_name=(values.get("to_name") or "").strip(),
                              position=max((x.position for x in body.lines), default=-1) + 1)
    body.lines.append(line)
    db.session.flush()
    return line


def remove_line(line: AccountabilityLine) -> None:
    """Take a line off a body (an explicit delete, so the audit trail records it)."""
    body = line.body
    db.session.delete(line)
    db.session.flush()
    db.session.expire(body, ["lines"])
    for position, rest in enumerate(body.lines):
        rest.position = position
