"""The forms of the training programme."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from partnership.kernel.identifiers import NoIdentifiers
from partnership.plans.models import Objective
from partnership.register.forms import DayMonthYearField, text_limit
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.register.models import Agency
from partnership.training.models import CourseLevel, PracticeChange, SessionFormat

no_identifiers = NoIdentifiers("Training records count attendees by agency and role, and "
                               "never hold a child's or family member's details.")
ROLE_HINT = ("Their role, not their name: for example Social worker, Designated safeguarding "
             "lead, Health visitor")
SCORE_CHOICES = [(str(n), label) for n, label in (
    (1, "1, not at all"), (2, "2"), (3, "3"), (4, "4"), (5, "5, very"))]


def _radio_score(label: str, hint: str) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), description=hint, choices=SCORE_CHOICES,
                      validators=[InputRequired(f"Select {label[0].lower()}{label[1:]}")])


class CourseForm(FlaskForm):
    """A course in the programme."""

    version = HiddenField()
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired("Enter the course's title"),
                                    Length(max=200, message="Title must be 200 characters or "
                                                            "fewer")])
    topic = StringField("Topic", widget=GovTextInput(),
                        description="For example Neglect, Child exploitation, Domestic abuse",
                        validators=[InputRequired("Enter the topic"),
                                    Length(max=120, message="Topic must be 120 characters or "
                                                            "fewer")])
    level = RadioField("Level", widget=GovRadioInput(),
                       choices=[(level.value, level.label) for level in CourseLevel],
                       validators=[InputRequired("Select the course's level")])
    objective = RecordSelectField("Plan priority it serves (optional)",
                                  blank="No plan priority", validators=[Optional()])
    audience = StringField("Who it is for", widget=GovTextInput(),
                           description="By role and agency, for example Practitioners in "
                                       "schools, health and children's social care",
                           validators=[Optional(),
                                       Length(max=300, message="Who it is for must be 300 "
                                                               "characters or fewer")])
    description = TextAreaField("What it covers", widget=GovTextArea(),
                                validators=[text_limit("What it covers"), no_identifiers])
    retired = BooleanField("No longer offered", widget=GovCheckboxInput(),
                           description="It stays on past sessions and in reports")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, objectives: Iterable[Objective] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective.offer(objectives, lambda o: f"{o.reference} {o.title} "
                                                   f"({o.plan.title})")

    def values(self) -> dict[str, Any]:
        """The course's fields as the model stores them."""
        return {"title": (self.title.data or "").strip(), "topic": (self.topic.data or "").strip(),
                "level": CourseLevel(self.level.data), "objective": self.objective.record,
                "audience": (self.audience.data or "").strip(),
                "description": (self.description.data or "").strip(),
                "retired": bool(self.retired.data)}


