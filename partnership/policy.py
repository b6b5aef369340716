"""Who may do what: the one place every permission is decided.

``can(user, verb, target)`` answers for views, templates and tests alike. A target is a
realm name (``"users"``), a model class, or a model instance; instances let a rule look
at the record (a chair's own body, an agency's own action) once those records exist.
Anything without a rule is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any


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


def realm_of(target: Any) -> str:
    """Name the realm a target belongs to: its string, its class's or its own ``__realm__``."""
    if isinstance(target, str):
        return target
    realm = getattr(target, "__realm__", None)
    if realm is None:
        raise TypeError(f"{target!r} has no __realm__ for the policy")
    return str(realm)


def _roles(*roles: Role) -> Rule:
    allowed = frozenset(roles)
    return lambda user, _target: user.role in allowed


def scope(user: Any) -> Any:
    """Return what the user's person record makes them (chair of, agency, partner), per request."""
    from flask import g, has_app_context

    from partnership.register.services.people import scope_of

    if not has_app_context():
        return scope_of(user)
    cache: dict[int, Any] = g.setdefault("policy_scopes", {})
    if user.id not in cache:
        cache[user.id] = scope_of(user)
    return cache[user.id]


def owning_body_id(target: Any) -> int | None:
    """Find the body a record belongs to: its own, its meeting's or its decision's."""
    for path in (("body_id",), ("meeting", "body_id"), ("decision", "meeting", "body_id")):
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
    """The team; the owning body's chair; the lead agency's lead; the lead officer themself."""
    if user.role is Role.TEAM:
        return True
    if user.role not in (Role.CHAIR, Role.AGENCY, Role.PARTNER):
        return False
    if isinstance(target, str):
        return True
    mine = scope(user)
    return (
        (user.role is Role.CHAIR and owning_body_id(target) in mine.chaired_body_ids)
        or (user.role is Role.AGENCY and target.lead_agency_id is not None
            and target.lead_agency_id == mine.agency_id)
        or (target.lead_person_id is not None and target.lead_person_id == mine.person_id)
    )


def case_of(target: Any) -> Any:
    """Find the case a record belongs to: itself, its case, its review's case, its rapid or
    local review's case (None for a review from elsewhere)."""
    for path in ((), ("case",), ("rapid_review", "case"), ("local_review", "case"),
                 ("review", "case"), ("recommendation", "review", "case")):
        value = target
        for name in path:
            value = getattr(value, name, None)
        if value is not None and getattr(value, "__tablename__", None) == "case_record":
            return value
    return None


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


def _case_rule(*roles: Role, chair_of_reviewing_body: bool = False) -> Rule:
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

    return rule


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

    return guarded


def _read_review(user: Any, target: Any) -> bool:
    """Learning from elsewhere is for everyone; our own reviews' recommendations and action
    plans for the scrutineer and whoever may see the case."""
    if isinstance(target, str):
        return True
    case = case_of(target)
    return case is None or user.role is Role.SCRUTINEER or _sees_case(user, case)


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
    # Meetings: the team and the body's chair record them; partners confirm their votes.
    ("view", "meetings"): _roles(*EVERYONE),
    ("edit", "meetings"): _team_or_chair,
    ("vote", "meetings"): _partner_vote,
    # Case reviews: need-to-know. Records decide (see _sees_case); a refusal is a 404.
    ("view", "cases"): _case_rule(Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER),
    ("create", "cases"): _roles(Role.TEAM),
    ("edit", "cases"): _case_rule(Role.TEAM, chair_of_reviewing_body=True),
    ("sign_off", "cases"): _case_rule(Role.PARTNER),
    ("manage", "cases"): _roles(Role.TEAM),  # settings, closure days, people added to cases
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
    # The reading room: every published document in one place.
    ("view", "reading_room"): _roles(*EVERYONE),
}


def can(user: Any, verb: str, target: Any) -> bool:
    """Return whether ``user`` may ``verb`` the ``target``; unknown combinations are refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES.get((verb, realm_of(target)))
    return bool(rule and rule(user, target))
