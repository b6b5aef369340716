"""Forms for bodies and their members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from partnership import clock
from partnership.kernel.enums import LabelledEnum
from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import (
    TEXT_LIMIT,
    RecordSelectField,
    WholeNumberField,
    person_label,
)
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Collaboration,
    DecisionRule,
    Frequency,
    LineKind,
    MemberKind,
    Partnership,
    Person,
    StatutoryPartner,
)
from partnership.register.services.bodies import MEMBER_KIND_LABELS, agency_label, partner_label

MOST_OBJECTIVES = 50


class ObjectivesField(TextAreaField):
    """Terms of reference typed one objective per line, kept as an ordered list."""

    widget = GovTextArea()

    def process_data(self, value: Any) -> None:
        """Take the stored list."""
        self.data = list(value or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        """Split the text into objectives, one per non-blank line."""
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in text.splitlines() if line.strip()]

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def pre_validate(self, form: Any) -> None:
        """Keep the list to a size a document can show."""
        if len(self.data or []) > MOST_OBJECTIVES:
            raise ValidationError(f"Enter {MOST_OBJECTIVES} objectives or fewer")
        if sum(len(line) for line in self.data or []) > TEXT_LIMIT:
            raise ValidationError("Objectives must be 10,000 characters or fewer in total")


class YesNoField(RadioField):
    """A yes or no question answered with radios; ``answer`` is the bool."""

    widget = GovRadioInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, choices=[("yes", "Yes"), ("no", "No")], **kwargs)

    def process_data(self, value: Any) -> None:
        """Take a stored bool as "yes" or "no"."""
        self.data = None if value is None else ("yes" if value else "no")

    @property
    def answer(self) -> bool:
        """Return the answer as a bool."""
        return self.data == "yes"


NOT_STATED = "not_stated"


class NotStatedRadioField(RadioField):
    """Radios for a fact the arrangements may leave out: its values, then "Not stated" (None)."""

    widget = GovRadioInput()

    def __init__(self, label: str, enum: type[LabelledEnum], validators: Any = None, *,
                 not_stated_hint: str = "", **kwargs: Any) -> None:
        super().__init__(label, validators, default=NOT_STATED,
                         choices=[*((item.value, item.label) for item in enum),
                                  (NOT_STATED, "Not stated")], **kwargs)
        self.enum = enum
        self.not_stated_hint = not_stated_hint

    def process_data(self, value: Any) -> None:
        """Take a stored value, or None as "Not stated"."""
        self.data = NOT_STATED if value is None else getattr(value, "value", value)

    @property
    def answer(self) -> Any:
        """Return the chosen value as its enum member, or None for "Not stated"."""
        if not self.data or self.data == NOT_STATED:
            return None
        return self.enum(self.data)


class BodyForm(FlaskForm):
    """A board, executive, subgroup, task-and-finish group, panel, hub or forum."""

    version = HiddenField()
    kind = RadioField(
        "What kind of body is it?", widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in BodyKind],
        validators=[InputRequired("Select what kind of body it is")])
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired("Enter the body's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    short_name = StringField(
        "Short name (optional)", widget=GovTextInput(), description="For example, LIG",
        validators=[Length(max=40, message="Short name must be 40 characters or fewer")])
    collaboration = RecordSelectField(
        "Who it belongs to", blank="This partnership", validators=[Optional()],
        description="A body shared by a collaboration is listed by every partnership in it")
    joint_with = RecordSelectField(
        "Run jointly with", blank="Not a joint group", validators=[Optional()],
        description="Only for a task and finish group run with a neighbouring partnership")
    purpose = TextAreaField(
        "Purpose", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message="Purpose must be 10,000 characters or fewer")])
    objectives = ObjectivesField(
        "Objectives (terms of reference)",
        description="One objective per line, in the order they are listed")
    joint_with_name = StringField(
        "Or a neighbouring partnership not in this database (optional)", widget=GovTextInput(),
        description="Its name, for example Isle of Wight Safeguarding Children Partnership",
        validators=[Length(max=200, message="Neighbouring partnership must be 200 characters "
                                            "or fewer")])
    chair_post = StringField(
        "Post that chairs it (optional)", widget=GovTextInput(),
        description="For example, Assistant Director of Children's Services",
        validators=[Length(max=200, message="Post that chairs it must be 200 characters or "
                                            "fewer")])
    chair_partner = RecordSelectField(
        "Statutory partner whose organisation the post is in (optional)",
        blank="Not a statutory partner's post", validators=[Optional()])
    chair_agency = RecordSelectField("Or the agency the post is in (optional)",
                                     blank="Not from a listed agency", validators=[Optional()])
    chair = RecordSelectField("Who holds the post now (optional)", blank="No one named",
                              validators=[Optional()])
    chair_independent = YesNoField("Is the chair independent?", default=False,
                                   validators=[InputRequired("Select yes if the chair is "
                                                             "independent")])
    chair_appointment = StringField(
        "How the chair is appointed (optional)", widget=GovTextInput(),
        description="For example, elected by the members for two years",
        validators=[Length(max=500, message="How the chair is appointed must be 500 "
                                            "characters or fewer")])
    frequency = NotStatedRadioField(
        "How often it meets", Frequency,
        not_stated_hint="The arrangements do not say, or the pattern is described below",
        validators=[InputRequired("Select how often it meets, or Not stated")])
    frequency_note = StringField(
        "How often it meets, in the arrangements' words (optional)", widget=GovTextInput(),
        description="For example, quarterly, with learning events three times a year",
        validators=[Length(max=500, message="How often it meets, in the arrangements' words, "
                                            "must be 500 characters or fewer")])
    decision_rule = NotStatedRadioField(
        "How it takes decisions", DecisionRule,
        not_stated_hint="The arrangements do not say",
        validators=[InputRequired("Select how it takes decisions, or Not stated")])
    starts_on = DayMonthYearField(
        "Start date", description="Optional. For example, 1 9 2023")
    ends_on = DayMonthYearField(
        "End date", description="Optional: for a time-limited group, the day its work ends")
    position = WholeNumberField(
        "Position in lists (optional)",
        description="Bodies are listed lowest number first. Leave blank to keep its place, "
                    "or to put a new body at the end",
        not_a_number="Position must be a whole number, like 3",
        validators=[Optional(), NumberRange(0, 10_000, message="Position must be between 0 "
                                                               "and 10,000")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, partnership: Partnership | None = None,
                 collaborations: Iterable[Collaboration] = (),
                 neighbours: Iterable[Partnership] = (), people: Iterable[Person] = (),
                 agencies: Iterable[Agency] = (), partners: Iterable[StatutoryPartner] = (),
                 day: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partnership is not None:
            self.collaboration.blank = f"{partnership.name} (this partnership)"
        self.collaboration.offer(collaborations, lambda c: f"{c.name} (a shared body)")
        self.joint_with.offer(neighbours)
        self.chair.offer(people, person_label)
        self.chair_agency.offer(agencies, lambda agency: agency_label(partnership, agency))
        self.chair_partner.offer(partners, lambda partner: partner_label(
            partnership, partner, day or clock.today()))

    def values(self) -> dict[str, Any]:
        """Return the body's fields as the model stores them."""
        return {
            "kind": BodyKind(self.kind.data),
            "name": (self.name.data or "").strip(),
            "short_name": (self.short_name.data or "").strip(),
            "collaboration": self.collaboration.record,
            "joint_with": self.joint_with.record,
            "joint_with_name": (self.joint_with_name.data or "").strip(),
            "purpose": (self.purpose.data or "").strip(),
            "objectives": list(self.objectives.data or []),
            "chair_post": (self.chair_post.data or "").strip(),
            "chair_partner": self.chair_partner.record,
            "chair_agency": self.chair_agency.record,
            "chair": self.chair.record,
            "chair_independent": self.chair_independent.answer,
            "chair_appointment": (self.chair_appointment.data or "").strip(),
            "frequency": self.frequency.answer,
            "frequency_note": (self.frequency_note.data or "").strip(),
            "decision_rule": self.decision_rule.answer,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "position": self.position.data,
        }