class SessionForm(FlaskForm):
    """A date a course runs."""

    version = HiddenField()
    starts_on = DayMonthYearField("Date", required=True, description="For example, 14 3 2026")
    trainer = StringField("Trainer", widget=GovTextInput(),
                          description="Who delivers it, and their organisation",
                          validators=[InputRequired("Enter the trainer"),
                                      Length(max=200, message="Trainer must be 200 characters "
                                                              "or fewer")])
    format = RadioField("Format", widget=GovRadioInput(),
                        choices=[(f.value, f.label) for f in SessionFormat],
                        validators=[InputRequired("Select how it is delivered")])
    venue = StringField("Venue (optional)", widget=GovTextInput(),
                        validators=[Optional(),
                                    Length(max=200, message="Venue must be 200 characters or "
                                                            "fewer")])
    places = WholeNumberField("Places", not_a_number="Places must be a whole number, like 24",
                              validators=[InputRequired("Enter the number of places")])
    cancelled = BooleanField("The session was cancelled", widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The session's fields as the model stores them."""
        return {"starts_on": self.starts_on.data, "trainer": (self.trainer.data or "").strip(),
                "format": SessionFormat(self.format.data),
                "venue": (self.venue.data or "").strip(), "places": self.places.data,
                "cancelled": bool(self.cancelled.data)}


class AttendanceForm(FlaskForm):
    """How many from one agency in one role booked and attended."""

    version = HiddenField()
    agency = RecordSelectField("Agency", blank="Select an agency",
                               validators=[InputRequired("Select the agency")])
    role = StringField("Role", widget=GovTextInput(), description=ROLE_HINT,
                       validators=[InputRequired("Enter the role"),
                                   Length(max=120, message="Role must be 120 characters or "
                                                           "fewer"), no_identifiers])
    booked = WholeNumberField("Booked", not_a_number="Booked must be a whole number, like 6",
                              validators=[Optional(), NumberRange(0, 1000, "Booked must be "
                                                                           "between 0 and 1,000")])
    attended = WholeNumberField("Attended",
                                not_a_number="Attended must be a whole number, like 5",
                                validators=[Optional(),
                                            NumberRange(0, 1000, "Attended must be between 0 "
                                                                 "and 1,000")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency.offer(agencies, lambda agency: agency.name)

    def values(self) -> dict[str, Any]:
        """The line's fields as the model stores them."""
        return {"agency": self.agency.record, "role": " ".join((self.role.data or "").split()),
                "booked": self.booked.data or 0, "attended": self.attended.data or 0}


class RemoveForm(FlaskForm):
    """The one button that removes a line or an evaluation entered by mistake."""

    version = HiddenField()
    submit = SubmitField("Remove", widget=GovSubmitInput())


class EvaluationForm(FlaskForm):
    """One learner's anonymous evaluation."""

    confidence_before = _radio_score("Confidence before the session",
                                     "How confident they felt in this area beforehand")
    confidence_after = _radio_score("Confidence after the session",
                                    "How confident they feel now")
    usefulness = _radio_score("Usefulness", "How useful the session was for their work")
    comment = TextAreaField("Comment (optional)", widget=GovTextArea(),
                            description="In the learner's words. Never a child's or family "
                                        "member's details",
                            validators=[text_limit("Comment", 2000), no_identifiers])
    submit = SubmitField("Save and add another", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The evaluation's fields as the model stores them."""
        return {"confidence_before": int(self.confidence_before.data or 0),
                "confidence_after": int(self.confidence_after.data or 0),
                "usefulness": int(self.usefulness.data or 0),
                "comment": (self.comment.data or "").strip()}


class FollowUpForm(FlaskForm):
    """One attendee's answer on whether their practice changed."""

    version = HiddenField()
    agency = RecordSelectField("Agency", blank="Select an agency",
                               validators=[InputRequired("Select the agency")])
    role = StringField("Role", widget=GovTextInput(), description=ROLE_HINT,
                       validators=[InputRequired("Enter the role"),
                                   Length(max=120, message="Role must be 120 characters or "
                                                           "fewer"), no_identifiers])
    practice_changed = RadioField(
        "Has their practice changed because of the training?", widget=GovRadioInput(),
        choices=[(c.value, c.label) for c in PracticeChange],
        validators=[InputRequired("Select whether their practice changed")])
    example = TextAreaField(
        "An example of what they now do differently", widget=GovTextArea(),
        description="In their words. Describe the work, never a child or family: no names, "
                    "dates of birth, addresses or NHS numbers",
        validators=[text_limit("The example", 2000), no_identifiers])
    answered_on = DayMonthYearField("Answered on", required=True)
    manager_confirmed = BooleanField("Their manager has confirmed the change",
                                     widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency.offer(agencies, lambda agency: agency.name)

    def values(self, manager_confirmation: bool) -> dict[str, Any]:
        """The answer's fields as the model stores them."""
        return {"agency": self.agency.record, "role": " ".join((self.role.data or "").split()),
                "practice_changed": PracticeChange(self.practice_changed.data),
                "example": (self.example.data or "").strip(),
                "answered_on": self.answered_on.data,
                "manager_confirmed": bool(self.manager_confirmed.data)
                and manager_confirmation}


class SettingsForm(FlaskForm):
    """How the partnership follows up its training."""

    version = HiddenField()
    follow_up_months = WholeNumberField(
        "Months after a session to ask what changed",
        description="Attendees are asked whether their practice changed this many months "
                    "after the session. Three to six months is usual",
        not_a_number="The months must be a whole number, like 3",
        validators=[InputRequired("Enter the number of months, for example 3")])
    manager_confirmation = BooleanField(
        "Ask a manager to confirm each change in practice", widget=GovCheckboxInput())
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The settings as the service takes them."""
        return {"follow_up_months": self.follow_up_months.data,
                "manager_confirmation": bool(self.manager_confirmation.data)}


class UptakeFilterForm(FlaskForm):
    """Which reporting year the uptake table shows (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    year = SelectField("Reporting year", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Show", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [(str(year), label) for year, label in years]


def expected_form(agencies: Iterable[Agency]) -> FlaskForm:
    """The expected places of a year, one number per agency (blank: none expected)."""

    class ExpectedForm(FlaskForm):
        opened_at = HiddenField()
        submit = SubmitField("Save expected places", widget=GovSubmitInput())

    for agency in agencies:
        setattr(ExpectedForm, f"agency_{agency.id}", WholeNumberField(
            agency.name, not_a_number=f"Expected places for {agency.name} must be a whole "
                                      "number, like 20",
            validators=[Optional(), NumberRange(0, 100_000, "Expected places must be between "
                                                            "0 and 100,000")]))
    return ExpectedForm()


class ImportForm(FlaskForm):
    """Upload a booking system's export."""

    spreadsheet = FileField("Upload a file", widget=GovFileInput(),
                            description="A CSV or Excel (.xlsx) file, one booking a row",
                            validators=[FileRequired("Select a CSV or XLSX file")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    """Import the checked attendance."""

    sealed = HiddenField()
    submit = SubmitField("Import the attendance", widget=GovSubmitInput())
