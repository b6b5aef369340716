"""One way to run a service from a form: commit, or roll back and show the domain error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.kernel.errors import DomainError, Refused
from partnership.web import run_service


class NameForm(FlaskForm):
    """A form with one field, for the helper to show errors on."""

    class Meta:
        csrf = False

    name = StringField("Name")


def _rename(user_id: int, name: str, refusal: DomainError | None = None) -> None:
    user = db.session.get(User, user_id)
    assert user is not None
    user.name = name
    db.session.flush()
    if refusal is not None:
        raise refusal


def _name_of(user_id: int) -> str:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    return user.name


def test_a_step_that_succeeds_is_committed(app: Flask,
                                           make_user: Callable[..., User]) -> None:
    user_id = make_user(name="Before").id
    with app.test_request_context(method="POST"):
        form = NameForm()
        with run_service(form) as step:
            _rename(user_id, "After")
        db.session.rollback()  # nothing left to undo: the step was committed
        assert step.done
        assert _name_of(user_id) == "After"


@pytest.mark.parametrize(("field", "default", "shown_on"), [
    ("name", None, "name"),        # the error names a field of the form
    ("elsewhere", "name", "name"),  # it names none of the form's: the default field
    (None, None, None),            # no field and no default: the top of the form
])
def test_a_refused_step_is_rolled_back_and_shown_where_it_belongs(
        app: Flask, make_user: Callable[..., User], field: str | None, default: str | None,
        shown_on: str | None) -> None:
    user_id = make_user(name="Before").id
    with app.test_request_context(method="POST"):
        form = NameForm()
        with run_service(form, default=default) as step:
            _rename(user_id, "After", Refused("That name is taken", field))
        assert not step.done
        assert _name_of(user_id) == "Before"
        if shown_on is None:
            assert form.form_errors == ["That name is taken"]
        else:
            assert list(form[shown_on].errors) == ["That name is taken"]


def test_without_a_form_the_refusal_is_a_message(app: Flask,
                                                 make_user: Callable[..., User]) -> None:
    user_id = make_user(name="Before").id
    with app.test_request_context(method="POST"):
        with run_service() as step:
            _rename(user_id, "After", DomainError("Not now"))
        assert not step.done
        assert _name_of(user_id) == "Before"
        assert get_flashed_messages(with_categories=True) == [("error", "Not now")]


def test_any_other_error_passes_through(app: Flask, make_user: Callable[..., User]) -> None:
    user_id = make_user(name="Before").id
    with (app.test_request_context(method="POST"), pytest.raises(LookupError),
          run_service(NameForm())):
        _rename(user_id, "After")
        raise LookupError("not a refusal")
