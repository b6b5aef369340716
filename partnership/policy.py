"""Who may do what: the one place every permission is decided.

``can(user, verb, target)`` answers for views, templates and tests alike. A target is a
realm name (``"users"``), a model class, or a model instance; instances let a rule look
at the record (a chair's own body, an agency's own action) once those records exist.
Anything without a rule is refused.

Every record rule also asks whether the user serves the record's partnership (``serves``:
each record reaches its partnership along a route, as ``partnership_routes`` finds it); a
record of a partnership the user does not serve is refused whatever the verb.

``visible(user, Model)`` says the same ``view`` rule in SQL, for lists, counts, exports,
searches and the board: each view rule is written once with both forms side by side (a
:class:`Listed`), and ``tests/test_visibility.py`` compares them record by record for every
role, so what a list shows is exactly what the record's page allows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from flask_login import current_user

from partnership import clock


class Role(StrEnum):
    """The roles a user account can hold."""

    ADMIN = "admin"
    TEAM = "team"
    PARTNER = "partner"
    CHAIR = "chair"
    AGENCY = "agency"
    SCRUTINEER = "scrutineer"

    @property
    def label(self) -> str:
        """Return the role's name as people in a partnership say it."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.TEAM: "Partnership team officer",
    Role.PARTNER: "Statutory partner representative",
    Role.CHAIR: "Chair",
    Role.AGENCY: "Agency lead",
    Role.SCRUTINEER: "Independent scrutineer",
}

EVERYONE = frozenset(Role)
Rule = Callable[[Any, Any], bool]
# (user, model class) -> the SQL condition on the model's rows that the rule allows.
Where = Callable[[Any, Any], sa.ColumnElement[bool]]


@dataclass(frozen=True)
class Listed:
    """A rule said twice, side by side: record by record (``check``) and in SQL (``where``).

    View rules are Listed, so that lists select exactly the records the pages allow; where
    ``check`` uses Python-only logic, ``where`` restates it, and the record-by-record test
    (tests/test_visibility.py) keeps the two equal.
    """

    check: Rule
    where: Where

    def __call__(self, user: Any, target: Any) -> bool:
        return self.check(user, target)


def realm_of(target: Any) -> str:
    """Name the realm a target belongs to: its string, its class's or its own ``__realm__``."""
    if isinstance(target, str):
        return target
    realm = getattr(target, "__realm__", None)
    if realm is None:
        raise TypeError(f"{target!r} has no __realm__ for the policy")
    return str(realm)


def _roles(*roles: Role) -> Listed:
    allowed = frozenset(roles)
    return Listed(check=lambda user, _target: user.role in allowed,
                  where=lambda user, _model: sa.true() if user.role in allowed else sa.false())


def reader() -> Any:
    """Who a list is read for: the signed-in user; None outside anyone's session.

    None (the command line, the demo load, documents assembled offline) reads every record:
    that is the service's own work. Every route has a rule that refuses a signed-out
    visitor before its view runs, so a page never lists records for nobody.
    """
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def readable(model: Any) -> sa.ColumnElement[bool]:
    """The rows of ``model`` the reader may view (every row outside anyone's session)."""
    user = reader()
    return sa.true() if user is None else visible(user, model)


# Set by the register at app creation (policy sits below the features and imports none).
_scope_reader: Callable[[Any], Any] | None = None


def read_scopes_with(reader: Callable[[Any], Any]) -> None:
    """Let the register tell the policy what a user's person record makes them."""
    global _scope_reader
    _scope_reader = reader


def scope(user: Any) -> Any:
    """Return what the user's person record makes them (chair of, agency, partner) and the
    partnerships their account serves (``partnership_ids``), per request."""
    if _scope_reader is None:
        raise RuntimeError("the register has not given the policy its scope reader")
    if not has_app_context():
        return _scope_reader(user)
    cache: dict[int, Any] = g.setdefault("policy_scopes", {})
    if user.id not in cache:
        cache[user.id] = _scope_reader(user)
    return cache[user.id]


def forget_scopes() -> None:
    """Read every scope afresh (after a change to what an account serves or is)."""
    if has_app_context():
        g.pop("policy_scopes", None)


def owning_body_id(target: Any) -> int | None:
    """Find the body a record belongs to: its own, its meeting's or its decision's."""
    for path in (("body_id",), ("meeting", "body_id"), ("decision", "meeting", "body_id"),
                 ("audit", "body_id")):
        value = target
        for name in path:
            value = getattr(value, name, None)
        if value is not None:
            return int(value)
    return None


