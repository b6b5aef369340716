"""Forms for partnerships: their details, and the date the overview answers for."""

from __future__ import annotations

import calendar
import datetime as dt

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from partnership.register.forms.agencies import WholeNumberField
from partnership.register.models import GuidanceEdition
from partnership.register.services.partnerships import SLUG_PATTERN

MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]


class PartnershipForm(FlaskForm):
    """A partnership's details."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired("Enter the partnership's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    short_name = StringField(
        "Short name", widget=GovTextInput(),
        description="Used in tables and lists, for example HSCP",
        validators=[InputRequired("Enter a short name"),
                    Length(max=40, message="Short name must be 40 characters or fewer")])
    slug = StringField(
        "Slug", widget=GovTextInput(),
        description="Names the partnership in web addresses and export files, for example "
                    "hampshire. Use lowercase letters, numbers and hyphens only.",
        validators=[
            InputRequired("Enter a slug"),
            Length(max=40, message="Slug must be 40 characters or fewer"),
            Regexp(SLUG_PATTERN, message="Slug must only include lowercase letters, numbers "
                                         "and hyphens, and start and end with a letter or number"),
        ])
    area = TextAreaField(
        "Area covered", widget=GovTextArea(),
        description="For example, the county of Hampshire, excluding Portsmouth and Southampton",
        validators=[Length(max=2000, message="Area covered must be 2000 characters or fewer")])
    guidance = RadioField(
        "Which edition of Working Together does the partnership follow?", widget=GovRadioInput(),
        choices=[(edition.value, edition.label) for edition in GuidanceEdition],
        description="This sets the words used for the partners' representatives.",
        validators=[
            InputRequired("Select the edition of Working Together the partnership follows")])
    year_start_month = SelectField(
        "Reporting year starts in", widget=GovSelect(), choices=MONTHS, coerce=int, default=4,
        validators=[InputRequired("Select the month the reporting year starts in")])
    contact_email = StringField(
        "Contact email address (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=254, message="Email address must be 254 characters or fewer"),
                    Email("Enter an email address in the correct format, like name@example.org",
                          check_deliverability=False)])
    contact_phone = StringField(
        "Contact telephone number (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=40, message="Telephone number must be 40 characters or fewer"),
                    Regexp(r"^[0-9 +()\-]+$",
                           message="Enter a telephone number, like 01632 960 001")])
    website = StringField(
        "Website (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=254, message="Website must be 254 characters or fewer"),
                    Regexp(r"^https?://", message="Website must start with https://"),
                    URL(message="Enter a website address, like https://www.example.org")])
    address = TextAreaField(
        "Postal address (optional)", widget=GovTextArea(),
        description="As the arrangements print it",
        validators=[Length(max=2000, message="Postal address must be 2000 characters or fewer")])
    support_team_name = StringField(
        "Support team's name (optional)", widget=GovTextInput(),
        description="For example, Safeguarding Children Partnership Team",
        validators=[Length(max=200, message="Support team's name must be 200 characters or "
                                            "fewer")])
    support_team = TextAreaField(
        "What the support team is and does (optional)", widget=GovTextArea(),
        description="In the partnership's words",
        validators=[Length(max=10_000, message="What the support team is and does must be "
                                               "10,000 characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class ContactPointForm(FlaskForm):
    """A way to reach the partnership for one purpose: training, escalation, general enquiries."""

    version = HiddenField()
    label = StringField(
        "What it is for", widget=GovTextInput(),
        description="For example, Training enquiries",
        validators=[InputRequired("Enter what the contact point is for"),
                    Length(max=200, message="What it is for must be 200 characters or fewer")])
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
    url = StringField(
        "Web address (optional)", widget=GovTextInput(),
        validators=[Optional(),
                    Length(max=254, message="Web address must be 254 characters or fewer"),
                    Regexp(r"^https?://", message="Web address must start with https://"),
                    URL(message="Enter a web address, like https://www.example.org/training")])
    address = TextAreaField(
        "Postal address (optional)", widget=GovTextArea(),
        validators=[Length(max=2000, message="Postal address must be 2000 characters or fewer")])
    position = WholeNumberField(
        "Position in the list (optional)", not_a_number="Position must be a whole number, like 2",
        description="Contact points are listed lowest number first, starting at 1. Leave blank "
                    "to keep its place, or to put a new one at the end",
        validators=[Optional(), NumberRange(1, 1000, message="Position must be between 1 and "
                                                             "1000")])
    submit = SubmitField("Save contact point", widget=GovSubmitInput())

    def values(self) -> dict[str, object]:
        """Return the contact point's fields as the model stores them (position apart)."""
        return {"label": (self.label.data or "").strip(),
                "email": (self.email.data or "").strip(),
                "phone": (self.phone.data or "").strip(),
                "url": (self.url.data or "").strip(),
                "address": (self.address.data or "").strip()}


def _iso_date(_form: FlaskForm, field: StringField) -> None:
    try:
        field.data = dt.date.fromisoformat(field.raw_data[0]) if field.raw_data else None
    except ValueError:
        raise ValidationError("Enter a real date, for example 2022-07-01") from None


class OnDateForm(FlaskForm):
    """The date the overview shows the partners, names and scrutineers for (a GET form)."""

    class Meta:
        csrf = False  # it only reads: a GET that changes nothing

    on = StringField(
        "Show who was in post on", widget=GovTextInput(),
        description="Year, month and day, for example 2022-07-01",
        validators=[Optional(), Length(max=10, message="Enter a real date, for example 2022-07-01"),
                    _iso_date])
