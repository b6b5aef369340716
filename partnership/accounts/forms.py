"""Forms for signing in and managing accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length

from partnership.accounts import saved_filters
from partnership.policy import ROLE_LABELS, Role

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]
NO_PERSON = ""
NEW_PERSON = "new"


class SignInForm(FlaskForm):
    """Email and password."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    """Current password and a new one."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. Three or four random words work well.",
        validators=[InputRequired("Enter a new password")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class UserForm(FlaskForm):
    """An account's details, as an administrator edits them."""

    version = HiddenField()
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=120)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter an email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org",
                  check_deliverability=False),
        ],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[InputRequired("Select a role")],
    )
    partnerships = SelectMultipleField(
        "Partnerships this account serves",
        widget=GovCheckboxesInput(),
        coerce=int,
        description="Select all that apply. Its rights reach these partnerships' records only. "
                    "An administrator serves every partnership.",
    )
    person = SelectField(
        "Who this account is in the register",
        widget=GovSelect(),
        default="",
        description="Their place in the register (chair of a group, lead of an agency, a "
                    "partner's representative) decides what they may change",
    )
    job_title = StringField(
        "Job title of the new person",
        widget=GovTextInput(),
        description="Only when you add someone new to the register. They are named as the "
                    "account",
        validators=[Length(max=200, message="Job title must be 200 characters or fewer")],
    )
    agency = SelectField(
        "Their agency",
        widget=GovSelect(),
        default="",
        description="Leave blank to keep what the register says",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def offer(self, partnerships: list[tuple[int, str]], people: list[tuple[int, str]],
              agencies: list[tuple[int, str]]) -> None:
        """Fill the choices from the register."""
        self.partnerships.choices = partnerships
        self.person.choices = [(NO_PERSON, "Not linked to anyone in the register"),
                               (NEW_PERSON, "Someone new: add them to the register"),
                               *((str(pid), label) for pid, label in people)]
        self.agency.choices = [("", "No agency chosen"),
                               *((str(aid), label) for aid, label in agencies)]


class NewUserForm(UserForm):
    """A new account, with a first password the person must change at first sign-in."""

    password = PasswordField(
        "First password",
        widget=GovPasswordInput(),
        description="Give it to the person securely. They must change it when they first sign in.",
        validators=[InputRequired("Enter a first password")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    """A new first password, set by an administrator."""

    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="Give it to the person securely. They must change it when they next sign in.",
        validators=[InputRequired("Enter a new password")],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that confirms an action (CSRF protected)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class SavedFilterForm(FlaskForm):
    """Save a list's filters under a name (the list and its filters ride along hidden)."""

    endpoint = HiddenField()
    query = HiddenField(validators=[Length(max=saved_filters.QUERY_LIMIT)])
    name = StringField("Name of the filter", widget=GovTextInput(),
                       validators=[InputRequired("Enter a name for the filter"),
                                   Length(max=saved_filters.NAME_LIMIT,
                                          message="The name must be 80 characters or fewer")])
    submit = SubmitField("Save this filter", widget=GovSubmitInput())


class DeleteFilterForm(FlaskForm):
    """The button that deletes a saved filter (nothing typed)."""

    next = HiddenField()