def _team_or_chair(user: Any, target: Any) -> bool:
    """The team, or a chair: of some body (asked of the realm), of its body (of a record)."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.CHAIR:
        return False
    return isinstance(target, str) or owning_body_id(target) in scope(user).chaired_body_ids


def _may_update_progress(user: Any, target: Any) -> bool:
    """The team; the owning body's chair; the lead agency's lead; the lead officer themself
    (of a progress update: of its action, to attach evidence to it)."""
    if user.role is Role.TEAM:
        return True
    if user.role not in (Role.CHAIR, Role.AGENCY, Role.PARTNER):
        return False
    if isinstance(target, str):
        return True
    if getattr(target, "__tablename__", None) == "progress_update":
        target = target.action
    mine = scope(user)
    return (
        (user.role is Role.CHAIR and owning_body_id(target) in mine.chaired_body_ids)
        or (user.role is Role.AGENCY and target.lead_agency_id is not None
            and target.lead_agency_id == mine.agency_id)
        or (target.lead_person_id is not None and target.lead_person_id == mine.person_id)
    )


# How a record reaches its case, tried in this order (by case_of, and in SQL by _in_case).
# A progress update is need-to-know like its action (and so are the evidence files on it).
CASE_PATHS: tuple[tuple[str, ...], ...] = (
    (), ("case",), ("rapid_review", "case"), ("local_review", "case"), ("review", "case"),
    ("recommendation", "review", "case"), ("action", "recommendation", "review", "case"))
CASE_TABLE = "case_record"


def case_of(target: Any) -> Any:
    """Find the case a record belongs to: itself, its case, its review's case, its rapid or
    local review's case (None for a review from elsewhere)."""
    for path in CASE_PATHS:
        value = target
        for name in path:
            value = getattr(value, name, None)
        if value is not None and getattr(value, "__tablename__", None) == CASE_TABLE:
            return value
    return None


def _reaches_case(model: Any, path: tuple[str, ...]) -> bool:
    mapper = sa.inspect(model)
    for name in path:
        relationship = mapper.relationships.get(name)
        if relationship is None or relationship.uselist:
            return False
        mapper = relationship.mapper
    return bool(mapper.local_table.name == CASE_TABLE)


def case_path(model: Any) -> tuple[str, ...] | None:
    """The one path by which the model's records reach their case (None: they have none)."""
    paths = [path for path in CASE_PATHS if _reaches_case(model, path)]
    if len(paths) > 1 and paths[0] != ():
        # case_of takes the first path that is set on the record; one SQL path could not.
        raise TypeError(f"{model.__name__} reaches a case by {len(paths)} paths: {paths}")
    return paths[0] if paths else None


def _in_case(model: Any, criterion: Callable[[Any], sa.ColumnElement[bool]] | None = None
             ) -> sa.ColumnElement[bool]:
    """Rows whose case (followed as case_of follows it) exists and meets ``criterion``,
    a function of the case's class."""
    path = case_path(model)
    if path is None:
        return sa.false()

    def along(cls: Any, rest: tuple[str, ...]) -> sa.ColumnElement[bool]:
        if not rest:
            return criterion(cls) if criterion is not None else sa.true()
        link = getattr(cls, rest[0])
        return link.has(along(link.property.mapper.class_, rest[1:]))

    return along(model, path)


def _caseless(model: Any) -> sa.ColumnElement[bool]:
    """Rows with no case (case_of gives None)."""
    if case_path(model) is None:
        return sa.true()
    return sa.not_(_in_case(model))


def _sees_case(user: Any, case: Any) -> bool:
    """Need-to-know: the team; members and the chair of the reviewing body; the partners'
    representatives in that partnership; and anyone added to the case."""
    if user.role is Role.TEAM:
        return True
    if user.role not in (Role.CHAIR, Role.AGENCY, Role.PARTNER):
        return False
    mine = scope(user)
    return (
        (case.reviewing_body_id is not None and case.reviewing_body_id in mine.body_ids)
        or case.partnership_id in mine.represented_partnership_ids
        or any(member.user_id == user.id for member in case.members)
    )


def _sees_case_where(user: Any) -> Callable[[Any], sa.ColumnElement[bool]]:
    """_sees_case in SQL, as a condition on the case's class (tests/test_visibility.py keeps
    the two equal)."""

    def where(case: Any) -> sa.ColumnElement[bool]:
        if user.role is Role.TEAM:
            return sa.true()
        if user.role not in (Role.CHAIR, Role.AGENCY, Role.PARTNER):
            return sa.false()
        mine = scope(user)
        reasons = [case.members.any(user_id=user.id)]
        if mine.body_ids:
            reasons.append(case.reviewing_body_id.in_(sorted(mine.body_ids)))
        if mine.represented_partnership_ids:
            reasons.append(case.partnership_id.in_(sorted(mine.represented_partnership_ids)))
        return sa.or_(*reasons)

    return where


def _case_rule(*roles: Role, chair_of_reviewing_body: bool = False) -> Listed:
    """May see the case and has the role; asked of the realm, the role alone answers."""
    allowed = frozenset(roles)

    def rule(user: Any, target: Any) -> bool:
        if isinstance(target, str):
            return user.role in allowed or (chair_of_reviewing_body and user.role is Role.CHAIR)
        case = case_of(target)
        if case is None or not _sees_case(user, case):
            return False
        if user.role in allowed:
            return True
        return (chair_of_reviewing_body and user.role is Role.CHAIR
                and case.reviewing_body_id in scope(user).chaired_body_ids)

    def where(user: Any, model: Any) -> sa.ColumnElement[bool]:
        chairs = chair_of_reviewing_body and user.role is Role.CHAIR
        if user.role not in allowed and not chairs:
            return sa.false()
        sees = _sees_case_where(user)
        if user.role in allowed:
            return _in_case(model, sees)
        chaired = sorted(scope(user).chaired_body_ids)
        return _in_case(model, lambda case: sa.and_(sees(case),
                                                    case.reviewing_body_id.in_(chaired)))

    return Listed(check=rule, where=where)


