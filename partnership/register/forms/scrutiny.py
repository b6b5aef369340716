"""Forms for independent scrutineers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
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
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from partnership.register.forms import YES_NO, DayMonthYearField, optional_id, yes_no

SCOPES = [(True, "The whole partnership"), (False, "Named priorities or bodies")]


class ScrutineerForm(FlaskForm):
    """An independent scrutineer, their scope, and whether they also chair the partnership."""

    version = HiddenField()
    person = SelectField(
        "Scrutineer", widget=GovSelect(), coerce=optional_id,
        description="Add them to the people list first if they are not there",
        validators=[InputRequired("Select the scrutineer")])
    whole_partnership = RadioField(
        "What do they scrutinise?", widget=GovRadioInput(), choices=SCOPES, coerce=yes_no,
        validators=[InputRequired("Select what the scrutineer covers")])
    scope = TextAreaField(
        "Named priorities", widget=GovTextArea(),
        description="Only if not the whole partnership. For example, Priority 2: neglect",
        validators=[Length(max=5000, message="Named priorities must be 5000 characters or fewer")])
    bodies = SelectMultipleField(
        "Bodies they scrutinise", widget=GovCheckboxesInput(), coerce=int,
        description="Only if not the whole partnership. Select all that apply")
    appointed_by = StringField(
        "Appointed by (optional)", widget=GovTextInput(),
        description="For example, the three safeguarding partners",
        validators=[Length(max=200, message="Appointed by must be 200 characters or fewer")])
    is_chair = RadioField(
        "Are they also the partnership's independent chair?", widget=GovRadioInput(),
        choices=YES_NO, coerce=yes_no,
        validators=[InputRequired("Select yes if they are also the independent chair")])
    valid_from = DayMonthYearField("Commissioned from (optional)",
                                   description="For example, 1 4 2023")
    valid_to = DayMonthYearField("Commissioned until (optional)",
                                 description="Leave blank if there is no end date")
    submit = SubmitField("Save", widget=GovSubmitInput())
