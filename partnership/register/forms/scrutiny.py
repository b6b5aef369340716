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
from wtforms.validators import InputRequired, Length, Optional

from partnership.register.forms import DayMonthYearField, optional_id, yes_no
from partnership.register.models import ScrutinyKind

SCOPES = [(True, "The whole partnership"), (False, "Named priorities or bodies")]


class ScrutineerForm(FlaskForm):
    """Independent scrutiny: a named person, an organisation, or experts commissioned per priority.

    The partnership chair is an appointment (appointments pages), not a scrutineer's flag.
    """

    version = HiddenField()
    kind = RadioField(
        "Who carries out the scrutiny?", widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in ScrutinyKind], default=ScrutinyKind.PERSON.value,
        validators=[InputRequired("Select who carries out the scrutiny")])
    person = SelectField(
        "Scrutineer", widget=GovSelect(), coerce=optional_id,
        description="For a named person, select them or enter the post below; optional "
                    "otherwise. Add them to the people list first if they are not there",
        validators=[Optional()])
    post = StringField(
        "Post (optional)", widget=GovTextInput(),
        description="When the arrangements name the post that scrutinises, for example "
                    "the independent chair",
        validators=[Length(max=200, message="Post must be 200 characters or fewer")])
    organisation = StringField(
        "Organisation", widget=GovTextInput(),
        description="Required for an organisation; optional otherwise. For example, "
                    "the Local Government Association",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")])
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
    valid_from = DayMonthYearField("Commissioned from (optional)",
                                   description="For example, 1 4 2023")
    valid_to = DayMonthYearField("Commissioned until (optional)",
                                 description="Leave blank if there is no end date")
    submit = SubmitField("Save", widget=GovSubmitInput())