def _within_case(rule: Rule) -> Rule:
    """An action from a case review's recommendation is need-to-know like its case (the
    scrutineer reads action plans); any other action is left to the rule."""

    def guarded(user: Any, target: Any) -> bool:
        if not isinstance(target, str):
            case = case_of(target)
            if case is not None and user.role is not Role.SCRUTINEER and not _sees_case(
                    user, case):
                return False
        return rule(user, target)

    if not isinstance(rule, Listed):
        return guarded

    def where(user: Any, model: Any) -> sa.ColumnElement[bool]:
        if user.role in (Role.SCRUTINEER, Role.TEAM):  # the team sees every case
            return rule.where(user, model)
        return sa.and_(sa.or_(_caseless(model), _in_case(model, _sees_case_where(user))),
                       rule.where(user, model))

    return Listed(check=guarded, where=where)


def _may_read_review(user: Any, target: Any) -> bool:
    """Learning from elsewhere is for everyone; our own reviews' recommendations and action
    plans for the scrutineer and whoever may see the case."""
    if isinstance(target, str):
        return True
    case = case_of(target)
    return case is None or user.role is Role.SCRUTINEER or _sees_case(user, case)


def _reviews_read_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    """_may_read_review in SQL."""
    if user.role in (Role.SCRUTINEER, Role.TEAM):  # the team sees every case
        return sa.true()
    return sa.or_(_caseless(model), _in_case(model, _sees_case_where(user)))


_read_review = Listed(check=_may_read_review, where=_reviews_read_where)


def _edit_review(user: Any, target: Any) -> bool:
    """The team; for our own reviews, also the chair of the case's reviewing body."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.CHAIR:
        return False
    if isinstance(target, str):
        return True
    case = case_of(target)
    return case is not None and case.reviewing_body_id in scope(user).chaired_body_ids


def _partner_vote(user: Any, target: Any) -> bool:
    """A partner's representative confirms their own organisation's minuted vote."""
    if user.role is not Role.PARTNER:
        return False
    return isinstance(target, str) or target.partner_id in scope(user).partner_ids


def _partner_of_partnership(user: Any, target: Any) -> bool:
    """A partner's representative, for a partnership whose partner they represent."""
    if user.role is not Role.PARTNER:
        return False
    return (isinstance(target, str)
            or target.partnership_id in scope(user).represented_partnership_ids)


def _scrutineer_of_partnership(user: Any, target: Any) -> bool:
    """The independent scrutineer, for a partnership they scrutinise."""
    if user.role is not Role.SCRUTINEER:
        return False
    return (isinstance(target, str)
            or target.partnership_id in scope(user).scrutinised_partnership_ids)


def _delegating_for_self(user: Any, target: Any) -> bool:
    """The team, for anyone; a partner's representative, for their own delegations."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.PARTNER:
        return False
    return (isinstance(target, str | type)
            or getattr(target, "lead_id", None) == scope(user).person_id)


# --- access per partnership ------------------------------------------------------------------
# An account serves some partnerships (an administrator serves all). Every record reaches its
# partnership along one route of many-to-one links (like a record reaches its case), and a
# record of a partnership the user does not serve is refused (404) and left out of every list.

PARTNERSHIP_TABLE = "partnership"
# The parent a record is reached through when it has no partnership of its own, tried in
# this order: an agenda item's meeting, a meeting's body, a vote's decision, a request's Rapid
# Review, a progress update's action, a phase's objective and plan, a name's partner...
# (a parent the record must have before one it may lack: see partnership_routes). A
# self-assessment return goes through its round, so the round's joint partnerships all see it.
PARTNERSHIP_PARENTS: tuple[str, ...] = (
    "body", "meeting", "decision", "case", "rapid_review", "local_review", "review",
    "recommendation", "report", "action", "objective", "plan", "activity", "audit",
    "audit_return", "round", "assessment_return", "standard_set", "scale", "partner", "agency",
    "indicator", "release", "course", "training_session")


@dataclass(frozen=True)
class Route:
    """One way from a record to a partnership: relationships to follow (many-to-one), then
    the partnership itself (``()`` on a partnership), its ``partnership_id`` column, or a
    collaboration's member ``partnerships``."""

    links: tuple[str, ...]
    end: str  # "self", "partnership_id" or "partnerships"


def _mapper(model: Any) -> Any:
    return sa.inspect(model)


@functools.cache
def partnership_routes(model: Any) -> tuple[Route, ...]:
    """The routes by which the model's records reach their partnerships (none: they belong
    to no partnership, like themes, accounts or the audit trail)."""
    mapper = _mapper(model)
    if mapper.local_table.name == PARTNERSHIP_TABLE:
        return (Route((), "self"),)
    routes: list[Route] = []
    column = mapper.columns.get("partnership_id")
    if column is not None and any(fk.column.table.name == PARTNERSHIP_TABLE
                                  for fk in column.foreign_keys):
        routes.append(Route((), "partnership_id"))
    members = mapper.relationships.get("partnerships")
    if members is not None and members.mapper.local_table.name == PARTNERSHIP_TABLE:
        routes.append(Route((), "partnerships"))
    shared = mapper.relationships.get("collaboration")  # a body shared by a collaboration
    if shared is not None and not shared.uselist:
        routes.extend(Route(("collaboration", *r.links), r.end)
                      for r in partnership_routes(shared.mapper.class_))
    joint = mapper.relationships.get("joint_with")  # a group run jointly with a neighbour
    if routes and joint is not None and not joint.uselist and (
            joint.mapper.local_table.name == PARTNERSHIP_TABLE):
        routes.append(Route(("joint_with",), "self"))
    if routes:
        return tuple(routes)
    # A parent the record must have comes before one it may lack: a scrutiny activity
    # belongs to its plan's partnership whether or not it names a meeting it observed.
    parents = [(name, relationship) for name in PARTNERSHIP_PARENTS
               if (relationship := mapper.relationships.get(name)) is not None
               and not relationship.uselist and relationship.mapper is not mapper]
    parents.sort(key=lambda item: any(column.nullable for column in item[1].local_columns))
    for name, parent in parents:
        found = partnership_routes(parent.mapper.class_)
        if found:
            return tuple(Route((name, *r.links), r.end) for r in found)
    return ()


