"""Forms for the arrangements: narrative sections and figures, sign-off rounds, comparing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from partnership.arrangements.figures import MAX_BYTES, MAX_SIDE
from partnership.arrangements.models import (
    ALT_MAX_LENGTH,
    CAPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Topic,
)

TOPIC_CHOICES = [("", "None: a section of the partnership's own")] + [
    (topic.value, topic.label) for topic in Topic]


class NarrativeSectionForm(FlaskForm):
    """A narrative section: its title, the statutory topic it covers (if any) and its text."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, Practice model. Each section's title is used once.",
        validators=[InputRequired("Enter a title for the section"),
                    Length(max=TITLE_MAX_LENGTH,
                           message=f"Title must be {TITLE_MAX_LENGTH} characters or fewer")])
    topic = SelectField(
        "Statutory topic it covers", widget=GovSelect(), choices=TOPIC_CHOICES,
        description="The draft shows which statutory topics no section covers yet.")
    markdown = TextAreaField(
        "Text",
        widget=GovTextArea(),
        validators=[Length(max=TEXT_MAX_LENGTH,
                           message=f"Text must be {TEXT_MAX_LENGTH:,} characters or fewer")],
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())


class FigureForm(FlaskForm):
    """A picture to add to a section, with its alternative text and an optional caption."""

    image = FileField(
        "Picture", widget=GovFileInput(),
        description=f"A PNG, JPEG, GIF or WebP file, up to {MAX_BYTES // (1024 * 1024)} MB "
                    f"and {MAX_SIDE} by {MAX_SIDE} pixels. It is saved again as PNG without "
                    "anything else the file carries (such as where a photo was taken).")
    alt = TextAreaField(
        "Alternative text", widget=GovTextArea(),
        description="What the picture shows, for someone who cannot see it: read out by "
                    "screen readers and kept in the PDF.",
        validators=[InputRequired("Enter the alternative text: what the picture shows, for "
                                  "someone who cannot see it"),
                    Length(max=ALT_MAX_LENGTH, message=f"Alternative text must be "
                                                       f"{ALT_MAX_LENGTH} characters or fewer")])
    caption = StringField(
        "Caption (optional)", widget=GovTextInput(),
        description="Printed under the picture.",
        validators=[Length(max=CAPTION_MAX_LENGTH,
                           message=f"Caption must be {CAPTION_MAX_LENGTH} characters or fewer")])
    submit = SubmitField("Add the figure", widget=GovSubmitInput())

    def validate_image(self, field: FileField) -> None:
        """A file must be chosen (its content is checked by the service)."""
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Choose a picture to upload")


class MoveForm(FlaskForm):
    """Move a section one place up or down (the button pressed says which)."""

    direction = HiddenField()


class SignOffRoundForm(FlaskForm):
    """The title of the version the partners are asked to sign off."""

    title = StringField(
        "Title of this version",
        widget=GovTextInput(),
        description="For example, Safeguarding arrangements 2026. "
                    "It is shown in the list of versions.",
        validators=[InputRequired("Enter a title for this version"),
                    Length(max=200, message="Title must be 200 characters or fewer")],
    )
    submit = SubmitField("Start the sign-off round", widget=GovSubmitInput())


class VersionChoiceField(SelectField):
    """A choice of published version, with an error message in plain words."""

    def pre_validate(self, form: FlaskForm) -> None:
        """Refuse anything that is not one of the versions offered."""
        if self.data not in {value for value, _label in self.choices or []}:
            raise ValidationError("Select a published version from the list")


class CompareForm(FlaskForm):
    """Two published versions to compare (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    older = VersionChoiceField("Earlier version", widget=GovSelect(), coerce=int,
                               validators=[InputRequired("Select the earlier version")])
    newer = VersionChoiceField("Later version", widget=GovSelect(), coerce=int,
                               validators=[InputRequired("Select the later version")])
    submit = SubmitField("Compare", widget=GovSubmitInput())

    def validate_newer(self, field: SelectField) -> None:
        """Refuse comparing a version with itself."""
        if field.data == self.older.data:
            raise ValidationError("Select two different versions")
