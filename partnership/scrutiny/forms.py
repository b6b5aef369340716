"""The forms of scrutiny: the plan, an activity, its status, the scrutineer's findings and
recommendations, the partnership's response, and a recommendation turned into an action.

Each form carries only its own writer's fields: the team's forms never hold the
scrutineer's words, so a team POST with ``findings=...`` has nowhere to put them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from partnership.evidence.forms import EvidenceField
from partnership.kernel.identifiers import NoIdentifiers
from partnership.register.forms import DayMonthYearField, RecordsField, text_limit
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.scrutiny.models import ActivityKind, ActivityStatus, ScrutinyFunction

FUNCTION_CHOICES = [(f.value, f.label) for f in ScrutinyFunction]
KIND_CHOICES = [(k.value, k.label) for k in ActivityKind]
NO_IDENTIFIERS_HINT = "Do not include names, dates of birth, addresses or NHS numbers"


def _stripped(value: Any) -> str:
    return (value or "").strip()


class PlanForm(FlaskForm):
    """A year's scrutiny plan: its title, the scrutineer's introduction, when agreed."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        validators=[InputRequired("Enter the plan's title"),
                    Length(max=200, message="Title must be 200 characters or fewer")])
    introduction = TextAreaField(
        "Introduction (optional)", widget=GovTextArea(),
        description="The scrutineer's approach for the year, in their words. It is "
                    "published with the arrangements",
        validators=[text_limit("Introduction")])
    agreed_on = DayMonthYearField(
        "Date the safeguarding partners agreed it (optional)",
        description="For example, 14 5 2026. Leave blank until they have agreed it")
    submit = SubmitField("Save the plan", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the plan's fields as the model stores them."""
        return {"title": _stripped(self.title.data),
                "introduction": _stripped(self.introduction.data),
                "agreed_on": self.agreed_on.data}


class NewPlanForm(PlanForm):
    """A new plan: which year it is for, then its details."""

    year = RadioField("Year", widget=GovRadioInput(), coerce=int, validate_choice=False,
                      validators=[InputRequired("Select the year the plan is for")])

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = list(years)


class ActivityForm(FlaskForm):
    """A scrutiny activity as planned: what, how, with whom, when, and what it looks at."""

    version = HiddenField()
    function = RadioField(
        "Which of the scrutineer's functions does it serve?", widget=GovRadioInput(),
        choices=FUNCTION_CHOICES, validators=[InputRequired("Select the function it serves")])
    kind = RadioField("Kind of activity", widget=GovRadioInput(), choices=KIND_CHOICES,
                      validators=[InputRequired("Select the kind of activity")])
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, Deep dive: the front door and early help",
        validators=[InputRequired("Enter the activity's title"),
                    Length(max=200, message="Title must be 200 characters or fewer")])
    scope = TextAreaField("Scope (optional)", widget=GovTextArea(),
                          description="What it looks at, and why",
                          validators=[text_limit("Scope")])
    method = TextAreaField("Method (optional)", widget=GovTextArea(),
                           description="How it is done: the sample, who is spoken to, "
                                       "what is read",
                           validators=[text_limit("Method")])
    planned_start = DayMonthYearField("Planned start (optional)",
                                      description="For example, 1 6 2026")
    planned_end = DayMonthYearField("Planned end (optional)",
                                    description="For example, 31 7 2026")
    agencies = RecordsField("Agencies involved (optional)", description="Select all that apply")
    case_audit = RecordSelectField("Multi-agency case audit it draws on (optional)",
                                   blank="None")
    meeting = RecordSelectField("Meeting observed (optional)", blank="None",
                                description="Meetings of the partnership's boards and "
                                            "groups in the plan's year")
    engagements = RecordsField(
        "Work with children and families it draws on (optional)",
        description="From the register of engagement, this year and last")
    submit = SubmitField("Save the activity", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Any] = (), audits: Iterable[Any] = (),
                 meetings: Iterable[Any] = (), engagements: Iterable[Any] = (),
                 describe_meeting: Callable[[Any], str] = str,
                 describe_engagement: Callable[[Any], str] = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies.offer(agencies)
        self.case_audit.offer(audits)
        self.meeting.offer(meetings, describe_meeting)
        self.engagements.offer(engagements, describe_engagement)

    def values(self) -> dict[str, Any]:
        """Return the activity's planning fields as the model stores them."""
        return {"function": ScrutinyFunction(self.function.data),
                "kind": ActivityKind(self.kind.data), "title": _stripped(self.title.data),
                "scope": _stripped(self.scope.data), "method": _stripped(self.method.data),
                "planned_start": self.planned_start.data, "planned_end": self.planned_end.data,
                "agencies": self.agencies.records, "case_audit": self.case_audit.record,
                "meeting": self.meeting.record, "engagements": self.engagements.records}