def partnerships_of(target: Any) -> frozenset[int] | None:
    """The partnerships a record belongs to (None: it belongs to none, so to everyone).

    A row that is not a mapped record (a tracked action in a list) names its own
    ``partnership_id``, if it has one."""
    if sa.inspect(type(target), raiseerr=False) is None:
        own = getattr(target, "partnership_id", None)
        return frozenset({int(own)}) if own is not None else None
    found: set[int] = set()
    for route in partnership_routes(type(target)):
        value = target
        for name in route.links:
            value = getattr(value, name, None)
            if value is None:
                break
        if value is None:
            continue
        if route.end == "self":
            found.add(value.id)
        elif route.end == "partnerships":
            found.update(member.id for member in value.partnerships)
        else:
            pid = getattr(value, "partnership_id", None)
            if pid is None and getattr(value, "partnership", None) is not None:
                pid = value.partnership.id
            if pid is not None:
                found.add(int(pid))
    return frozenset(found) if found else None


def serves_all(user: Any) -> bool:
    """An administrator serves every partnership."""
    return bool(user.role is Role.ADMIN)


def served(user: Any) -> frozenset[int]:
    """The partnerships the user serves (ignored for an administrator)."""
    return frozenset(scope(user).partnership_ids)


def serves(user: Any, target: Any) -> bool:
    """Say whether the user serves the record's partnership (a record of none: yes)."""
    if isinstance(target, str | type) or serves_all(user):
        return True
    owners = partnerships_of(target)
    return owners is None or bool(owners & served(user))


def served_to_reader(target: Any) -> bool:
    """Say whether the reader serves the record's partnership (anyone, outside a session)."""
    user = reader()
    return user is None or serves(user, target)


def _route_where(model: Any, route: Route, ids: list[int] | None) -> sa.ColumnElement[bool]:
    """Rows whose route reaches a partnership (one of ``ids``, unless None: any)."""

    def along(cls: Any, rest: tuple[str, ...]) -> sa.ColumnElement[bool]:
        if rest:
            link = getattr(cls, rest[0])
            return link.has(along(link.property.mapper.class_, rest[1:]))
        if route.end == "self":
            return cls.id.in_(ids) if ids is not None else sa.true()
        if route.end == "partnerships":
            members = cls.partnerships
            target = members.property.mapper.class_
            return members.any(target.id.in_(ids)) if ids is not None else members.any()
        column = cls.partnership_id
        return column.in_(ids) if ids is not None else column.is_not(None)

    return along(model, route.links)


def serves_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    """``serves`` in SQL: rows of partnerships the user serves, or of none."""
    routes = partnership_routes(model)
    if not routes or serves_all(user):
        return sa.true()
    ids = sorted(served(user))
    return sa.or_(*(_route_where(model, route, ids) for route in routes),
                  sa.and_(*(sa.not_(_route_where(model, route, None)) for route in routes)))


# --- assurance --------------------------------------------------------------------------------

def _scrutinises(user: Any, target: Any) -> bool:
    """The independent scrutineer, for a record of a partnership they scrutinise."""
    if user.role is not Role.SCRUTINEER:
        return False
    if isinstance(target, str | type):
        return True
    return bool((partnerships_of(target) or frozenset())
                & scope(user).scrutinised_partnership_ids)


def _team_or_scrutineer(user: Any, target: Any) -> bool:
    """The team, or the scrutineer of the record's partnership (the scrutiny plan is theirs
    to draft with the partnership)."""
    return user.role is Role.TEAM or _scrutinises(user, target)


def _audit_of(target: Any) -> Any:
    """The case audit a record belongs to."""
    for path in ((), ("audit",), ("audit_return", "audit")):
        value = target
        for name in path:
            value = getattr(value, name, None)
        if getattr(value, "__tablename__", None) == "case_audit":
            return value
    return None


def _sees_audit(user: Any, target: Any) -> bool:
    """A case audit: the team, chairs, partners and the scrutineer; an agency lead sees the
    audits their agency is asked to and, of the returns, only their agency's own."""
    if user.role is not Role.AGENCY:
        return True
    if isinstance(target, str | type):
        return True
    agency_id = scope(user).agency_id
    if agency_id is None:
        return False
    own = getattr(target, "audit_return", target)
    if getattr(own, "__tablename__", None) == "audit_return":
        return bool(own.agency_id == agency_id)
    audit = _audit_of(target)
    return audit is not None and any(r.agency_id == agency_id for r in audit.returns)


