"""Forms for people in the register."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp

from partnership.register.forms import optional_id


class PersonSearchForm(FlaskForm):
    """Search people by name (a GET form)."""

    class Meta:
        csrf = False  # it only reads

    q = StringField("Search by name", widget=GovTextInput(),
                    validators=[Length(max=120, message="Search must be 120 characters or fewer")])


class PersonForm(FlaskForm):
    """A person's details and the user account linked to them."""

    version = HiddenField()
    name = StringField(
        "Full name", widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"),
                    Length(max=120, message="Full name must be 120 characters or fewer")])
    job_title = StringField(
        "Job title (optional)", widget=GovTextInput(),
        validators=[Length(max=200, message="Job title must be 200 characters or fewer")])
    agency = SelectField(
        "Agency (optional)", widget=GovSelect(), coerce=optional_id,
        description="The relevant agency they work for, if it is in the register")
    organisation = StringField(
        "Organisation, if not an agency in the list (optional)", widget=GovTextInput(),
        description="For example, an independent consultancy",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")])
    email = StringField(
        "Email address (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=254, message="Email address must be 254 characters or fewer"),
                    Email("Enter an email address in the correct format, like name@example.org",
                          check_deliverability=False)])
    phone = StringField(
        "Telephone number (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=40, message="Telephone number must be 40 characters or fewer"),
                    Regexp(r"^[0-9 +()\-]+$",
                           message="Enter a telephone number, like 01632 960 001")])
    user_id = SelectField(
        "User account (optional)", widget=GovSelect(), coerce=optional_id,
        description="Linking an account gives its user the scope of this person's roles")
    submit = SubmitField("Save", widget=GovSubmitInput())
