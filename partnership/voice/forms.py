"""The forms of the voice register: an engagement, the list's filters, and "create an action"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from partnership.kernel.identifiers import NoIdentifiers
from partnership.register.forms import DayMonthYearField, text_limit
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.register.models import Agency, Body
from partnership.voice.models import EngagementKind

NO_IDENTIFIERS = ("The voice register records who was heard as a group, never a child's or "
                  "family member's details.")
NEVER_NAME = ("Describe them as a group, for example “young people aged 13 to 17 in care”. "
              "Never name a child or family member, and do not include dates of birth, "
              "addresses, postcodes or NHS numbers")


no_identifiers = NoIdentifiers(NO_IDENTIFIERS)


class EngagementForm(FlaskForm):
    """A piece of work that heard children, young people or families."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, Young people's survey on online safety",
        validators=[InputRequired("Enter a title"),
                    Length(max=200, message="Title must be 200 characters or fewer")])
    kind = RadioField("How were they heard?", widget=GovRadioInput(),
                      choices=[(kind.value, kind.label) for kind in EngagementKind],
                      validators=[InputRequired("Select how they were heard")])
    held_from = DayMonthYearField("Started on", required=True,
                                  description="For example, 3 2 2026")
    held_to = DayMonthYearField("Ended on (optional)",
                                description="Leave blank for a single day or a session")
    who = StringField(
        "Who was heard", widget=GovTextInput(), description=NEVER_NAME,
        validators=[InputRequired("Say who was heard, as a group"),
                    Length(max=300, message="Who was heard must be 300 characters or fewer"),
                    no_identifiers])
    how_many = WholeNumberField("How many took part (optional)", validators=[Optional()],
                                not_a_number="How many took part must be a whole number, "
                                             "like 40")
    led_by = RecordSelectField("Led by (optional)", blank="No agency recorded",
                               validators=[Optional()])
    body = RecordSelectField("Commissioned by (optional)", blank="No group recorded",
                             description="The partnership group that asked for it or received "
                                         "its findings", validators=[Optional()])
    what_said = TextAreaField(
        "What they said", widget=GovTextArea(),
        description="Their main messages, in their words where you can. "
                    "Never name a child or family member",
        validators=[text_limit("What they said"), no_identifiers])
    what_changed = TextAreaField(
        "What changed as a result", widget=GovTextArea(),
        description="What the partnership or its agencies did differently because of it",
        validators=[text_limit("What changed as a result"), no_identifiers])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), bodies: Iterable[Body] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.led_by.offer(agencies, lambda agency: agency.name)
        self.body.offer(bodies, lambda body: body.name)

    def values(self) -> dict[str, Any]:
        """Return the engagement's fields as the model stores them."""
        return {
            "title": (self.title.data or "").strip(),
            "kind": EngagementKind(self.kind.data),
            "held_from": self.held_from.data,
            "held_to": self.held_to.data,
            "who": (self.who.data or "").strip(),
            "how_many": self.how_many.data,
            "led_by": self.led_by.record,
            "body": self.body.record,
            "what_said": (self.what_said.data or "").strip(),
            "what_changed": (self.what_changed.data or "").strip(),
        }


class EngagementFilterForm(FlaskForm):
    """Which engagements the register lists (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    kind = SelectField("How they were heard", widget=GovSelect(), validators=[Optional()],
                       choices=[("", "Every kind")] + [(k.value, k.label)
                                                       for k in EngagementKind])
    year = SelectField("Year held", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [("", "Any year")] + [(str(year), label) for year, label in years]


class ActionFromEngagementForm(FlaskForm):
    """The one button that turns what was heard into an action on the tracker."""

    submit = SubmitField("Create an action from this", widget=GovSubmitInput())
