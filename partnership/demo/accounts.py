"""Demo accounts: one per role, for trying the service locally, and the partnerships each serves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership

COUNTY = ("wscp",)
EVERY_AREA = ("wscp", "imscp", "sscp", "tscp")


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in shown by `make run`, with the slugs of the partnerships it serves."""

    email: str
    name: str
    role: Role
    password: str
    partnerships: tuple[str, ...] = COUNTY


# Fictional people. The passwords are for local demonstration only and are printed openly.
# Each account is linked to a person in the demo register (partnership/demo/register.py), so
# the three partner accounts are Wessexshire's delegated safeguarding partners (local
# authority, health and police) and all three can sign off the county's arrangements.
# The county's officer belongs to the team the four areas share; the Isle of Merrow's officer
# serves the island only, so the county's records are not theirs to see (and the island's
# are not the county's chair's, partners', agency lead's or scrutineer's).
DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.example", "Priya Natarajan", Role.ADMIN, "demo admin kestrel lantern",
                ()),
    DemoAccount("officer@demo.example", "Sam Okafor", Role.TEAM, "demo officer heron teapot",
                EVERY_AREA),
    DemoAccount("merrow.officer@demo.example", "Rhiannon Pryce", Role.TEAM,
                "demo merrow officer gannet thimble", ("imscp",)),
    DemoAccount("partner@demo.example", "Helen Marsh", Role.PARTNER, "demo partner badger violin"),
    DemoAccount("health.partner@demo.example", "Olusola Bankole", Role.PARTNER,
                "demo health puffin marmalade"),
    DemoAccount("police.partner@demo.example", "Karen Oduya", Role.PARTNER,
                "demo police kingfisher accordion"),
    DemoAccount("chair@demo.example", "Dr Aled Rees", Role.CHAIR, "demo chair otter compass"),
    DemoAccount("agency@demo.example", "Grace Whitfield", Role.AGENCY, "demo agency wren saucepan"),
    DemoAccount("scrutineer@demo.example", "Martin Ellwood", Role.SCRUTINEER,
                "demo scrutineer hare lighthouse"),
    # A school's designated safeguarding lead (their person works for a school, not an
    # agency: demo/self_assessment.py links them), completing the school's self-assessment.
    DemoAccount("school@demo.example", "Nadia Okonkwo", Role.AGENCY,
                "demo school puffin chalkboard"),
]


def serve_demo_partnerships(users: Iterable[User]) -> None:
    """Link each demo account to the partnerships it serves (once the register is loaded);
    an account that was already there keeps the partnerships it has and gains these."""
    ids = {slug: pid for slug, pid in db.session.execute(
        sa.select(Partnership.slug, Partnership.id))}
    serves = {account.email: account.partnerships for account in DEMO_ACCOUNTS}
    for user in users:
        wanted = {ids[slug] for slug in serves.get(user.email, ()) if slug in ids}
        if user.role is not Role.ADMIN and wanted:
            user.serve_only(user.partnership_ids | wanted)
    db.session.flush()


def serve_synthetic_partnerships() -> None:
    """Let the shared team serve the synthetic partnerships too (``demo load --scale``), so
    its lists read them at scale as they read the four areas."""
    synthetic = set(db.session.scalars(
        sa.select(Partnership.id).where(Partnership.slug.like("synthetic-%"))))
    shared = [account.email for account in DEMO_ACCOUNTS if account.partnerships == EVERY_AREA]
    for user in db.session.scalars(sa.select(User).where(User.email.in_(shared))):
        user.serve_only(user.partnership_ids | synthetic)
    db.session.flush()
