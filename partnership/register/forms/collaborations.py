"""Forms for cross-area collaborations."""

from __future__ import annotations

from typing import Any

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
from wtforms.validators import InputRequired, Length, ValidationError

from partnership.register.forms import YES_NO, yes_no

MOST_NAMES = 50


class NamesField(TextAreaField):
    """Names typed one per line, kept as an ordered list without blanks or repeats."""

    widget = GovTextArea()

    def process_data(self, value: Any) -> None:
        """Take the stored list."""
        self.data = list(value or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        """Split the text into names, one per non-blank line."""
        text = valuelist[0] if valuelist else ""
        self.data = [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def pre_validate(self, form: Any) -> None:
        """Keep each name to the size stored, the list to a sensible length, and no repeats."""
        names = self.data or []
        if len(names) > MOST_NAMES:
            raise ValidationError(f"Enter {MOST_NAMES} names or fewer")
        if any(len(name) > 200 for name in names):
            raise ValidationError("Each name must be 200 characters or fewer")
        seen: set[str] = set()
        for name in names:
            if name.lower() in seen:
                raise ValidationError(f"{name} is listed twice")
            seen.add(name.lower())


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
    external_members = NamesField(
        "Neighbouring partnerships not in this database (optional)",
        description="One name per line, for example Isle of Wight Safeguarding Children "
                    "Partnership. Delete a line to remove it")
    submit = SubmitField("Save", widget=GovSubmitInput())
