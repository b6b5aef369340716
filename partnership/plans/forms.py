"""Forms for plans, their objectives and phases, and the plan pages' choices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
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
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from partnership.plans.models import Part
from partnership.register.forms import DayMonthYearField, optional_id
from partnership.register.forms.agencies import TEXT_LIMIT, RecordSelectField, WholeNumberField
from partnership.register.models import Body, Partnership

LONGEST_INTERVAL = 366


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PlanForm(FlaskForm):
    """A business plan: its title, period, introduction and the settings for its actions."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(), description="For example, Business plan 2023 to 2026",
        filters=[_stripped],
        validators=[DataRequired("Enter the plan's title"),
                    Length(max=200, message="Title must be 200 characters or fewer")])
    first_year = SelectField(
        "First reporting year", widget=GovSelect(), coerce=optional_id,
        validators=[InputRequired("Select the plan's first reporting year")])
    last_year = SelectField(
        "Last reporting year", widget=GovSelect(), coerce=optional_id,
        validators=[InputRequired("Select the plan's last reporting year")])
    introduction = TextAreaField(
        "Introduction (optional)", widget=GovTextArea(),
        description="Printed before the objectives. Leave a blank line between paragraphs",
        validators=[Length(max=TEXT_LIMIT,
                           message="Introduction must be 10,000 characters or fewer")])
    update_interval_days = WholeNumberField(
        "Expect a progress update every (days)", default=42,
        description="An open action with no update for longer is shown as update overdue. "
                    "42 days is six weeks",
        not_a_number="Days between updates must be a whole number, like 42",
        validators=[InputRequired("Enter how many days may pass between progress updates"),
                    NumberRange(1, LONGEST_INTERVAL, message="Days between updates must be "
                                                              "between 1 and 366")])
    warning_days = WholeNumberField(
        "Warn before a target date (days)", default=28,
        description="An action due this soon with little progress is rated amber",
        not_a_number="Days of warning must be a whole number, like 28",
        validators=[InputRequired("Enter how many days before a target date to warn"),
                    NumberRange(0, LONGEST_INTERVAL, message="Days of warning must be "
                                                              "between 0 and 366")])
    submit = SubmitField("Save plan", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Select a year")] + [(year, label) for year, label in years]
        self.first_year.choices = self.last_year.choices = choices  # type: ignore[assignment]

    def values(self) -> dict[str, Any]:
        """Return the plan's fields as the model stores them."""
        return {
            "title": (self.title.data or "").strip(),
            "first_year": self.first_year.data,
            "last_year": self.last_year.data,
            "introduction": (self.introduction.data or "").strip(),
            "update_interval_days": self.update_interval_days.data,
            "warning_days": self.warning_days.data,
        }


class ObjectiveForm(FlaskForm):
    """A Part A objective, a Part B one-year activity or a learning hub priority."""

    version = HiddenField()
    part = RadioField(
        "Which part of the plan is it in?", widget=GovRadioInput(),
        choices=[(p.value, p.label) for p in (Part.STRATEGIC, Part.ACTIVITY, Part.PRIORITY)],
        validators=[InputRequired("Select which part of the plan it is in")])
    position = WholeNumberField(
        "Number (optional)",
        description="Its number within its part: 2 makes a Part A objective A2. Leave blank "
                    "to keep its number, or to put a new one at the end",
        not_a_number="Number must be a whole number, like 3",
        validators=[Optional(), NumberRange(1, 999, message="Number must be between 1 and 999")])
    title = StringField(
        "Title", widget=GovTextInput(), filters=[_stripped],
        validators=[DataRequired("Enter the title"),
                    Length(max=300, message="Title must be 300 characters or fewer")])
    outcome = TextAreaField(
        "Intended outcome", widget=GovTextArea(),
        description="What will be different for children and families, and for practitioners",
        validators=[Length(max=TEXT_LIMIT,
                           message="Intended outcome must be 10,000 characters or fewer")])
    description = TextAreaField(
        "Description (optional)", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT,
                           message="Description must be 10,000 characters or fewer")])
    year = SelectField(
        "Reporting year", widget=GovSelect(), coerce=optional_id,
        description="A Part B activity or a priority belongs to one year of the plan; a Part A "
                    "objective runs for the whole plan")
    lead_body = RecordSelectField("Lead body", blank="No lead body named",
                                  validators=[Optional()])
    joint_with = RecordSelectField(
        "Run jointly with (optional)", blank="Not joint with another partnership",
        validators=[Optional()],
        description="For example, an objective shared with a neighbouring partnership")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 bodies: Iterable[Body] = (), partnerships: Iterable[Partnership] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [("", "The whole plan (Part A)")] + [  # type: ignore[assignment]
            (year, label) for year, label in years]
        self.lead_body.offer(bodies)
        self.joint_with.offer(partnerships)

    def values(self) -> dict[str, Any]:
        """Return the objective's fields as the model stores them."""
        return {
            "part": Part(self.part.data),
            "position": self.position.data,
            "title": (self.title.data or "").strip(),
            "outcome": (self.outcome.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "year": self.year.data,
            "lead_body": self.lead_body.record,
            "joint_with": self.joint_with.record,
        }


class PhaseForm(FlaskForm):
    """A named phase of a priority (scoping, auditing, feedback...), with planned dates."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(), description="For example, Scoping", filters=[_stripped],
        validators=[DataRequired("Enter the phase's name"),
                    Length(max=120, message="Name must be 120 characters or fewer")])
    position = WholeNumberField(
        "Position (optional)",
        description="Phases are listed lowest number first. Leave blank to keep its place, or "
                    "to put a new phase at the end",
        not_a_number="Position must be a whole number, like 2",
        validators=[Optional(), NumberRange(0, 999, message="Position must be between 0 "
                                                            "and 999")])
    planned_start = DayMonthYearField("Planned start", required=True,
                                      description="For example, 1 4 2025")
    planned_end = DayMonthYearField("Planned end", required=True,
                                    description="For example, 30 6 2025")
    completed_on = DayMonthYearField(
        "Completed on (optional)", description="The day the phase was finished, if it has been")
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message="Notes must be 10,000 characters or fewer")])
    submit = SubmitField("Save phase", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the phase's fields as the model stores them."""
        return {
            "name": (self.name.data or "").strip(),
            "position": self.position.data,
            "planned_start": self.planned_start.data,
            "planned_end": self.planned_end.data,
            "completed_on": self.completed_on.data,
            "notes": (self.notes.data or "").strip(),
        }


def _iso_date(_form: FlaskForm, field: StringField) -> None:
    text = (field.raw_data[0] if field.raw_data else "").strip()
    try:
        field.data = dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationError(f"{field.label.text} must be a real date, like 2025-04-01") from None


class PeriodForm(FlaskForm):
    """The period the little-or-no-progress list covers (a GET form: ``?from=&to=``)."""

    class Meta:
        csrf = False  # it only reads: a GET that changes nothing

    start = StringField("From", widget=GovTextInput(), name="from",
                        description="For example, 2025-04-01",
                        validators=[Length(max=10, message="From must be a real date, like "
                                                           "2025-04-01"), _iso_date])
    end = StringField("To", widget=GovTextInput(), name="to",
                      description="For example, 2026-03-31",
                      validators=[Length(max=10, message="To must be a real date, like "
                                                         "2026-03-31"), _iso_date])
    submit = SubmitField("Show", widget=GovSubmitInput())

    def validate_end(self, field: StringField) -> None:
        """A period ends on or after the day it starts."""
        start = self.start.data if isinstance(self.start.data, dt.date) else None
        if start and isinstance(field.data, dt.date) and field.data < start:
            raise ValidationError("To must be the same as or after From")


class CarryForwardForm(FlaskForm):
    """The open actions of a year to carry into the next one (all ticked to begin with)."""

    year = HiddenField()
    action_ids = SelectMultipleField(
        "Actions to carry forward", widget=GovCheckboxesInput(), coerce=int,
        description="Each ticked action is copied into the next year and linked to this one, "
                    "which then reads \u201ccarried forward\u201d",
        validate_choice=False)
    submit = SubmitField("Carry forward", widget=GovSubmitInput())
