"""Saved filters: a list's query string kept under a name, for the user who saved it alone.

Any list page can offer them: the feature says so once (``filterable``), passes
``saved_filters(user, endpoint)`` to its template and includes the panel
(``templates/accounts/_saved_filters.html``). Applying a saved filter is following a link
to the list with its query string; nothing else is stored.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa

from partnership.accounts.models import SavedFilter
from partnership.extensions import db
from partnership.kernel.errors import DomainError, NotFound

NAME_LIMIT = 80  # SavedFilter.name
QUERY_LIMIT = 1000  # SavedFilter.query
# Arguments that say where one is on a page, not what it shows.
NOT_FILTERS = frozenset({"page", "keep", "saved", "csrf_token", "submit"})
# List endpoint -> the list's name, as features offer them.
FILTERABLE: dict[str, str] = {}


class SavedFilterError(DomainError):
    """A saved filter the rules refuse; the message is for the user."""


def filterable(endpoint: str, label: str) -> None:
    """Let users save filters of the list at ``endpoint`` (a GET page)."""
    FILTERABLE[endpoint] = label


def clean_query(query: str) -> str:
    """Keep a query string's filters only (no page number, no form buttons), in order."""
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=False)
             if key not in NOT_FILTERS and value.strip()]
    return urlencode(pairs)


def saved_filters(user: object, endpoint: str) -> list[SavedFilter]:
    """Return the user's saved filters of one list, by name."""
    return list(db.session.scalars(
        sa.select(SavedFilter).where(SavedFilter.user_id == getattr(user, "id", None),
                                     SavedFilter.endpoint == endpoint)
        .order_by(sa.func.lower(SavedFilter.name), SavedFilter.id)))


def every_saved_filter(user: object) -> list[SavedFilter]:
    """Return all the user's saved filters, by list and name."""
    return list(db.session.scalars(
        sa.select(SavedFilter).where(SavedFilter.user_id == getattr(user, "id", None))
        .order_by(SavedFilter.endpoint, sa.func.lower(SavedFilter.name), SavedFilter.id)))


def save_filter(user: object, endpoint: str, name: str, query: str) -> SavedFilter:
    """Save the list's filters under a name (the same name again replaces them)."""
    if endpoint not in FILTERABLE:
        raise SavedFilterError("Filters of this page cannot be saved", "name")
    name = " ".join(name.split())
    if not name:
        raise SavedFilterError("Enter a name for the filter", "name")
    if len(name) > NAME_LIMIT:
        raise SavedFilterError(f"The name must be {NAME_LIMIT} characters or fewer", "name")
    query = clean_query(query)
    if not query:
        raise SavedFilterError("Choose some filters first: this shows the whole list", "name")
    if len(query) > QUERY_LIMIT:
        raise SavedFilterError("These filters are too long to save", "name")
    user_id = getattr(user, "id", None)
    found = db.session.scalars(sa.select(SavedFilter).where(
        SavedFilter.user_id == user_id, SavedFilter.endpoint == endpoint,
        SavedFilter.name == name)).first()
    if found is None:
        found = SavedFilter(user_id=user_id, endpoint=endpoint, name=name)
        db.session.add(found)
    found.query = query
    db.session.flush()
    return found


def own_filter(user: object, filter_id: int) -> SavedFilter:
    """Return one of the user's own saved filters; anyone else's does not exist for them."""
    found = db.session.get(SavedFilter, filter_id)
    if found is None or found.user_id != getattr(user, "id", None):
        raise NotFound("There is no such saved filter")
    return found


def delete_filter(user: object, filter_id: int) -> SavedFilter:
    """Delete one of the user's own saved filters."""
    found = own_filter(user, filter_id)
    db.session.delete(found)
    db.session.flush()
    return found
