"""Accounts in the register: the partnerships an account serves, the person it is, and the
scope the policy reads (the accounts' directory, handed in when the app is created)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa

from partnership.accounts.models import User, UserPartnership
from partnership.accounts.services import AccountError, AccountPlace, PersonLink, serve_also
from partnership.extensions import db
from partnership.policy import Role, forget_scopes, reader
from partnership.register.models import Agency, Partnership, Person
from partnership.register.services.people import (
    ACCOUNT_TAKEN,
    Scope,
    person_for_user,
    person_label,
    scope_of,
)

NO_PERSON_FOR_AGENCY = "Select the person this account is, or leave the agency blank"
AGENCY_NOT_SERVED = "Select an agency of a partnership this account serves"
ORGANISATION_WRITTEN = ("{name}'s organisation is written as \u201c{organisation}\u201d in the "
                        "register. Leave the agency blank, or clear it on their page first")


def served_partnership_ids(user: Any) -> frozenset[int]:
    """The partnerships an account serves, read from the database."""
    return frozenset(db.session.scalars(
        sa.select(UserPartnership.partnership_id).where(UserPartnership.user_id == user.id)))


def account_scope(user: Any) -> Scope:
    """The policy's scope of a user: their person's place, and the partnerships they serve."""
    return dataclasses.replace(scope_of(user), partnership_ids=served_partnership_ids(user))


def serve_new_partnership(partnership: Partnership) -> None:
    """Whoever creates a partnership serves it (unless an administrator, who serves all)."""
    user = reader()
    if user is None or user.role is Role.ADMIN:
        return
    if partnership.id not in served_partnership_ids(user):
        serve_also(db.session.get(User, user.id), partnership.id)
        db.session.flush()
    forget_scopes()


class RegisterDirectory:
    """The register's partnerships, people and agencies, as the accounts' admin offers them."""

    def partnership_choices(self) -> list[tuple[int, str]]:
        """Offer every partnership, by name."""
        rows = db.session.execute(sa.select(Partnership.id, Partnership.name)
                                  .order_by(Partnership.name, Partnership.id))
        return [(pid, name) for pid, name in rows]

    def person_choices(self, user: User | None) -> list[tuple[int, str]]:
        """Offer the people not linked to another account, by name."""
        free = sa.or_(Person.user_id.is_(None),
                      Person.user_id == (user.id if user is not None else None))
        people = db.session.scalars(sa.select(Person).where(free).order_by(Person.name,
                                                                           Person.id))
        return [(person.id, person_label(person)) for person in people]

    def agency_choices(self) -> list[tuple[int, str]]:
        """Offer every agency (not groups), with its partnership's short name."""
        rows = db.session.execute(
            sa.select(Agency.id, Agency.name, Partnership.short_name)
            .join(Partnership, Agency.partnership_id == Partnership.id)
            .where(Agency.is_group.is_(False)).order_by(Agency.name, Partnership.short_name))
        return [(agency_id, f"{name} ({short})") for agency_id, name, short in rows]

    def place_of(self, user: User) -> AccountPlace:
        """Say who the account is in the register and which partnerships it serves."""
        person = person_for_user(user)
        names = tuple(db.session.scalars(
            sa.select(Partnership.name).where(Partnership.id.in_(sorted(user.partnership_ids)))
            .order_by(Partnership.name)))
        return AccountPlace(
            person_id=person.id if person else None,
            person_name=person_label(person) if person else "",
            agency_id=person.agency_id if person else None,
            agency_name=person.agency.name if person and person.agency else "",
            partnership_names=names)

    def link_person(self, user: User, link: PersonLink, display_name: str) -> None:
        """Make the account this person (existing or new), with this agency if one is given."""
        agency = self._agency(user, link.agency_id)
        current = person_for_user(user)
        chosen: Person | None = None
        if link.person_id is not None:
            chosen = db.session.get(Person, link.person_id)
            if chosen is None:
                raise AccountError("Select a person from the list", field="person")
            if chosen.user_id is not None and chosen.user_id != user.id:
                raise AccountError(ACCOUNT_TAKEN.format(name=chosen.name), field="person")
        if agency is not None and chosen is None and not link.new_person:
            raise AccountError(NO_PERSON_FOR_AGENCY, field="agency")
        if agency is not None and chosen is not None and chosen.organisation:
            raise AccountError(ORGANISATION_WRITTEN.format(
                name=chosen.name, organisation=chosen.organisation), field="agency")
        if current is not None and current is not chosen:
            current.user_id = None
            db.session.flush()  # one account, one person: free the link first
        if link.new_person:
            chosen = Person(name=display_name, job_title=link.job_title.strip())
            db.session.add(chosen)
        if chosen is None:
            return
        chosen.user_id = user.id
        if agency is not None:
            chosen.agency_id = agency.id

    @staticmethod
    def _agency(user: User, agency_id: int | None) -> Agency | None:
        if agency_id is None:
            return None
        agency = db.session.get(Agency, agency_id)
        if agency is None or agency.is_group:
            raise AccountError("Select an agency from the list", field="agency")
        if user.role is not Role.ADMIN and agency.partnership_id not in user.partnership_ids:
            raise AccountError(AGENCY_NOT_SERVED, field="agency")
        return agency