def _sees_audit_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    """_sees_audit in SQL."""
    if user.role is not Role.AGENCY:
        return sa.true()
    agency_id = scope(user).agency_id
    if agency_id is None:
        return sa.false()
    name = model.__table__.name
    if name == "audit_return":
        return model.agency_id == agency_id
    if name == "audit_answer":
        return model.audit_return.has(agency_id=agency_id)
    if name == "case_audit":
        return model.returns.any(agency_id=agency_id)
    audit = sa.inspect(model).relationships["audit"].mapper.class_
    return model.audit.has(audit.returns.any(agency_id=agency_id))


def _completes_audit_return(user: Any, target: Any) -> bool:
    """The team, or a lead of the agency whose return it is."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.AGENCY:
        return False
    if isinstance(target, str | type):
        return True
    agency_id = scope(user).agency_id
    return agency_id is not None and getattr(target, "agency_id", None) == agency_id


def _own_organisation(user: Any, target: Any) -> bool:
    """The user works for the organisation (agency, or school or setting) whose return it is."""
    mine = scope(user)
    own = getattr(target, "assessment_return", target)
    return ((own.agency_id is not None and own.agency_id == mine.agency_id)
            or (own.establishment_id is not None
                and own.establishment_id == mine.establishment_id))


def _sees_assessment(user: Any, target: Any) -> bool:
    """Self-assessment: rounds and standards for everyone; of the returns, an agency lead
    sees only their own organisation's."""
    if user.role is not Role.AGENCY or isinstance(target, str | type):
        return True
    if getattr(target, "__tablename__", None) in ("assessment_return", "assessment_answer"):
        return _own_organisation(user, target)
    return True


def _sees_assessment_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    if user.role is not Role.AGENCY:
        return sa.true()
    name = model.__table__.name
    if name not in ("assessment_return", "assessment_answer"):
        return sa.true()
    mine = scope(user)

    def own(cls: Any) -> sa.ColumnElement[bool]:
        reasons = []
        if mine.agency_id is not None:
            reasons.append(cls.agency_id == mine.agency_id)
        if mine.establishment_id is not None:
            reasons.append(cls.establishment_id == mine.establishment_id)
        return sa.or_(*reasons) if reasons else sa.false()

    if name == "assessment_return":
        return own(model)
    returns = sa.inspect(model).relationships["assessment_return"].mapper.class_
    return model.assessment_return.has(own(returns))


def _completes_assessment(user: Any, target: Any) -> bool:
    """The team, or the organisation's own staff (agency role) for their return."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.AGENCY:
        return False
    return isinstance(target, str | type) or _own_organisation(user, target)


def _escalation_parties(target: Any) -> set[int]:
    parties = {target.raised_by_id, target.raised_with_id}
    parties.update(agency.id for agency in target.other_agencies)
    return {party for party in parties if party is not None}


def _sees_escalation(user: Any, target: Any) -> bool:
    """Escalations: the team, chairs, partners and the scrutineer; an agency lead, those their
    agency is party to."""
    if user.role is not Role.AGENCY or isinstance(target, str | type):
        return True
    agency_id = scope(user).agency_id
    return agency_id is not None and agency_id in _escalation_parties(target)


def _sees_escalation_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    if user.role is not Role.AGENCY:
        return sa.true()
    agency_id = scope(user).agency_id
    if agency_id is None:
        return sa.false()
    return sa.or_(model.raised_by_id == agency_id, model.raised_with_id == agency_id,
                  model.other_agencies.any(id=agency_id))


def _records_escalation(user: Any, target: Any) -> bool:
    """The team; an agency lead records (and keeps) those their agency is party to."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.AGENCY:
        return False
    return isinstance(target, str | type) or _sees_escalation(user, target)


def _enters_figures(user: Any, target: Any) -> bool:
    """The team; an agency's staff (agency role) for the indicators their agency is the
    source of."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.AGENCY:
        return False
    if isinstance(target, str | type):
        return True
    indicator = getattr(target, "indicator", target)
    agency_id = scope(user).agency_id
    return agency_id is not None and getattr(indicator, "source_agency_id", None) == agency_id


def _own_agency_training(user: Any, target: Any) -> bool:
    """The team; an agency lead, for their own agency's attendance and follow-ups."""
    if user.role is Role.TEAM:
        return True
    if user.role is not Role.AGENCY:
        return False
    if isinstance(target, str | type):
        return True
    agency_id = scope(user).agency_id
    return agency_id is not None and getattr(target, "agency_id", None) == agency_id


def _listed(check: Rule, where: Where, *roles: Role) -> Listed:
    """A view rule for the roles given, narrowed record by record by ``check``/``where``."""
    allowed = frozenset(roles)
    return Listed(
        check=lambda user, target: user.role in allowed and check(user, target),
        where=lambda user, model: sa.and_(sa.true() if user.role in allowed else sa.false(),
                                          where(user, model)))


# Evidence files: each kind of record that carries evidence says so at app creation
# (``attachable``), and a file is seen exactly when its record is, and attached or removed
# by whoever may do the owner kind's verb to the record.
EVIDENCE_OWNERS: dict[str, tuple[Any, str]] = {}  # kind -> (model, verb to attach)


def attachable(kind: str, model: Any, verb: str) -> None:
    """Let records of ``model`` carry evidence files, attached by those who may ``verb`` them."""
    EVIDENCE_OWNERS[kind] = (model, verb)


