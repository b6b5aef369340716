"""Forms for meetings: scheduling, generating a year, agenda, attendance, decisions, minutes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from partnership.meetings.models import (
    AgendaItem,
    DecisionMethod,
    MeetingStatus,
    Presence,
    VoteChoice,
)
from partnership.meetings.services import WEEKDAYS, WEEKS
from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import TEXT_LIMIT, RecordSelectField, WholeNumberField
from partnership.register.models import Agency, StatutoryPartner

MINUTES_LIMIT = 100_000
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


class TimeOfDayField(StringField):
    """A time typed as 24-hour hours and minutes ("14:00", "9.30"), blank allowed."""

    widget = GovTextInput()

    def _value(self) -> str:
        if isinstance(self.data, dt.time):
            return self.data.strftime("%H:%M")
        return self.data or ""

    def pre_validate(self, form: Any) -> None:
        """Turn the text into a time, or say exactly what is wrong with it."""
        if isinstance(self.data, dt.time) or not (self.data or "").strip():
            self.data = self.data if isinstance(self.data, dt.time) else None
            return
        match = TIME.match(self.data.strip())
        try:
            if match is None:
                raise ValueError
            self.data = dt.time(int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise ValidationError(
                f"{self.label.text.removesuffix(' (optional)')} must be a time in 24-hour "
                "hours and minutes, like 14:00") from None


STATUS_CHOICES = [(s.value, s.label) for s in MeetingStatus]


class MeetingForm(FlaskForm):
    """One meeting: its date, time, place and status."""

    held_on = DayMonthYearField("Date", required=True, description="For example, 14 5 2025")
    starts_at = TimeOfDayField("Start time (optional)", description="For example, 14:00")
    location = StringField(
        "Where (optional)", widget=GovTextInput(),
        description="For example, Council Chamber, County Hall, or Microsoft Teams",
        validators=[Length(max=200, message="Where must be 200 characters or fewer")])
    status = RadioField(
        "Status", widget=GovRadioInput(), choices=STATUS_CHOICES,
        default=MeetingStatus.SCHEDULED.value,
        validators=[InputRequired("Select whether the meeting is scheduled, held or cancelled")])
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the meeting's fields as the model stores them."""
        return {"held_on": self.held_on.data, "starts_at": self.starts_at.data,
                "location": (self.location.data or "").strip(),
                "status": MeetingStatus(self.status.data)}


class MeetingEditForm(MeetingForm):
    """A meeting and its minutes, changed without overwriting someone else's edit."""

    version = HiddenField()
    minutes = TextAreaField(
        "Minutes (draft)", widget=GovTextArea(),
        description="Written in Markdown: a blank line between paragraphs, ## for a "
                    "heading, - for a list item",
        validators=[Length(max=MINUTES_LIMIT,
                           message="Minutes must be 100,000 characters or fewer")])

    def values(self) -> dict[str, Any]:
        """Return the meeting's fields, minutes included."""
        return {**super().values(), "minutes": (self.minutes.data or "").strip()}