class StatusForm(FlaskForm):
    """One status change of an activity (a button)."""

    status = HiddenField()

    def chosen(self) -> ActivityStatus | None:
        """Return the status asked for, or None if it is not one."""
        try:
            return ActivityStatus(self.status.data or "")
        except ValueError:
            return None


class FindingsForm(FlaskForm):
    """The scrutineer's findings: what they found, good practice, and when they reported."""

    version = HiddenField()
    findings = TextAreaField(
        "Findings", widget=GovTextArea(), description=NO_IDENTIFIERS_HINT,
        validators=[InputRequired("Enter what you found"), text_limit("Findings"),
                    NoIdentifiers()])
    good_practice = TextAreaField(
        "Good practice (optional)", widget=GovTextArea(),
        validators=[text_limit("Good practice"), NoIdentifiers()])
    reported_on = DayMonthYearField("Date reported (optional)",
                                    description="For example, 14 9 2026. Leave blank for today")
    evidence = EvidenceField("Attach a file to the findings (optional)")
    submit = SubmitField("Save the findings", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the findings as the model stores them."""
        return {"findings": _stripped(self.findings.data),
                "good_practice": _stripped(self.good_practice.data),
                "reported_on": self.reported_on.data}


class RecommendationForm(FlaskForm):
    """A numbered recommendation of the scrutineer's."""

    version = HiddenField()
    number = WholeNumberField(
        "Number", not_a_number="The number must be a whole number, like 3",
        validators=[InputRequired("Enter the recommendation's number"),
                    NumberRange(1, 999, message="The number must be between 1 and 999")])
    text = TextAreaField("Recommendation", widget=GovTextArea(),
                         description=NO_IDENTIFIERS_HINT,
                         validators=[InputRequired("Enter the recommendation"),
                                     text_limit("The recommendation"), NoIdentifiers()])
    submit = SubmitField("Save the recommendation", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the recommendation's fields as the model stores them."""
        return {"number": self.number.data, "text": _stripped(self.text.data)}


class ResponseForm(FlaskForm):
    """The partnership's response to the scrutineer's findings."""

    version = HiddenField()
    response = TextAreaField(
        "The partnership's response", widget=GovTextArea(),
        description="What the partners accept, what they will do, and by when",
        validators=[InputRequired("Enter the partnership's response"),
                    text_limit("The response"), NoIdentifiers()])
    submit = SubmitField("Save the response", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the response as the model stores it."""
        return {"response": _stripped(self.response.data)}


class RecommendationActionForm(FlaskForm):
    """A recommendation turned into a tracked action: its title, year and lead."""

    title = StringField(
        "Action", widget=GovTextInput(), description="Starts as the recommendation's words",
        validators=[InputRequired("Enter the action's title"),
                    Length(max=300, message="The action must be 300 characters or fewer")])
    year = SelectField("Reporting year", widget=GovSelect(), coerce=int,
                       validators=[InputRequired("Select the reporting year")])
    lead_agency = RecordSelectField("Lead agency (optional)", blank="No lead agency yet")
    body = RecordSelectField("Owning body (optional)", blank="No owning body yet")
    target_date = DayMonthYearField("Target date (optional)",
                                    description="For example, 31 3 2027")
    submit = SubmitField("Add the action", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 agencies: Iterable[Any] = (), bodies: Iterable[Any] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = list(years)
        self.lead_agency.offer(agencies)
        self.body.offer(bodies)

    def values(self) -> dict[str, Any]:
        """Return the action's fields as the tracker's service takes them."""
        return {"title": _stripped(self.title.data), "year": self.year.data,
                "lead_agency": self.lead_agency.record, "body": self.body.record,
                "target_date": self.target_date.data}