def _through_owner(user: Any, target: Any) -> bool:
    """A file is for whoever may view the record it is attached to."""
    if isinstance(target, str | type):
        return True
    owner = target.owner
    return owner is not None and can(user, "view", owner)


def _through_owner_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    return sa.or_(sa.false(), *(
        sa.and_(model.owner_kind == kind,
                model.owner_id.in_(sa.select(owner.id).where(visible(user, owner))))
        for kind, (owner, _verb) in sorted(EVIDENCE_OWNERS.items())))


def _attaches_to_owner(user: Any, target: Any) -> bool:
    """Files are attached (and removed) by whoever may change the record they belong to: the
    owner kind names the verb (an agency lead attaches to their own return, say)."""
    if isinstance(target, str | type):
        return user.role is not Role.ADMIN
    owner = target.owner
    return owner is not None and can(user, target.owner_verb, owner)


# --- complex referrals (partnership/referrals) --------------------------------------------
# A referral is need-to-know: the hub team (the team of the partnership that runs the hub), and
# the forces and partnerships it was routed to: an agency lead of a force routed to, the team
# of a partnership routed to (or of the force's own partnership). Its Referral.partnerships
# are the partnerships its routes reach, so their accounts serve it; a route is seen with its
# referral.


def _referral_of(target: Any) -> Any:
    return getattr(target, "referral", None) or target


def _sees_referral(user: Any, target: Any) -> bool:
    """The team (of the hub or a partnership it reaches); an agency lead of a force routed to,
    or of the organisation that referred it (its own account)."""
    if user.role not in (Role.TEAM, Role.AGENCY):
        return False
    if isinstance(target, str | type):
        return True
    referral = _referral_of(target)
    if user.role is Role.TEAM:
        reached = {route.reached_partnership_id for route in referral.routes}
        return serves_all(user) or bool(({referral.partnership_id} | reached) & served(user))
    agency_id = scope(user).agency_id
    return agency_id is not None and (
        any(route.force_id == agency_id for route in referral.routes)
        or getattr(referral.partner, "account_agency_id", None) == agency_id)


def _sees_referral_where(user: Any, model: Any) -> sa.ColumnElement[bool]:
    """_sees_referral in SQL, for referrals and their routes."""
    if user.role not in (Role.TEAM, Role.AGENCY):
        return sa.false()
    if model.__table__.name != "complex_referral":
        referrals = sa.inspect(model).relationships["referral"].mapper.class_
        return model.referral.has(_sees_referral_where(user, referrals))
    routes = sa.inspect(model).relationships["routes"].mapper.class_
    if user.role is Role.TEAM:
        ids = sorted(served(user))
        return sa.or_(model.partnership_id.in_(ids),
                      model.routes.any(routes.reached_partnership_id.in_(ids)))
    agency_id = scope(user).agency_id
    if agency_id is None:
        return sa.false()
    partners = sa.inspect(model).relationships["partner"].mapper.class_
    return sa.or_(model.routes.any(routes.force_id == agency_id),
                  model.partner.has(partners.account_agency_id == agency_id))


def _keeps_referral(user: Any, target: Any) -> bool:
    """The hub team: the team of the partnership whose hub received the referral."""
    if user.role is not Role.TEAM:
        return False
    return (isinstance(target, str | type)
            or _referral_of(target).partnership_id in served(user))


def _responds_to_route(user: Any, target: Any) -> bool:
    """The hub team records any route's answer (often sent by email); an agency lead answers
    for their own force, a partnership's team for a route to their partnership."""
    if user.role not in (Role.TEAM, Role.AGENCY):
        return False
    if isinstance(target, str | type):
        return True
    if _keeps_referral(user, target):
        return True
    if getattr(target, "referral", None) is None:
        return False  # a referral as a whole is answered route by route
    if user.role is Role.AGENCY:
        agency_id = scope(user).agency_id
        return agency_id is not None and target.force_id == agency_id
    return target.reached_partnership_id in served(user)


def _refers_under_memorandum(user: Any, target: Any) -> bool:
    """The team records a referral only from an organisation with a memorandum in force (on
    the day the referral was received, for a referral; today, for an organisation); so does
    the organisation's own account (an agency lead of its agency), where the hub allows it."""
    if user.role not in (Role.TEAM, Role.AGENCY):
        return False
    if isinstance(target, str | type):
        return True
    organisation = getattr(target, "partner", None) or target
    if user.role is Role.AGENCY:
        agency_id = scope(user).agency_id
        if not (organisation.records_own and agency_id is not None
                and organisation.account_agency_id == agency_id):
            return False
    if hasattr(target, "may_be_referred"):
        return bool(target.may_be_referred())
    return bool(target.may_refer(clock.today()))


