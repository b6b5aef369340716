"""The service navigation, built from the policy so each role sees what it can use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from partnership.policy import can


@dataclass(frozen=True)
class NavItem:
    """A navigation link, shown when the user may ``verb`` the ``realm``."""

    label: str
    endpoint: str
    verb: str
    realm: str
    section: tuple[str, ...]  # endpoints (or prefixes ending in '.') that belong to it


NAVIGATION = [
    NavItem("Home", "pages.home", "view", "home", ("pages.home",)),
    NavItem("My actions", "actions.mine", "update", "actions", ("actions.mine",)),
    NavItem("Actions", "actions.index", "view", "actions",
            ("actions.index", "actions.detail", "actions.new", "actions.edit",
             "actions.update", "actions.import_")),
    NavItem("Business plans", "plans.all", "view", "plans", ("plans.",)),
    NavItem("Meetings", "meetings.upcoming", "view", "meetings", ("meetings.",)),
    NavItem("Case reviews", "cases.index", "view", "cases", ("cases.", "rapid.", "local_reviews.")),
    NavItem("Learning", "learning.index", "view", "reviews", ("learning.",)),
    NavItem("Assurance", "pages.assurance", "view", "home",
            ("pages.assurance", "scrutiny.", "case_audits", "scales.", "self_assessment.",
             "voice.", "escalations.")),
    NavItem("Data", "dataset_all.index", "view", "dataset", ("dataset.", "dataset_all.")),
    NavItem("Training", "training_all.index", "view", "training",
            ("training.", "training_all.")),
    NavItem("Budget", "funding_all.index", "view", "funding", ("funding.", "funding_all.")),
    NavItem("Referrals", "referrals.board", "view", "referrals", ("referrals.",)),
    NavItem("Reading room", "reading_room.index", "view", "reading_room",
            ("reading_room.", "reports.")),
    NavItem("Partnerships", "partnerships.index", "view", "register",
            ("partnerships.", "partners.", "agencies.", "bodies.", "scrutineers.",
             "collaborations.", "thresholds.")),
    NavItem("People", "people.index", "view", "register", ("people.",)),
    NavItem("Users", "accounts.users", "view", "users", ("accounts.user",)),
    NavItem("Audit log", "audit.search", "view", "audit_log", ("audit.",)),
    NavItem("Your account", "accounts.account", "view", "own_account",
            ("accounts.account", "accounts.change_password")),
]


def navigation_for(user: Any) -> list[dict[str, Any]]:
    """Return the items for the GOV.UK service navigation component."""
    current = request.endpoint or ""
    return [
        {
            "text": item.label,
            "href": url_for(item.endpoint),
            "current": current == item.endpoint,
            "active": current.startswith(item.section),
        }
        for item in NAVIGATION
        if can(user, item.verb, item.realm)
    ]
