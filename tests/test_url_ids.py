"""An id in a URL that no record could have answers 404, on every route, never 500.

Every ``<int:...>`` in the app's routes is a database id; ids beyond PostgreSQL's integer
range once reached the database and failed there (NumericValueOutOfRange, a 500).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from werkzeug.routing import Rule

from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Person
from partnership.web import DATABASE_ID_MAX
from tests.support.client import BrowserLikeClient, csrf_token_from
from tests.test_authorization import _placeholders, _rules

INT_PLACEHOLDER = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")
ANY_PLACEHOLDER = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")

# No record can have these ids: beyond PostgreSQL's integer, beyond 64 bits, not positive,
# negative, not a number, and too long to be worth reading.
IMPOSSIBLE_IDS = [str(DATABASE_ID_MAX + 1), "99999999999999999999", "0", "-1", "abc", "9" * 5000]


def _int_rules(app: Flask) -> list[Rule]:
    return [rule for rule in _rules(app) if INT_PLACEHOLDER.search(rule.rule)]


def _urls_with(rule: Rule, values: dict[str, str], bad: str) -> list[str]:
    """The rule's URL once per int placeholder: ``bad`` in that one, real values elsewhere."""
    urls = []
    for target in range(len(INT_PLACEHOLDER.findall(rule.rule))):
        ints_seen = itertools.count()

        def fill(match: re.Match[str], target: int = target,
                 ints_seen: Iterator[int] = ints_seen) -> str:
            if match.group(0).startswith("<int") and next(ints_seen) == target:
                return bad
            return values[match.group(1)]

        urls.append(ANY_PLACEHOLDER.sub(fill, rule.rule))
    return urls


def test_an_id_no_record_can_have_is_404_on_every_route(
    app: Flask, backend: str, signed_in: Callable[[Role], BrowserLikeClient]
) -> None:
    client = signed_in(Role.TEAM)
    values = _placeholders(app, client.user.id, client.user.id)  # type: ignore[attr-defined]
    token = csrf_token_from(client.get("/account"))
    answers: dict[str, int] = {}
    for rule in _int_rules(app):
        get = "GET" in (rule.methods or ())
        for bad in IMPOSSIBLE_IDS:
            for position, url in enumerate(_urls_with(rule, values, bad), start=1):
                asked = f"{'GET' if get else 'POST'} {rule.rule} with {bad[:22]} in int #{position}"
                response = (client.get(url) if get
                            else client.post(url, data={"csrf_token": token}))
                answers[asked] = response.status_code

    assert len(answers) >= len(_int_rules(app)) * len(IMPOSSIBLE_IDS)
    assert {asked: status for asked, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("edge", [1, DATABASE_ID_MAX])
def test_the_smallest_and_largest_ids_reach_the_record(
    edge: int, app: Flask, backend: str, signed_in: Callable[[Role], BrowserLikeClient]
) -> None:
    """The bounds are the database's own: a record at either edge is found."""
    client = signed_in(Role.TEAM)
    with app.app_context():
        db.session.add(Person(id=edge, name="Edge Case"))
        db.session.commit()

    assert client.get(f"/people/{edge}").status_code == 200


# Every number read from a query string, with a page that shows it (team or admin may see it).
QUERY_NUMBERS = [
    (Role.ADMIN, "/users?page={}"),
    (Role.ADMIN, "/audit?page={}"),
    (Role.TEAM, "/actions?page={}"),
    (Role.TEAM, "/learning?page={}"),
    (Role.TEAM, "/reading-room/reports/compare?older={}&newer={}"),
]


def test_a_number_in_a_query_string_no_record_could_have_is_never_a_500(
    backend: str, signed_in: Callable[[Role], BrowserLikeClient]
) -> None:
    clients = {role: signed_in(role) for role in {role for role, _ in QUERY_NUMBERS}}
    answers = {}
    for role, pattern in QUERY_NUMBERS:
        for bad in IMPOSSIBLE_IDS:
            url = pattern.format(bad, bad)
            answers[url] = clients[role].get(url).status_code

    assert set(answers.values()) <= {200, 404}, {u: s for u, s in answers.items() if s >= 500}
    assert answers["/users?page=99999999999999999999"] == 200  # the first page instead
