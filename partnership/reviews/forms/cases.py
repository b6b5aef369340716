"""Forms for cases: the case itself, its stage, notification, national referral, the people
added to it, and the partnership's review settings and closure days."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.register.models import Agency, Body, Partnership
from partnership.reviews.forms import NoIdentifiers
from partnership.reviews.models import ClockStart, IncidentType, Stage

SUMMARY_LIMIT = 2000
TEXT_LIMIT = 10_000


def _text(value: str | None) -> str:
    return (value or "").strip()


class CaseForm(FlaskForm):
    """A case: its pseudonymous reference, reviewing group, incident, awareness and agencies."""

    version = HiddenField()
    reference = StringField(
        "Case reference", widget=GovTextInput(),
        description="A pseudonymous reference, for example “Child Q”. Never the child's or a "
                    "family member's name or initials",
        validators=[InputRequired("Enter the case reference"),
                    Length(max=40, message="Case reference must be 40 characters or fewer"),
                    NoIdentifiers()])
    reviewing_body = RecordSelectField(
        "Group that reviews the case", blank="Select a group",
        description="Its members and chair can see the case",
        validators=[InputRequired("Select the group that reviews the case")])
    incident_type = RadioField(
        "What happened to the child", widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in IncidentType],
        validators=[InputRequired("Select what happened to the child")])
    aware_on = DayMonthYearField("Date the partners became aware", required=True,
                                 description="For example, 19 12 2025")
    agencies = SelectMultipleField(
        "Agencies involved", widget=GovCheckboxesInput(), coerce=int,
        description="Select all that apply")
    incident_authority = StringField(
        "Local authority where the incident happened (optional)", widget=GovTextInput(),
        description="Its name, even if it is a neighbouring authority outside this tracker",
        validators=[Length(max=200, message="Local authority must be 200 characters or fewer"),
                    NoIdentifiers()])
    residence_authority = StringField(
        "Local authority where the child normally lives (optional)", widget=GovTextInput(),
        description="Notification and review duties follow where the child lives too",
        validators=[Length(max=200, message="Local authority must be 200 characters or fewer"),
                    NoIdentifiers()])
    looked_after = BooleanField(
        "The child was looked after by a local authority", widget=GovCheckboxInput(),
        description="If a looked-after child dies, the Secretary of State and Ofsted are told, "
                    "whether or not abuse or neglect is known or suspected")
    summary = TextAreaField(
        "Short summary", widget=GovTextArea(),
        description="What happened, in a few lines. Do not include names, dates of birth, "
                    "addresses, postcodes or NHS numbers",
        validators=[Length(max=SUMMARY_LIMIT, message="Summary must be 2,000 characters or "
                                                      "fewer"), NoIdentifiers()])
    submit = SubmitField("Save case", widget=GovSubmitInput())

    def __init__(self, *args: Any, bodies: Iterable[Body] = (),
                 agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reviewing_body.offer(bodies)
        self.agencies.choices = [(agency.id, agency.name) for agency in agencies]

    def values(self, agencies: list[Agency]) -> dict[str, Any]:
        """Return the case's fields as the model stores them (agencies looked up by the view)."""
        return {"reference": _text(self.reference.data),
                "reviewing_body": self.reviewing_body.record,
                "incident_type": IncidentType(self.incident_type.data),
                "aware_on": self.aware_on.data, "agencies": agencies,
                "summary": _text(self.summary.data),
                "incident_authority": _text(self.incident_authority.data),
                "residence_authority": _text(self.residence_authority.data),
                "looked_after": bool(self.looked_after.data)}


class CasePartnershipForm(FlaskForm):
    """Which partnership a new case belongs to (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    partnership = RadioField("Which partnership is the case for?", widget=GovRadioInput(),
                             validators=[InputRequired("Select the partnership")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, partnerships: Iterable[Partnership] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership.choices = [(p.slug, p.name) for p in partnerships]


class StageForm(FlaskForm):
    """Move a case to its next stage, with the date that move needs."""

    version = HiddenField()
    # Any value is accepted here so that the service can say why a move is not allowed.
    stage = RadioField("Move the case to", widget=GovRadioInput(), validate_choice=False,
                       validators=[InputRequired("Select the stage the case moves to")])
    decided_on = DayMonthYearField(
        "Date of the decision to carry out a local review",
        description="Only when moving to a local review. The target for completion and "
                    "publication is counted from it")
    referred_on = DayMonthYearField("Date referred for a national review",
                                    description="Only when referring for a national review")
    closed_on = DayMonthYearField("Date the case closed",
                                  description="Only when closing the case. The records are kept "
                                              "for the partnership's retention period from it")
    override = BooleanField(
        "Move the case on before its stage is complete", widget=GovCheckboxInput(),
        description="Partnership team only. What is still to do, and your reason, go in the "
                    "audit trail and on the case's timeline")
    override_reason = TextAreaField(
        "Reason for moving on before the stage is complete", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message="Reason must be 10,000 characters or fewer"),
                    NoIdentifiers()])
    submit = SubmitField("Move the case", widget=GovSubmitInput())

    def __init__(self, *args: Any, stages: Iterable[Stage] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = [(s.value, s.label) for s in stages]


class NotificationForm(FlaskForm):
    """The serious incident notification to the national panel."""

    version = HiddenField()
    notified_on = DayMonthYearField("Date notified to the national panel", required=True,
                                    description="For example, 24 12 2025")
    late_notification_reason = TextAreaField(
        "Reason the notification was late", widget=GovTextArea(),
        description="Needed when it was made more than 5 working days after the partners "
                    "became aware",
        validators=[Length(max=TEXT_LIMIT, message="Reason must be 10,000 characters or fewer"),
                    NoIdentifiers()])
    secretary_of_state_notified_on = DayMonthYearField(
        "Date the Secretary of State was told",
        description="Only for the death of a looked-after child")
    ofsted_notified_on = DayMonthYearField(
        "Date Ofsted was told", description="Only for the death of a looked-after child")
    submit = SubmitField("Save notification", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the notification's fields."""
        return {"notified_on": self.notified_on.data,
                "late_notification_reason": _text(self.late_notification_reason.data),
                "secretary_of_state_notified_on": self.secretary_of_state_notified_on.data,
                "ofsted_notified_on": self.ofsted_notified_on.data}


