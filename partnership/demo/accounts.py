"""Demo accounts: one per role, for trying the service locally."""

from __future__ import annotations

from dataclasses import dataclass

from partnership.policy import Role


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in shown by `make run`."""

    email: str
    name: str
    role: Role
    password: str


# Fictional people. The passwords are for local demonstration only and are printed openly.
# Each account is linked to a person in the demo register (partnership/demo/register.py), so
# the three partner accounts are Wessexshire's delegated safeguarding partners (local
# authority, health and police) and all three can sign off the county's arrangements.
DEMO_ACCOUNTS = [
    DemoAccount("admin@demo.example", "Priya Natarajan", Role.ADMIN, "demo admin kestrel lantern"),
    DemoAccount("officer@demo.example", "Sam Okafor", Role.TEAM, "demo officer heron teapot"),
    DemoAccount("partner@demo.example", "Helen Marsh", Role.PARTNER, "demo partner badger violin"),
    DemoAccount("health.partner@demo.example", "Olusola Bankole", Role.PARTNER,
                "demo health puffin marmalade"),
    DemoAccount("police.partner@demo.example", "Karen Oduya", Role.PARTNER,
                "demo police kingfisher accordion"),
    DemoAccount("chair@demo.example", "Dr Aled Rees", Role.CHAIR, "demo chair otter compass"),
    DemoAccount("agency@demo.example", "Grace Whitfield", Role.AGENCY, "demo agency wren saucepan"),
    DemoAccount("scrutineer@demo.example", "Martin Ellwood", Role.SCRUTINEER,
                "demo scrutineer hare lighthouse"),
]
