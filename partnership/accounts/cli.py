"""Operator commands: ``flask --app wsgi users ...``."""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from partnership.accounts import services
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role

users_cli = AppGroup("users", help="Create and manage user accounts.")
ROLE_NAMES = click.Choice([r.value for r in Role])


def _find(email: str) -> User:
    user = services.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_NAMES, required=True)
@click.option("--name", default=None, help="Full name (defaults to the email's first part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--partnership", "partnerships", multiple=True, metavar="NAME",
              help="A partnership the account serves, by name (repeat for several; "
                   "required unless the role is admin).")
def create(email: str, role: str, name: str | None, password_stdin: bool,
           partnerships: tuple[str, ...]) -> None:
    """Create an account; the password is read from stdin or prompted for."""
    by_name = {label: pid for pid, label in services.directory().partnership_choices()}
    if Role(role) is not Role.ADMIN and not partnerships:
        raise click.ClickException("Name the partnerships the account serves: --partnership NAME")
    unknown = [name for name in partnerships if name not in by_name]
    if unknown:
        raise click.ClickException(
            f"No partnership called {', '.join(unknown)}. Known: {', '.join(sorted(by_name))}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with acting_as("cli"):
        try:
            user = services.create_user(email, name or email.split("@")[0], Role(role), password)
            services.set_partnerships(user, {by_name[name] for name in partnerships})
        except services.AccountError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value})")


@users_cli.command("list")
def list_users() -> None:
    """List accounts as email, role and state."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "disabled" if user.disabled else "active"
        click.echo(f"{user.email}\t{user.role.value}\t{state}\t{user.name}")


@users_cli.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account and end its sessions."""
    with acting_as("cli"):
        user = _find(email)
        services.set_disabled(user, True)
        db.session.commit()
    click.echo(f"Disabled {user.email}")


@users_cli.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Re-enable a disabled account."""
    with acting_as("cli"):
        user = _find(email)
        services.set_disabled(user, False)
        db.session.commit()
    click.echo(f"Enabled {user.email}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_NAMES)
def set_role(email: str, role: str) -> None:
    """Change an account's role."""
    with acting_as("cli"):
        user = _find(email)
        user.role = Role(role)
        db.session.commit()
    click.echo(f"{user.email} is now {role}")
