"""Forms for the arrangements: narrative sections, sign-off rounds and comparing versions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

NARRATIVE_MAX_LENGTH = 20_000


class NarrativeSectionForm(FlaskForm):
    """One narrative section's Markdown."""

    version = HiddenField()
    markdown = TextAreaField(
        "Text",
        widget=GovTextArea(),
        validators=[Length(max=NARRATIVE_MAX_LENGTH,
                           message=f"Text must be {NARRATIVE_MAX_LENGTH:,} characters or fewer")],
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())


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
