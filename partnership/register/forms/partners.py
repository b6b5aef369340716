"""Forms for a statutory partner's names and representatives."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from partnership.register.forms import DayMonthYearField, optional_id


class PartnerNameForm(FlaskForm):
    """A name the partner organisation went by, and when."""

    version = HiddenField()
    name = StringField(
        "Organisation name", widget=GovTextInput(),
        description="For example, NHS Hampshire and Isle of Wight Integrated Care Board",
        validators=[InputRequired("Enter the organisation's name"),
                    Length(max=200, message="Organisation name must be 200 characters or fewer")])
    valid_from = DayMonthYearField(
        "Name used from", required=True, description="For example, 1 7 2022")
    valid_to = DayMonthYearField(
        "Name used until (optional)", description="Leave blank if it is the current name")
    submit = SubmitField("Save name", widget=GovSubmitInput())


class RepresentativeForm(FlaskForm):
    """Someone who acts for the partner, and when: a named person, or a post alone."""

    version = HiddenField()
    person = SelectField(
        "Person (optional if you enter the post)", widget=GovSelect(), coerce=optional_id,
        description="Leave as not named when the arrangements name the post alone. "
                    "Add them to the people list first if they are not there",
        validators=[Optional()])
    capacity = RadioField(
        "Role", widget=GovRadioInput(), validators=[InputRequired("Select the role")])
    title = StringField(
        "Post", widget=GovTextInput(),
        description="For example, Chief Constable. Required when no person is named",
        validators=[Length(max=200, message="Post must be 200 characters or fewer")])
    valid_from = DayMonthYearField("In this role from", required=True,
                                   description="For example, 1 4 2023")
    valid_to = DayMonthYearField("In this role until (optional)",
                                 description="Leave blank if they are still in the role")
    submit = SubmitField("Save", widget=GovSubmitInput())


class EndRepresentativeForm(FlaskForm):
    """The last day someone acted for the partner."""

    version = HiddenField()
    valid_to = DayMonthYearField("Last day in the role", required=True,
                                 description="For example, 31 3 2024")
    submit = SubmitField("End their term", widget=GovSubmitInput())