# (verb, realm) -> rule. Keep this table the single source of truth.
RULES: dict[tuple[str, str], Rule] = {
    ("view", "home"): _roles(*EVERYONE),
    ("view", "own_account"): _roles(*EVERYONE),
    ("edit", "own_account"): _roles(*EVERYONE),
    ("view", "users"): _roles(Role.ADMIN),
    ("create", "users"): _roles(Role.ADMIN),
    ("edit", "users"): _roles(Role.ADMIN),
    ("view", "audit_log"): _roles(Role.ADMIN, Role.TEAM),
    # The register: the team keeps it; everyone else reads it.
    ("view", "register"): _roles(*EVERYONE),
    ("edit", "register"): _roles(Role.TEAM),
    # The arrangements document: the team drafts and publishes, partners sign off.
    ("view", "arrangements"): _roles(*EVERYONE),
    ("edit", "arrangements"): _roles(Role.TEAM),
    ("publish", "arrangements"): _roles(Role.TEAM),
    ("sign_off", "arrangements"): _roles(Role.PARTNER),
    ("record_paper", "arrangements"): _roles(Role.TEAM),  # a version signed on paper
    # The threshold document (levels of need): as the arrangements.
    ("view", "thresholds"): _roles(*EVERYONE),
    ("edit", "thresholds"): _roles(Role.TEAM),
    ("publish", "thresholds"): _roles(Role.TEAM),
    ("sign_off", "thresholds"): _roles(Role.PARTNER),
    ("record_paper", "thresholds"): _roles(Role.TEAM),
    # The business plan: the team keeps it; everyone reads it.
    ("view", "plans"): _roles(*EVERYONE),
    ("edit", "plans"): _roles(Role.TEAM),
    # The action tracker. Records decide for chairs (their bodies' actions), agency leads
    # (their agency's) and lead officers (their own); the team may do everything.
    ("view", "actions"): _within_case(_roles(*EVERYONE)),
    ("export", "actions"): _roles(*EVERYONE),
    ("create", "actions"): _within_case(_team_or_chair),
    ("edit", "actions"): _within_case(_team_or_chair),
    ("update", "actions"): _within_case(_may_update_progress),
    ("import", "actions"): _roles(Role.TEAM),
    ("carry_forward", "actions"): _roles(Role.TEAM),
    # Everyone working on actions comments on them; whoever may record progress may ask for
    # a new target date, and the owning body's chair or the team decides; a change in bulk
    # is an edit of each action.
    ("comment", "actions"): _within_case(_roles(Role.TEAM, Role.CHAIR, Role.AGENCY,
                                                Role.PARTNER)),
    ("request_date", "actions"): _within_case(_may_update_progress),
    ("decide_date", "actions"): _within_case(_team_or_chair),
    # Meetings: the team and the body's chair record them; partners confirm their votes.
    ("view", "meetings"): _roles(*EVERYONE),
    ("edit", "meetings"): _team_or_chair,
    ("vote", "meetings"): _partner_vote,
    # Calendar feeds: everyone keeps their own private feed address (and nobody else's).
    ("view", "calendar"): _roles(*EVERYONE),
    ("edit", "calendar"): _roles(*EVERYONE),
    # Case reviews: need-to-know. Records decide (see _sees_case); a refusal is a 404.
    ("view", "cases"): _case_rule(Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER),
    ("create", "cases"): _roles(Role.TEAM),
    ("edit", "cases"): _case_rule(Role.TEAM, chair_of_reviewing_body=True),
    ("sign_off", "cases"): _case_rule(Role.PARTNER),
    ("manage", "cases"): _roles(Role.TEAM),  # settings, closure days, people added to cases
    # Moving a case on before its stage is complete (with a reason, audited): the team only.
    ("override", "cases"): _case_rule(Role.TEAM),
    # Recommendations and action plans: ours follow their case; learning from elsewhere is open.
    ("view", "reviews"): _read_review,
    ("edit", "reviews"): _edit_review,
    ("create", "reviews"): _roles(Role.TEAM),  # learning from elsewhere
    ("manage", "themes"): _roles(Role.TEAM),
    # The yearly report: everyone reads it; the team assembles and publishes it; each
    # partner's representative signs it off; only the scrutineer writes their assessment.
    ("view", "reports"): _roles(*EVERYONE),
    ("edit", "reports"): _roles(Role.TEAM),
    ("publish", "reports"): _roles(Role.TEAM),
    ("sign_off", "reports"): _partner_of_partnership,
    ("assess", "reports"): _scrutineer_of_partnership,
    ("record_paper", "reports"): _roles(Role.TEAM),
    # Signed documents (partnership.publishing): signatures are read with their document;
    # a representative names their own deputy, or the team records it for them.
    ("view", "publishing"): _roles(*EVERYONE),
    # The team enters a version published with the signatures it carried on paper (each
    # document's own record_paper rule decides for its versions).
    ("record_paper", "publishing"): _roles(Role.TEAM),
    ("view", "deputies"): _roles(Role.ADMIN, Role.TEAM, Role.PARTNER),
    ("edit", "deputies"): _delegating_for_self,
    # The reading room: every published document in one place.
    ("view", "reading_room"): _roles(*EVERYONE),
    # Assurance. Grading scales for audits and self-assessments: the team keeps them.
    ("view", "scales"): _roles(*EVERYONE),
    ("edit", "scales"): _roles(Role.TEAM),
    # Independent scrutiny: everyone reads the plan and what was found; the team and the
    # scrutineer plan it; only the scrutineer writes findings, good practice and
    # recommendations; only the team writes the partnership's response.
    ("view", "scrutiny"): _roles(*EVERYONE),
    ("edit", "scrutiny"): _team_or_scrutineer,
    ("report", "scrutiny"): _scrutinises,
    ("respond", "scrutiny"): _roles(Role.TEAM),
    # Multi-agency case audits: the team and the running group's chair keep them; each
    # agency asked completes its own return and sees no other agency's.
    ("view", "case_audits"): _listed(_sees_audit, _sees_audit_where, Role.ADMIN, Role.TEAM,
                                     Role.CHAIR, Role.PARTNER, Role.AGENCY, Role.SCRUTINEER),
    ("edit", "case_audits"): _team_or_chair,
    ("complete", "case_audits"): _completes_audit_return,
    ("reopen", "case_audits"): _roles(Role.TEAM),  # a sent return, for its agency to change
    # Section 11 and schools self-assessment: the team runs rounds and moderation; each
    # organisation's own staff complete its return and see no other organisation's.
    ("view", "self_assessment"): _listed(_sees_assessment, _sees_assessment_where,
                                         *EVERYONE),
    ("manage", "self_assessment"): _roles(Role.TEAM),
    ("moderate", "self_assessment"): _roles(Role.TEAM),
    ("complete", "self_assessment"): _completes_assessment,
    ("export", "self_assessment"): _roles(Role.TEAM, Role.CHAIR, Role.PARTNER,
                                          Role.SCRUTINEER),
    # The voice of children and families: everyone reads; the team records.
    ("view", "voice"): _roles(*EVERYONE),
    ("edit", "voice"): _roles(Role.TEAM),
    # Escalations between agencies: agency leads see and record those their agency is party
    # to; the team, chairs, partners and the scrutineer read them all.
    ("view", "escalations"): _listed(_sees_escalation, _sees_escalation_where, *EVERYONE),
    ("edit", "escalations"): _records_escalation,
    # The multi-agency dataset: everyone reads it (figures not yet approved are marked so);
    # the team keeps the indicators, population, benchmarks and settings and approves
    # figures for publication; each source agency's staff enter and import their figures
    # and the owner's commentary.
    ("view", "dataset"): _roles(*EVERYONE),
    ("edit", "dataset"): _roles(Role.TEAM),
    ("enter", "dataset"): _enters_figures,
    ("approve", "dataset"): _roles(Role.TEAM),
    ("export", "dataset"): _roles(*EVERYONE),
    # Multi-agency training: everyone reads the programme, uptake and what changed; the team
    # keeps courses, sessions, evaluations, expected places, settings and imports; an agency
    # lead records their own agency's attendance and answers its follow-ups.
    ("view", "training"): _roles(*EVERYONE),
    ("edit", "training"): _roles(Role.TEAM),
    ("record", "training"): _own_agency_training,
    ("follow_up", "training"): _own_agency_training,
    # The shared budget: published by the partners, so everyone reads it (agency leads and
    # the scrutineer included); the team keeps the figures and runs the statement's round;
    # each partner's representative signs off their own partnership's statement.
    ("view", "funding"): _roles(*EVERYONE),
    ("edit", "funding"): _roles(Role.TEAM),
    ("publish", "funding"): _roles(Role.TEAM),
    ("sign_off", "funding"): _partner_of_partnership,
    ("record_paper", "funding"): _roles(Role.TEAM),
    # Evidence files follow the record they are attached to; the team sees the quota.
    ("view", "evidence"): Listed(check=_through_owner, where=_through_owner_where),
    ("attach", "evidence"): _attaches_to_owner,
    ("manage", "evidence"): _roles(Role.TEAM),
    # Notices: everyone reads their own notices and chooses what they receive; the team sets
    # each partnership's digest day; the administrator watches the scheduled jobs.
    ("view", "notices"): _roles(*EVERYONE),
    ("manage", "digests"): _roles(Role.TEAM),
    ("view", "scheduled_jobs"): _roles(Role.ADMIN),
    # Complex referrals under a memorandum of understanding: the hub team keeps partner
    # organisations and their memoranda, takes referrals (only from an organisation with a
    # memorandum in force) and routes them; an organisation's own account may record its
    # referrals where the hub allows it; a referral is need-to-know (_sees_referral), and
    # each force or partnership routed to answers for itself; reports count what one sees.
    ("view", "referral_partners"): _roles(Role.TEAM),
    ("edit", "referral_partners"): _roles(Role.TEAM),
    ("refer", "referral_partners"): _refers_under_memorandum,
    ("refer", "referrals"): _refers_under_memorandum,
    ("view", "referrals"): Listed(check=_sees_referral, where=_sees_referral_where),
    ("edit", "referrals"): _keeps_referral,
    ("respond", "referrals"): _responds_to_route,
    ("report", "referrals"): _roles(Role.TEAM, Role.AGENCY),
}


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def can(user: Any, verb: str, target: Any) -> bool:
    """Return whether ``user`` may ``verb`` the ``target``; unknown combinations are refused."""
    if not _signed_in(user):
        return False
    rule = RULES.get((verb, realm_of(target)))
    return bool(rule and serves(user, target) and rule(user, target))


def visible(user: Any, model: Any) -> sa.ColumnElement[bool]:
    """The SQL condition selecting exactly the rows of ``model`` (a mapped class; its
    ``__realm__`` names the realm) for which ``can(user, "view", row)`` is true.

    A realm whose view rule cannot be said in SQL is refused loudly, so a new realm with
    records cannot reach a list without a visibility rule.
    """
    realm = realm_of(model)
    rule = RULES.get(("view", realm))
    if not isinstance(rule, Listed):
        raise LookupError(f"no visibility rule for the {realm!r} realm ({model.__name__}): "
                          f"give RULES[('view', {realm!r})] a Listed rule")
    if not _signed_in(user):
        return sa.false()
    return sa.and_(serves_where(user, model), rule.where(user, model))
