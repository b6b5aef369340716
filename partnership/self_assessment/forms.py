"""Forms for self-assessment: standards sets, rounds, organisations, returns, moderation."""

from __future__ import annotations

from collections.abc import Sequence
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
from wtforms.validators import InputRequired, Length, Optional

from partnership.evidence.forms import EvidenceField
from partnership.kernel.identifiers import NoIdentifiers
from partnership.register.forms import DayMonthYearField, RecordsField
from partnership.register.forms.agencies import RecordSelectField
from partnership.scales.models import Grade
from partnership.self_assessment.models import Standard, StandardsKind

TEXT_LIMIT = 20_000
KIND_CHOICES = [(kind.value, kind.label) for kind in StandardsKind]


class ButtonForm(FlaskForm):
    """A button that changes something (a CSRF token and nothing else)."""


class StandardSetForm(FlaskForm):
    """A standards set: its name, who it is for, its grading scale and where it comes from."""

    version = HiddenField()
    name = StringField("Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the set's name"),
        Length(max=200, message="Name must be 200 characters or fewer")])
    kind = RadioField("Who it is for", widget=GovRadioInput(), choices=KIND_CHOICES,
                      validators=[InputRequired("Select who the set is for")])
    scale = RecordSelectField("Grading scale", blank="Select a scale",
                              validators=[InputRequired("Select a grading scale")])
    source = StringField("Source (optional)", widget=GovTextInput(),
                         description="Where the standards come from, such as the guidance",
                         validators=[Length(max=300, message="Source must be 300 characters "
                                                             "or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The set's fields as the service takes them."""
        return {"name": self.name.data.strip(), "kind": StandardsKind(self.kind.data),
                "scale": self.scale.record, "source": (self.source.data or "").strip()}


class StarterSetForm(FlaskForm):
    """Start a set from a starter set."""

    kind = RadioField("Starter set", widget=GovRadioInput(), choices=KIND_CHOICES,
                      validators=[InputRequired("Select a starter set")])
    scale = RecordSelectField("Grading scale (optional)", blank="The starter ratings",
                              validators=[Optional()])
    submit = SubmitField("Start from the starter set", widget=GovSubmitInput())


class StandardForm(FlaskForm):
    """One standard of a set."""

    version = HiddenField()
    number = StringField("Number", widget=GovTextInput(), description="As the set numbers it: "
                         "1, 2, 4b", validators=[InputRequired("Enter the standard's number"),
                                                 Length(max=12, message="Number must be 12 "
                                                                        "characters or fewer")])
    title = StringField("Title", widget=GovTextInput(), validators=[
        InputRequired("Enter the standard's title"),
        Length(max=300, message="Title must be 300 characters or fewer")])
    description = TextAreaField("What meeting it looks like (optional)", widget=GovTextArea(),
                                validators=[Length(max=TEXT_LIMIT)])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The standard's fields."""
        return {"number": self.number.data.strip(), "title": self.title.data.strip(),
                "description": (self.description.data or "").strip()}


class RoundForm(FlaskForm):
    """A round: title, standards set, dates, joint partnerships, the round it starts from."""

    version = HiddenField()
    title = StringField("Title", widget=GovTextInput(), description="For example, Section 11 "
                        "self-assessment 2026", validators=[
                            InputRequired("Enter the round's title"),
                            Length(max=200, message="Title must be 200 characters or fewer")])
    standard_set = RecordSelectField("Standards set", blank="Select a set",
                                     validators=[InputRequired("Select a standards set")])
    opens_on = DayMonthYearField("Opens on (optional)", description="For example, 1 9 2026")
    due_on = DayMonthYearField("Returns due", required=True)
    moderation_by = DayMonthYearField("Moderation by (optional)")
    partnerships = RecordsField("Run jointly with (optional)",
                                description="Neighbouring partnerships that share the round: "
                                            "each organisation makes one return for all")
    previous = RecordSelectField("Start from a previous round (optional)", blank="No, start "
                                 "afresh", description="Each organisation's answers from that "
                                 "round are copied in for it to edit")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The round's fields."""
        return {"title": self.title.data.strip(), "standard_set": self.standard_set.record,
                "opens_on": self.opens_on.data, "due_on": self.due_on.data,
                "moderation_by": self.moderation_by.data,
                "partnerships": self.partnerships.records, "previous": self.previous.record}


class AgenciesForm(FlaskForm):
    """The agencies to ask."""

    agencies = RecordsField("Agencies")
    every_agency = BooleanField("Every agency listed below", widget=GovCheckboxInput())
    submit = SubmitField("Add the agencies", widget=GovSubmitInput())


class SchoolsForm(FlaskForm):
    """The schools and settings to ask: every one matching the filter, or those ticked."""

    phase = HiddenField()
    kind = HiddenField()
    establishments = RecordsField("Schools and settings")
    every_school = BooleanField("Every school and setting matching the filter",
                                widget=GovCheckboxInput())
    submit = SubmitField("Add the schools and settings", widget=GovSubmitInput())


class GapActionForm(FlaskForm):
    """An action closing a gap."""

    title = StringField("What will be done", widget=GovTextInput(), validators=[
        InputRequired("Enter what will be done"),
        Length(max=300, message="What will be done must be 300 characters or fewer"),
        NoIdentifiers()])
    detail = TextAreaField("Detail (optional)", widget=GovTextArea(),
                           validators=[Length(max=TEXT_LIMIT), NoIdentifiers()])
    target_date = DayMonthYearField("Target date", required=True)
    submit = SubmitField("Add the action", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The action's fields."""
        return {"title": self.title.data.strip(), "detail": (self.detail.data or "").strip(),
                "target_date": self.target_date.data}


class SessionForm(FlaskForm):
    """A moderation or challenge session."""

    held_on = DayMonthYearField("Date", required=True)
    title = StringField("Title", widget=GovTextInput(), description="For example, Peer "
                        "challenge session: health and police", validators=[
                            InputRequired("Enter the session's title"),
                            Length(max=200, message="Title must be 200 characters or fewer")])
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(),
                          validators=[Length(max=TEXT_LIMIT), NoIdentifiers()])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The session's fields."""
        return {"held_on": self.held_on.data, "title": self.title.data.strip(),
                "notes": (self.notes.data or "").strip()}


class ChaseForm(FlaskForm):
    """The returns just chased."""

    returns = SelectMultipleField("Organisations chased", coerce=int, validate_choice=False,
                                  widget=GovCheckboxesInput())
    submit = SubmitField("Mark as chased", widget=GovSubmitInput())


def _grade_choices(grades: Sequence[Grade]) -> list[tuple[str, str]]:
    return [(str(g.id), g.label) for g in grades]


def return_form(standards: Sequence[Standard], grades: Sequence[Grade], **kwargs: Any
                ) -> FlaskForm:
    """The return's form: a grade and evidence per standard (``grade_<id>``,
    ``evidence_<id>``), and an evidence file for the return."""

    class ReturnForm(FlaskForm):
        version = HiddenField()
        evidence = EvidenceField("Add an evidence file (optional)")
        save = SubmitField("Save as draft", widget=GovSubmitInput())

    for standard in standards:
        setattr(ReturnForm, f"grade_{standard.id}", RadioField(
            "Grade", widget=GovRadioInput(), choices=_grade_choices(grades),
            validators=[Optional()]))
        setattr(ReturnForm, f"evidence_{standard.id}", TextAreaField(
            "Evidence", widget=GovTextArea(),
            description="What shows the standard is met: policies, audits, training figures",
            validators=[Length(max=TEXT_LIMIT, message="Evidence must be 20,000 characters or "
                                                       "fewer"), NoIdentifiers()]))
    return ReturnForm(**kwargs)


def moderation_form(standards: Sequence[Standard], grades: Sequence[Grade], **kwargs: Any
                    ) -> FlaskForm:
    """The agreed grade and a note per standard (``agreed_<id>``, ``note_<id>``)."""

    class ModerationForm(FlaskForm):
        submit = SubmitField("Save the agreed grades", widget=GovSubmitInput())

    for standard in standards:
        setattr(ModerationForm, f"agreed_{standard.id}", SelectField(
            "Agreed grade", widget=GovSelect(),
            choices=[("", "Not agreed yet"), *_grade_choices(grades)]))
        setattr(ModerationForm, f"note_{standard.id}", TextAreaField(
            "Note (optional)", widget=GovTextArea(),
            validators=[Length(max=TEXT_LIMIT), NoIdentifiers()]))
    return ModerationForm(**kwargs)
