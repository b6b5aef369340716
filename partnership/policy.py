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
}


def can(user: Any, verb: str, target: Any) -> bool:
    """Return whether ``user`` may ``verb`` the ``target``; unknown combinations are refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES.get((verb, realm_of(target)))
    return bool(rule and rule(user, target))
