"""Enforcing the policy in views: refuse, audit the refusal, and say so plainly."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from partnership.extensions import login_manager
from partnership.policy import can, case_of, serves

F = TypeVar("F", bound=Callable[..., Any])

# Every refusal is written to the audit trail. The audit trail's own pages use ``requires``,
# so the trail hands its recorder in when the app is created (``partnership.audit.init_app``)
# instead of this module importing the audit package.
_refusal_recorders: list[Callable[..., object]] = []


def record_refusals_with(recorder: Callable[..., object]) -> None:
    """Write every refusal with ``recorder`` (``record_event``'s signature), once."""
    if recorder not in _refusal_recorders:
        _refusal_recorders.append(recorder)


def authorize(verb: str, target: Any, *, hide: bool = False) -> None:
    """Abort unless the current user may ``verb`` the target; every refusal is audited.

    ``hide=True`` answers 404 instead of 403 where the record's existence is itself sensitive;
    anything belonging to a case review always is (need-to-know: its existence is not revealed),
    and so is a record of a partnership the user does not serve.
    """
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if can(current_user, verb, target):
        return
    record_type = getattr(getattr(target, "__table__", None), "name", None) or str(target)
    for record_event in _refusal_recorders:
        record_event(
            "refused",
            outcome=f"{verb}",
            record_type=record_type[:60],
            record_id=getattr(target, "id", None) or request.path[:60],
        )
    hidden = hide or case_of(target) is not None or not serves(current_user, target)
    abort(404 if hidden else 403)


def requires(verb: str, realm: str) -> Callable[[F], F]:
    """Decorate a view so it runs only for users who may ``verb`` the ``realm``."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authorize(verb, realm)
            return view(*args, **kwargs)

        wrapped.required_permission = (verb, realm)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
