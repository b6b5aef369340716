"""Forms for the threshold document: a section, a sign-off round, moving a section."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from partnership.thresholds.models import HEADING_MAX_LENGTH, TEXT_MAX_LENGTH


class SectionForm(FlaskForm):
    """A section's heading and Markdown text (``version``: the row's version when opened)."""

    version = HiddenField()
    heading = StringField(
        "Heading", widget=GovTextInput(),
        description="For example, Levels of need. Each section's heading is used once.",
        validators=[InputRequired("Enter a heading for the section"),
                    Length(max=HEADING_MAX_LENGTH,
                           message=f"Heading must be {HEADING_MAX_LENGTH} characters or fewer")])
    markdown = TextAreaField(
        "Text", widget=GovTextArea(),
        validators=[Length(max=TEXT_MAX_LENGTH,
                           message=f"Text must be {TEXT_MAX_LENGTH:,} characters or fewer")])
    submit = SubmitField("Save section", widget=GovSubmitInput())


class ThresholdRoundForm(FlaskForm):
    """The title of the version the partners are asked to sign off."""

    title = StringField(
        "Title of this version", widget=GovTextInput(),
        description="For example, Threshold document 2026. It is shown in the list of "
                    "versions and on the document's cover.",
        validators=[InputRequired("Enter a title for this version"),
                    Length(max=200, message="Title must be 200 characters or fewer")])
    submit = SubmitField("Start the sign-off round", widget=GovSubmitInput())


class MoveForm(FlaskForm):
    """Move a section one place up or down (the button pressed says which)."""

    direction = HiddenField()
