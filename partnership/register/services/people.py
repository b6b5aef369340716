"""People named in the register, what they are in it, and the scope it gives their account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from partnership import clock
from partnership.accounts.models import User
from partnership.database import contains
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.policy import readable
from partnership.register.models import (
    Agency,
    Appointment,
    Body,
    BodyMember,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    StatutoryPartner,
)
from partnership.register.services import RegisterError

ACCOUNT_TAKEN = "This account is already linked to {name}. Each account belongs to one person"



def people_named(search: str = "") -> list[Person]:
    """Return everyone whose name contains the search text (everyone if it is blank), by name."""
    # The list shows each person's organisation: load their agencies in one query, not one each.
    stmt = (sa.select(Person).where(readable(Person)).options(selectinload(Person.agency))
            .order_by(Person.name, Person.id))
    if search.strip():
        stmt = stmt.where(contains(Person.name, search.strip()))
    return list(db.session.scalars(stmt))


def person_or_404(person_id: int) -> Person:
    """Return the person with this id, or answer 404."""
    return db.first_or_404(sa.select(Person).where(Person.id == person_id, readable(Person)))


def person_choices() -> list[tuple[int, str]]:
    """Offer everyone in the register, by name, with their job title and organisation."""
    return [(person.id, person_label(person)) for person in people_named()]


def person_label(person: Person) -> str:
    """Name a person with their job title and organisation, to tell namesakes apart."""
    details = ", ".join(part for part in (person.job_title, person.organisation_name) if part)
    return f"{person.name} ({details})" if details else person.name


def agency_choices() -> list[tuple[int, str]]:
    """Offer every agency (not groups of agencies) in every partnership."""
    rows = db.session.execute(
        sa.select(Agency.id, Agency.name, Partnership.short_name)
        .join(Partnership, Agency.partnership_id == Partnership.id)
        .where(Agency.is_group.is_(False))
        .order_by(Agency.name, Partnership.short_name)
    )
    return [(agency_id, f"{name} ({short_name})") for agency_id, name, short_name in rows]


def account_choices(person: Person | None = None) -> list[tuple[int, str]]:
    """Offer the user accounts not linked to anyone else (this person's own stays on offer)."""
    linked = sa.select(Person.user_id).where(Person.user_id.is_not(None))
    if person is not None and person.id is not None:
        linked = linked.where(Person.id != person.id)
    users = db.session.scalars(
        sa.select(User).where(User.id.not_in(linked)).order_by(User.name, User.email))
    return [(user.id, f"{user.name} ({user.email})") for user in users]


def _check_person(values: Mapping[str, Any], person: Person | None = None) -> None:
    if values.get("agency") is not None and values.get("organisation"):
        raise RegisterError(
            "Leave the organisation blank when the person works for an agency in the list",
            "organisation")
    user_id = values.get("user_id")
    if user_id is not None:
        holder = db.session.scalars(sa.select(Person).where(Person.user_id == user_id)).first()
        if holder is not None and holder is not person:
            raise RegisterError(ACCOUNT_TAKEN.format(name=holder.name), "user_id")
        if db.session.get(User, user_id) is None:
            raise RegisterError("Select a user account from the list", "user_id")


def create_person(values: Mapping[str, Any]) -> Person:
    """Add someone to the register."""
    _check_person(values)
    person = Person(**values)
    db.session.add(person)
    try:
        db.session.flush()
    except IntegrityError:  # the account was linked to someone else meanwhile
        raise RegisterError("This account is already linked to someone else", "user_id") from None
    return person


def update_person(person: Person, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a person's details if the editor saw the current version; say if it changed."""
    _check_person(values, person)
    return apply_edit(person, started_from, values)


def person_for_user(user: Any) -> Person | None:
    """Return the register's person linked to a user account, if any."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return None
    return db.session.scalars(sa.select(Person).where(Person.user_id == user_id)).first()


def home_of(body: Body) -> Partnership | None:
    """Return the partnership under which a body's page is shown (a collaboration's first)."""
    if body.partnership is not None:
        return body.partnership
    members = body.collaboration.partnerships if body.collaboration else []
    return members[0] if members else None


@dataclass(frozen=True)
class Roles:
    """Everything a person is in the register."""

    representative_of: list[Representative] = field(default_factory=list)
    chair_of: list[Body] = field(default_factory=list)
    member_of: list[BodyMember] = field(default_factory=list)
    scrutineer_for: list[Scrutineer] = field(default_factory=list)
    champion_for: list[Agency] = field(default_factory=list)
    appointed_as: list[Appointment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Say whether the person holds no role at all."""
        return not (self.representative_of or self.chair_of or self.member_of
                    or self.scrutineer_for or self.champion_for or self.appointed_as)


def roles_of(person: Person) -> Roles:
    """List what a person is in the register: representative, chair, member, scrutineer..."""
    def rows(model: Any, *where: Any, order: Any) -> list[Any]:
        return list(db.session.scalars(sa.select(model).where(*where).order_by(*order)))

    return Roles(
        representative_of=rows(Representative, Representative.person_id == person.id,
                               order=(Representative.valid_from.desc(), Representative.id)),
        chair_of=rows(Body, Body.chair_id == person.id, order=(Body.name, Body.id)),
        member_of=rows(BodyMember, BodyMember.person_id == person.id, order=(BodyMember.id,)),
        scrutineer_for=rows(Scrutineer, Scrutineer.person_id == person.id, order=(Scrutineer.id,)),
        champion_for=rows(Agency, Agency.champion_id == person.id, order=(Agency.name, Agency.id)),
        appointed_as=rows(Appointment, Appointment.person_id == person.id,
                          order=(Appointment.valid_from.desc(), Appointment.id)),
    )


@dataclass(frozen=True)
class Scope:
    """What a user's place in the register covers: the policy reads it to narrow their rights."""

    person_id: int | None = None
    agency_id: int | None = None
    establishment_id: int | None = None  # a school or setting's own staff
    chaired_body_ids: frozenset[int] = frozenset()
    member_body_ids: frozenset[int] = frozenset()
    partner_ids: frozenset[int] = frozenset()
    represented_partnership_ids: frozenset[int] = frozenset()
    scrutinised_partnership_ids: frozenset[int] = frozenset()
    partnership_ids: frozenset[int] = frozenset()  # the partnerships the account serves

    @property
    def body_ids(self) -> frozenset[int]:
        """The bodies the user chairs or sits on."""
        return self.chaired_body_ids | self.member_body_ids


def scope_of(user: Any, day: dt.date | None = None) -> Scope:
    """Return the scope a user's person record gives them today (or on ``day``): the roles
    in post that day, read in one statement (every signed-in request asks for it)."""
    person = person_for_user(user)
    if person is None:
        return Scope()
    day = day or clock.today()

    def held(valid_from: Any, valid_to: Any) -> sa.ColumnElement[bool]:
        return sa.and_(sa.or_(valid_from.is_(None), valid_from <= day),
                       sa.or_(valid_to.is_(None), valid_to >= day))

    null = sa.cast(sa.null(), sa.Integer)
    roles = sa.union_all(
        sa.select(sa.literal_column("'chair'").label("kind"), Body.id.label("key"),
                  null.label("partnership_id"))
        .where(Body.chair_id == person.id, held(Body.starts_on, Body.ends_on)),
        sa.select(sa.literal_column("'member'"), BodyMember.body_id, null)
        .where(BodyMember.person_id == person.id),
        sa.select(sa.literal_column("'partner'"), Representative.partner_id,
                  StatutoryPartner.partnership_id)
        .join(StatutoryPartner, StatutoryPartner.id == Representative.partner_id)
        .where(Representative.person_id == person.id,
               held(Representative.valid_from, Representative.valid_to)),
        sa.select(sa.literal_column("'scrutineer'"), Scrutineer.id, Scrutineer.partnership_id)
        .where(Scrutineer.person_id == person.id,
               held(Scrutineer.valid_from, Scrutineer.valid_to)),
    )
    found: dict[str, list[tuple[int, int | None]]] = {}
    for kind, key, partnership_id in db.session.execute(roles):
        found.setdefault(kind, []).append((key, partnership_id))
    return Scope(
        person_id=person.id,
        agency_id=person.agency_id,
        establishment_id=person.establishment_id,
        chaired_body_ids=frozenset(key for key, _ in found.get("chair", [])),
        member_body_ids=frozenset(key for key, _ in found.get("member", [])),
        partner_ids=frozenset(key for key, _ in found.get("partner", [])),
        represented_partnership_ids=frozenset(
            pid for _, pid in found.get("partner", []) if pid is not None),
        scrutinised_partnership_ids=frozenset(
            pid for _, pid in found.get("scrutineer", []) if pid is not None),
    )
