"""The forms of scales: a scale's name and description, and one grade."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from partnership.scales.services import LABEL_MAX, NAME_MAX

DESCRIPTION_MAX = 2000


class ScaleForm(FlaskForm):
    """A scale's name and what it grades (``version``: the scale's version when opened)."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(),
        description="For example, Case audit grades. Each of your scales has its own name.",
        validators=[InputRequired("Enter a name for the scale"),
                    Length(max=NAME_MAX, message=f"Name must be {NAME_MAX} characters or fewer")])
    description = TextAreaField(
        "What it grades (optional)", widget=GovTextArea(),
        validators=[Length(max=DESCRIPTION_MAX,
                           message=f"Description must be {DESCRIPTION_MAX:,} characters "
                                   "or fewer")])
    submit = SubmitField("Save scale", widget=GovSubmitInput())


class GradeForm(FlaskForm):
    """One grade: its label, what it means, and whether it needs an action."""

    label = StringField(
        "Label", widget=GovTextInput(), description="For example, Requires improvement",
        validators=[InputRequired("Enter the grade's label"),
                    Length(max=LABEL_MAX,
                           message=f"Label must be {LABEL_MAX} characters or fewer")])
    description = TextAreaField(
        "What it means (optional)", widget=GovTextArea(),
        validators=[Length(max=DESCRIPTION_MAX,
                           message=f"Description must be {DESCRIPTION_MAX:,} characters "
                                   "or fewer")])
    is_gap = BooleanField(
        "This grade needs an action", widget=GovCheckboxInput(),
        description="A standard or question graded so is a gap: it needs an action to put "
                    "it right.")
    submit = SubmitField("Save grade", widget=GovSubmitInput())

    def values(self) -> dict[str, object]:
        """Return the grade's fields as the service takes them."""
        return {"label": self.label.data or "", "description": self.description.data or "",
                "is_gap": bool(self.is_gap.data)}


class MoveForm(FlaskForm):
    """Move a grade one place up or down (the button pressed says which)."""

    direction = HiddenField()