class MemberForm(FlaskForm):
    """A seat on a body: an agency and role, optionally a named person; core or co-opted."""

    version = HiddenField()
    partner = RecordSelectField(
        "Statutory partner whose organisation the seat is in (optional)",
        blank="Not a statutory partner's seat", validators=[Optional()])
    agency = RecordSelectField("Or the agency", blank="Not representing a listed agency",
                               validators=[Optional()])
    role = StringField(
        "Role", widget=GovTextInput(),
        description="For example, Director of Children's Services, or head teacher "
                    "representative for primary schools",
        validators=[InputRequired("Enter the member's role"),
                    Length(max=200, message="Role must be 200 characters or fewer")])
    person = RecordSelectField("Person (optional)", blank="No one named",
                               validators=[Optional()])
    kind = RadioField(
        "Core or co-opted", widget=GovRadioInput(), default=MemberKind.CORE.value,
        choices=[(k.value, MEMBER_KIND_LABELS[k]) for k in MemberKind],
        validators=[InputRequired("Select whether the member is core or co-opted")])
    submit = SubmitField("Save member", widget=GovSubmitInput())

    def __init__(self, *args: Any, partnership: Partnership | None = None,
                 agencies: Iterable[Agency] = (), people: Iterable[Person] = (),
                 partners: Iterable[StatutoryPartner] = (), day: dt.date | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner.offer(partners, lambda partner: partner_label(
            partnership, partner, day or clock.today()))
        self.agency.offer(agencies, lambda agency: agency_label(partnership, agency))
        self.person.offer(people, person_label)

    def values(self) -> dict[str, Any]:
        """Return the seat's fields as the model stores them."""
        return {
            "partner": self.partner.record,
            "agency": self.agency.record,
            "role": (self.role.data or "").strip(),
            "person": self.person.record,
            "kind": MemberKind(self.kind.data),
        }


class LineForm(FlaskForm):
    """A line of accountability: its kind, and a body of the register or a group outside it."""

    kind = RadioField(
        "What kind of line is it?", widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in LineKind],
        validators=[InputRequired("Select what kind of line it is")])
    to_body = RecordSelectField("To a body in the register", blank="Not a body in the register",
                                validators=[Optional()])
    to_name = StringField(
        "Or to a group outside the register", widget=GovTextInput(),
        description="For example, Health and Wellbeing Board, or child death review partners",
        validators=[Length(max=200, message="Group outside the register must be 200 "
                                            "characters or fewer")])
    submit = SubmitField("Add line", widget=GovSubmitInput())

    def __init__(self, *args: Any, bodies: Iterable[Body] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to_body.offer(bodies)

    def values(self) -> dict[str, Any]:
        """Return the line's fields as the model stores them."""
        return {"kind": LineKind(self.kind.data), "to_body": self.to_body.record,
                "to_name": (self.to_name.data or "").strip()}