class GenerateForm(FlaskForm):
    """Which reporting year, on which day, to generate a body's meetings for."""

    year = SelectField("Reporting year", widget=GovSelect(),
                       validators=[InputRequired("Select the reporting year")])
    weekday = RadioField(
        "Day of the week", widget=GovRadioInput(),
        choices=[(str(n), name) for n, name in enumerate(WEEKDAYS)],
        validators=[InputRequired("Select the day of the week it meets on")])
    week = RadioField(
        "Week of the month", widget=GovRadioInput(),
        choices=[(str(n), name) for n, name in WEEKS.items()],
        description="For example, choose Tuesday and Second for the second Tuesday of the "
                    "month",
        validators=[InputRequired("Select which week of the month it meets in")])
    first_month = SelectField(
        "First meeting in", widget=GovSelect(), validators=[Optional()],
        description="The month the cycle starts from (for a body that meets every few "
                    "months or every six weeks). Termly meetings are in October, February "
                    "and June")
    starts_at = TimeOfDayField("Start time (optional)", description="For example, 14:00")
    location = StringField(
        "Where (optional)", widget=GovTextInput(),
        validators=[Length(max=200, message="Where must be 200 characters or fewer")])
    preview = SubmitField("Preview the meetings", widget=GovSubmitInput())
    create = SubmitField("Create these meetings", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 year_start: int = 4, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [(str(year), label) for year, label in years]
        months = [(year_start - 1 + n) % 12 + 1 for n in range(12)]
        self.first_month.choices = [("", "The first month of the reporting year")] + [
            (str(month), MONTHS[month - 1]) for month in months]


class AgendaItemForm(FlaskForm):
    """An item on a meeting's agenda."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        validators=[InputRequired("Enter the agenda item's title"),
                    Length(max=300, message="Title must be 300 characters or fewer")])
    presenter = StringField(
        "Presented by (optional)", widget=GovTextInput(),
        description="For example, Head of Service, Children's Social Care",
        validators=[Length(max=200, message="Presented by must be 200 characters or fewer")])
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message="Notes must be 10,000 characters or fewer")])
    position = WholeNumberField(
        "Position on the agenda (optional)",
        description="Items are listed lowest number first. Leave blank to put a new item last "
                    "or keep an item's place",
        not_a_number="Position must be a whole number, like 3",
        validators=[Optional(), NumberRange(0, 1000, message="Position must be between 0 "
                                                             "and 1,000")])
    submit = SubmitField("Save agenda item", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the item's fields as the model stores them."""
        return {"title": (self.title.data or "").strip(),
                "presenter": (self.presenter.data or "").strip(),
                "notes": (self.notes.data or "").strip(), "position": self.position.data}


PRESENCE_CHOICES = [(p.value, p.label) for p in Presence]
REASON_LIMIT = 500
# An absence is explained; a deputy's name says who came instead, a reason is optional.
ABSENCES = frozenset({Presence.APOLOGIES, Presence.ABSENT})


class AttendanceForm(FlaskForm):
    """How each expected member agency was represented at a meeting: ``attendance_form``
    adds a presence (present unless changed), an attendee and a reason field per agency."""

    submit = SubmitField("Save attendance", widget=GovSubmitInput())

    agencies: ClassVar[list[Agency]] = []

    def rows(self) -> list[tuple[Agency, Any, Any, Any]]:
        """Return each agency with its presence, attendee and reason fields, in order."""
        return [(agency, self[f"presence_{agency.id}"], self[f"attendee_{agency.id}"],
                 self[f"reason_{agency.id}"]) for agency in self.agencies]

    @staticmethod
    def label_html(shown: str, hidden: str, after: str = "") -> Markup:
        """Return a label that shows ``shown`` and tells screen readers ``hidden`` too."""
        return Markup('{}<span class="govuk-visually-hidden">{}</span>{}').format(
            shown, hidden, after)

    def fill(self, entries: Mapping[int, tuple[Presence, str, str]]) -> None:
        """Show these entries ``{agency id: (presence, attendee, reason)}`` in the form."""
        for agency, presence, attendee, reason in self.rows():
            if agency.id in entries:
                presence.data, attendee.data, reason.data = (
                    entries[agency.id][0].value, *entries[agency.id][1:])

    def validate(self, extra_validators: Any = None) -> bool:
        """Check each field, then ask a reason for every absence, next to its field."""
        valid = super().validate(extra_validators)
        for agency, presence, _attendee, reason in self.rows():
            if (presence.data in {p.value for p in ABSENCES}
                    and not (reason.data or "").strip()):
                reason.errors = [*reason.errors, f"Enter why {agency.name} was not there"]
                valid = False
        return valid

    def values(self) -> dict[int, tuple[Presence, str, str]]:
        """Return ``{agency id: (presence, attendee, reason)}`` for every agency.

        A reason is kept only for a member who was not there in person.
        """
        found = {}
        for agency, presence, attendee, reason in self.rows():
            chosen = Presence(presence.data)
            found[agency.id] = (chosen, (attendee.data or "").strip(),
                                "" if chosen is Presence.PRESENT else (reason.data or "").strip())
        return found


def attendance_form(agencies: list[Agency], *args: Any, **kwargs: Any) -> AttendanceForm:
    """Build the attendance form for these agencies: each is present unless marked otherwise."""

    class Form(AttendanceForm):
        pass

    for agency in agencies:
        setattr(Form, f"presence_{agency.id}", RadioField(
            f"How was {agency.name} represented?", widget=GovRadioInput(),
            choices=PRESENCE_CHOICES, default=Presence.PRESENT.value))
        setattr(Form, f"attendee_{agency.id}", StringField(
            f"Who attended for {agency.name} (optional)", widget=GovTextInput(),
            validators=[Length(max=200, message="Who attended must be 200 characters or "
                                                "fewer")]))
        setattr(Form, f"reason_{agency.id}", StringField(
            f"Reason for absence: {agency.name}", widget=GovTextInput(),
            validators=[Length(max=REASON_LIMIT, message="Reason for absence must be 500 "
                                                         "characters or fewer")]))
    Form.agencies = list(agencies)
    return Form(*args, **kwargs)


METHOD_CHOICES = [(m.value, m.label) for m in DecisionMethod]
VOTE_CHOICES = [(v.value, v.label) for v in VoteChoice]


class DecisionForm(FlaskForm):
    """A decision: its text, agenda item and how it was made; ``decision_form`` adds a vote
    field per statutory partner."""

    version = HiddenField()
    text = TextAreaField(
        "Decision", widget=GovTextArea(),
        description="What was decided, as it will read in the minutes",
        validators=[InputRequired("Enter what was decided"),
                    Length(max=TEXT_LIMIT, message="Decision must be 10,000 characters or "
                                                   "fewer")])
    agenda_item = RecordSelectField("Agenda item (optional)", blank="Not under an agenda item",
                                    validators=[Optional()])
    method = RadioField(
        "How was it decided?", widget=GovRadioInput(), choices=METHOD_CHOICES,
        validators=[InputRequired("Select how the decision was made")])
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    partners: ClassVar[list[tuple[StatutoryPartner, str]]] = []

    def vote_fields(self) -> list[tuple[StatutoryPartner, str, Any]]:
        """Return each partner, its name on the day, and its vote field."""
        return [(partner, name, self[f"vote_{partner.id}"]) for partner, name in self.partners]

    def values(self) -> dict[str, Any]:
        """Return the decision as the services take it (votes by partner id; None unset)."""
        return {
            "text": (self.text.data or "").strip(),
            "agenda_item": self.agenda_item.record,
            "method": DecisionMethod(self.method.data),
            "votes": {partner.id: VoteChoice(field.data) if field.data else None
                      for partner, _, field in self.vote_fields()},
        }


def decision_form(partners: list[tuple[StatutoryPartner, str]], agenda: Iterable[AgendaItem],
                  *args: Any, **kwargs: Any) -> DecisionForm:
    """Build the decision form with a vote field for each ``(partner, name)``."""

    class Form(DecisionForm):
        pass

    for partner, name in partners:
        setattr(Form, f"vote_{partner.id}", RadioField(
            name, widget=GovRadioInput(), choices=VOTE_CHOICES,
            validators=[Optional()]))
    Form.partners = list(partners)
    form = Form(*args, **kwargs)
    form.agenda_item.offer(agenda, lambda item: item.title)
    return form


class ApproveMinutesForm(FlaskForm):
    """The later meeting at which a meeting's draft minutes were approved."""

    approved_at = RadioField("At which meeting were the minutes approved?",
                             widget=GovRadioInput(), validators=[Optional()])
    submit = SubmitField("Approve the minutes", widget=GovSubmitInput())
