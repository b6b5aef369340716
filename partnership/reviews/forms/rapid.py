"""Forms for a case's Rapid Review: the analysis and outcome, requests to agencies for
information, and key practice episodes. Every free-text field is checked for identifiers."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import TEXT_LIMIT, RecordSelectField, WholeNumberField
from partnership.reviews.forms import NoIdentifiers
from partnership.reviews.models import RapidOutcome

TOO_LONG = "{label} must be 10,000 characters or fewer"


def case_text(label: str, *validators: Any, description: str = "") -> TextAreaField:
    """A free-text field about a case: limited in length and checked for identifiers."""
    return TextAreaField(
        label, widget=GovTextArea(), description=description,
        validators=[*validators, Length(max=TEXT_LIMIT, message=TOO_LONG.format(
            label=label.removesuffix(" (optional)"))), NoIdentifiers()])


def stripped(text: str | None) -> str:
    """Text as stored: without surrounding blanks."""
    return (text or "").strip()


OUTCOME_CHOICES = [("", "Not decided yet")] + [(o.value, o.label) for o in RapidOutcome]


class RapidReviewForm(FlaskForm):
    """A Rapid Review's analysis, learning, recommended outcome and what was sent to whom."""

    version = HiddenField()
    analysis = case_text(
        "Analysis (optional)",
        description="What the agencies' information shows about the practice, episode by "
                    "episode. Use the case reference, never a name, date of birth or address")
    equality_analysis = case_text(
        "How race, inequality and disability shaped the child's experience and the practice "
        "(optional)")
    immediate_actions = case_text(
        "Immediate actions taken (optional)",
        description="What was done straight away to keep this child and other children safe")
    learning = case_text("Learning identified (optional)")
    outcome = RadioField(
        "Recommended outcome", widget=GovRadioInput(), choices=OUTCOME_CHOICES, default="",
        validators=[Optional()])
    outcome_reason = case_text(
        "Reason for the recommended outcome (optional)",
        description="Needed once an outcome is chosen: why it meets, or does not meet, the "
                    "criteria for a local or national review")
    shared_with_scrutineer_on = DayMonthYearField(
        "Date shared with the independent scrutineer", description="For example, 14 5 2025. "
        "Leave blank if not shared yet")
    sent_to_panel_on = DayMonthYearField(
        "Date sent to the national panel", description="Leave blank if not sent yet")
    panel_response_on = DayMonthYearField(
        "Date of the panel's response", description="Leave blank if the panel has not "
        "responded yet")
    panel_response = case_text("The panel's response (optional)")
    submit = SubmitField("Save the Rapid Review", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the Rapid Review's fields as the model stores them."""
        return {
            "analysis": stripped(self.analysis.data),
            "equality_analysis": stripped(self.equality_analysis.data),
            "immediate_actions": stripped(self.immediate_actions.data),
            "learning": stripped(self.learning.data),
            "outcome": RapidOutcome(self.outcome.data) if self.outcome.data else None,
            "outcome_reason": stripped(self.outcome_reason.data),
            "shared_with_scrutineer_on": self.shared_with_scrutineer_on.data,
            "sent_to_panel_on": self.sent_to_panel_on.data,
            "panel_response_on": self.panel_response_on.data,
            "panel_response": stripped(self.panel_response.data),
        }


class InformationRequestForm(FlaskForm):
    """A request to an agency for its information (chronology, summary) and when it came."""

    version = HiddenField()
    agency = RecordSelectField("Agency", blank="Choose an agency",
                               validators=[InputRequired("Select the agency the information "
                                                         "was asked of")])
    asked_for = StringField(
        "What was asked for", widget=GovTextInput(), default="Chronology and summary",
        description="For example, chronology and summary of involvement",
        validators=[InputRequired("Enter what was asked for"),
                    Length(max=300, message="What was asked for must be 300 characters or "
                                            "fewer"), NoIdentifiers()])
    requested_on = DayMonthYearField("Date requested", required=True,
                                     description="For example, 2 5 2025")
    due_on = DayMonthYearField(
        "Date due", description="Leave blank for 5 working days after the request")
    received_on = DayMonthYearField("Date received",
                                    description="Leave blank until the information arrives")
    waived_reason = case_text(
        "Reason it is no longer needed (optional)",
        description="Only if the information will not come and the review can go on without "
                    "it: the request is then closed, with this reason")
    submit = SubmitField("Save the request", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the request as the services take it (the agency as a record)."""
        return {"agency": self.agency.record, "asked_for": stripped(self.asked_for.data),
                "requested_on": self.requested_on.data, "due_on": self.due_on.data,
                "received_on": self.received_on.data,
                "waived_reason": stripped(self.waived_reason.data)}


class PracticeEpisodeForm(FlaskForm):
    """A key practice episode the Rapid Review analyses."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, Referral to children's social care after a hospital visit",
        validators=[InputRequired("Enter the episode's title"),
                    Length(max=200, message="Title must be 200 characters or fewer"),
                    NoIdentifiers()])
    description = case_text("What happened and the practice (optional)")
    position = WholeNumberField(
        "Position (optional)",
        description="Episodes are listed lowest number first. Leave blank to put a new "
                    "episode last or keep an episode's place",
        not_a_number="Position must be a whole number, like 3",
        validators=[Optional(), NumberRange(0, 1000, message="Position must be between 0 "
                                                             "and 1,000")])
    submit = SubmitField("Save the episode", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the episode's fields as the model stores them."""
        return {"title": stripped(self.title.data),
                "description": stripped(self.description.data),
                "position": self.position.data}
