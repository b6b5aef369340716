"""Forms for signing in and managing accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from partnership.policy import ROLE_LABELS, Role

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


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
    submit = SubmitField("Save", widget=GovSubmitInput())


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
