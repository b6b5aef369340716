"""Forms for cross-area collaborations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from partnership.register.forms import YES_NO, yes_no


class CollaborationForm(FlaskForm):
    """A collaboration's details and member partnerships."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(),
        description="For example, the four-area safeguarding collaboration",
        validators=[InputRequired("Enter the collaboration's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    short_name = StringField(
        "Short name (optional)", widget=GovTextInput(),
        validators=[Length(max=40, message="Short name must be 40 characters or fewer")])
    description = TextAreaField(
        "What the partnerships share (optional)", widget=GovTextArea(),
        description="For example, procedures, an executive group and subgroups",
        validators=[Length(max=5000, message="Description must be 5000 characters or fewer")])
    independently_chaired = RadioField(
        "Is the collaboration chaired independently?", widget=GovRadioInput(),
        choices=YES_NO, coerce=yes_no,
        validators=[InputRequired("Select yes if the collaboration is chaired independently")])
    partnerships = SelectMultipleField(
        "Member partnerships", widget=GovCheckboxesInput(), coerce=int,
        description="Select all that apply")
    submit = SubmitField("Save", widget=GovSubmitInput())
