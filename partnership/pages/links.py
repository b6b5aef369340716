"""Links shown only where the reader may follow them.

Every page is guarded twice: by the permission its view declares (``@requires(verb, realm)``,
read here from ``required_permission``) and by the policy's word on the record the URL names
(``authorize(verb, record)``: the case of ``/cases/<case_id>``, the partnership of
``/partnerships/<slug>``). ``may_follow`` asks both, through the same ``can``, so a link and
the page it leads to cannot disagree; ``tests/browser/support.py`` crawls every link of the
accessibility walk per role to keep it so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from partnership.extensions import db
from partnership.policy import can, reader

# URL arguments that name something other than a record of the model their name suggests.
NOT_RECORDS = frozenset({"kind", "filename", "page", "year", "token", "part"})
CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


@cache
def _models_by_name() -> dict[str, Any]:
    """Every mapped class by its name in snake case (``RapidReview`` -> ``rapid_review``)."""
    return {CAMEL.sub("_", mapper.class_.__name__).lower(): mapper.class_
            for mapper in db.Model.registry.mappers}


def _model_for(argument: str) -> Any | None:
    """The model a URL argument names: ``case_id`` a Case, ``slug`` a Partnership."""
    if argument == "slug":
        return _models_by_name().get("partnership")
    if not argument.endswith("_id") or argument in NOT_RECORDS:
        return None
    return _models_by_name().get(argument.removesuffix("_id"))


def _record(model: Any, argument: str, value: Any) -> Any:
    """Load the record a URL argument names (None: there is none)."""
    if argument == "slug":
        return db.session.scalar(sa.select(model).where(model.slug == value))
    return db.session.get(model, value)


def _verb_of(endpoint: str) -> tuple[str, str | None]:
    """The verb (and realm) the endpoint's view declares; a page with none is read ("view")."""
    view: Callable[..., Any] | None = current_app.view_functions.get(endpoint)
    declared = getattr(view, "required_permission", None)
    return (declared[0], declared[1]) if declared else ("view", None)


def may_follow(endpoint: str, record: object = None, **values: Any) -> bool:
    """Say whether the reader may open ``url_for(endpoint, **values)``: the view's declared
    permission, and the policy's word on ``record`` (or on each record the URL names)."""
    user = reader()
    if user is None:
        return True  # a document assembled offline links for whoever will read it
    verb, realm = _verb_of(endpoint)
    if realm is not None and not can(user, verb, realm):
        return False
    if record is not None:
        return can(user, verb, record)
    for argument, value in values.items():
        model = None if argument.startswith("_") else _model_for(argument)
        if model is None or getattr(model, "__realm__", None) is None:
            continue
        found = _record(model, argument, value)
        if found is None or not can(user, verb, found):
            return False
    return True


def may_open(path: str | None) -> bool:
    """Say whether the reader may open an app path (a link a document stored as text)."""
    if not path:
        return False
    if reader() is None:
        return True  # as may_follow: offline, a document links for whoever will read it
    parts = urlsplit(path)
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, values = adapter.match(parts.path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return may_follow(endpoint, **values)


def link_to(endpoint: str, record: object = None, **values: Any) -> str:
    """The URL of a page the reader may open, else "" (for ``{% if %}`` in templates)."""
    return url_for(endpoint, **values) if may_follow(endpoint, record, **values) else ""