class ReferralForm(FlaskForm):
    """A referral for a national review, and its outcome."""

    version = HiddenField()
    referred_on = DayMonthYearField("Date referred", required=True,
                                    description="For example, 14 1 2026")
    outcome_on = DayMonthYearField("Date of the outcome",
                                   description="Leave blank until the panel has decided")
    outcome = TextAreaField(
        "Outcome", widget=GovTextArea(),
        description="What the national panel decided, and why",
        validators=[Length(max=TEXT_LIMIT, message="Outcome must be 10,000 characters or fewer"),
                    NoIdentifiers()])
    submit = SubmitField("Save referral", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the referral's fields."""
        return {"referred_on": self.referred_on.data, "outcome_on": self.outcome_on.data,
                "outcome": _text(self.outcome.data)}


class AddMemberForm(FlaskForm):
    """Give someone access to a case, saying why."""

    user = SelectField("Person", widget=GovSelect(),
                       description="Chairs, agency leads and partners' representatives",
                       validators=[InputRequired("Select the person to add")])
    reason = StringField(
        "Why they need to see the case", widget=GovTextInput(),
        description="For example, the designated nurse preparing the health chronology",
        validators=[InputRequired("Enter why they need to see the case"),
                    Length(max=200, message="Why must be 200 characters or fewer"),
                    NoIdentifiers()])
    add = SubmitField("Add to the case", widget=GovSubmitInput())

    def __init__(self, *args: Any, users: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user.choices = [("", "Select a person")] + [
            (str(u.id), f"{u.name} ({u.role.label})") for u in users]


class CaseRemoveForm(FlaskForm):
    """Take one row off a list (a person off a case, a closure day off the calendar)."""

    record = HiddenField(validators=[InputRequired()])
    remove = SubmitField("Remove", widget=GovSubmitInput())


class ReviewSettingsForm(FlaskForm):
    """A partnership's settings for case reviews."""

    version = HiddenField()
    rapid_review_clock = RadioField(
        "The Rapid Review's 15 working days start on", widget=GovRadioInput(),
        choices=[(c.value, c.label) for c in ClockStart],
        validators=[InputRequired("Select when the Rapid Review's clock starts")])
    local_review_months = WholeNumberField(
        "Months from the decision to a local review's completion and publication",
        description="Usually 6", not_a_number="Months must be a whole number, like 6",
        validators=[InputRequired("Enter the number of months"),
                    NumberRange(1, 36, message="Months must be between 1 and 36")])
    retention_years = WholeNumberField(
        "Years to keep a case's records after it closes",
        description="For example, 15", not_a_number="Years must be a whole number, like 15",
        validators=[InputRequired("Enter the number of years"),
                    NumberRange(1, 100, message="Years must be between 1 and 100")])
    monitoring_weeks = WholeNumberField(
        "Weeks between checks of a local review's time and quality",
        description="For example, 6. The group records each check (regulation 14 of the 2018 "
                    "regulations asks for monitoring at regular intervals)",
        not_a_number="Weeks must be a whole number, like 6",
        validators=[InputRequired("Enter the number of weeks"),
                    NumberRange(1, 26, message="Weeks must be between 1 and 26")])
    save = SubmitField("Save settings", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the settings as the model stores them."""
        return {"rapid_review_clock": ClockStart(self.rapid_review_clock.data),
                "local_review_months": self.local_review_months.data,
                "retention_years": self.retention_years.data,
                "monitoring_weeks": self.monitoring_weeks.data}


class ClosureForm(FlaskForm):
    """A day the partnership does not count as a working day."""

    day = DayMonthYearField("Closure day", required=True, description="For example, 29 12 2025")
    reason = StringField(
        "Reason", widget=GovTextInput(), description="For example, office closure between "
                                                     "Christmas and New Year",
        validators=[InputRequired("Enter the reason for the closure"),
                    Length(max=200, message="Reason must be 200 characters or fewer")])
    add_closure = SubmitField("Add closure day", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the closure day."""
        return {"day": self.day.data, "reason": _text(self.reason.data)}


# The date fields a stage move may need, by the stage they belong to (the page shows them).
STAGE_DATES = {Stage.LOCAL_REVIEW: "decided_on", Stage.NATIONAL_REVIEW: "referred_on",
               Stage.CLOSED: "closed_on"}



class CaseFilterForm(FlaskForm):
    """Which cases to list (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    partnership = SelectField("Partnership", widget=GovSelect(), validate_choice=False)
    stage = SelectField("Stage", widget=GovSelect(), validate_choice=False,
                        choices=[("", "All stages")] + [(s.value, s.label) for s in Stage])
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, *args: Any, partnerships: Iterable[Partnership] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership.choices = [("", "All partnerships")] + [
            (p.slug, p.name) for p in partnerships]
