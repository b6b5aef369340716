"""Forms for relevant agencies and their financial contributions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
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
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from partnership.register.forms import TEXT_LIMIT, DayMonthYearField, MoneyField
from partnership.register.models import Agency, AgencyBasis, Person, Sector


class RecordSelectField(SelectField):
    """A select of register records; ``record`` is the one chosen (None for the blank choice)."""

    widget = GovSelect()

    def __init__(self, label: str | None = None, validators: Any = None, *,
                 blank: str, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.blank = blank
        self._records: dict[str, Any] = {}
        self.choices = [("", blank)]

    def offer(self, records: Iterable[Any], describe: Callable[[Any], str] = str) -> None:
        """Offer these records (plus the blank choice), each described for the reader."""
        self._records = {str(record.id): record for record in records}
        self.choices = [("", self.blank)] + [(key, describe(record))
                                             for key, record in self._records.items()]

    def process_data(self, value: Any) -> None:
        """Take a record (from ``obj=``) as its id."""
        self.data = str(value.id) if hasattr(value, "id") else (value or "")

    @property
    def record(self) -> Any:
        """Return the chosen record, or None."""
        return self._records.get(self.data or "")


class WholeNumberField(IntegerField):
    """A whole number typed into a text box, with a GOV.UK message when it is not one."""

    widget = GovTextInput()

    def __init__(self, label: str | None = None, validators: Any = None, *,
                 not_a_number: str, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the number; a blank is left for InputRequired (or Optional) to deal with."""
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(self.not_a_number) from None


def stated(value: object) -> str:
    """Coerce a stored choice to a radio's value; None (not stated) is the blank choice."""
    return "" if value is None else str(value)


def person_label(person: Person) -> str:
    """Describe a person in a list of choices: name, job title and organisation."""
    return ", ".join(part for part in (person.name, person.job_title,
                                       person.organisation_name) if part)


class AgencyForm(FlaskForm):
    """A relevant agency, or a group of agencies such as "Health providers"."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired("Enter the agency's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    sector = RadioField(
        "Sector", widget=GovRadioInput(), default="", coerce=stated,
        choices=[("", "Not stated"), *((s.value, s.label) for s in Sector)],
        validators=[Optional()])
    basis = RadioField(
        "Why it takes part, in law", widget=GovRadioInput(), default="", coerce=stated,
        choices=[("", "Not stated"), *((b.value, b.label) for b in AgencyBasis)],
        description="A designated education or childcare agency takes part under the "
                    "Children's Wellbeing and Schools Act 2026, section 2",
        validators=[Optional()])
    duty_from = DayMonthYearField(
        "Its duty starts on (optional)",
        description="Leave blank for a designated education or childcare agency to follow the "
                    "date set by regulations")
    is_group = BooleanField("This is a group of agencies, such as “Health providers”",
                            widget=GovCheckboxInput())
    group = RecordSelectField(
        "Group it is listed under", blank="Not in a group", validators=[Optional()],
        description="For example, an NHS trust listed under “Health providers”")
    reason_included = TextAreaField(
        "Why it is included", widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message="Why it is included must be 10,000 "
                                                   "characters or fewer")])
    notes = TextAreaField(
        "Notes", widget=GovTextArea(),
        description="For example, that the agency has a national position of not attending",
        validators=[Length(max=TEXT_LIMIT, message="Notes must be 10,000 characters or fewer")])
    champion = RecordSelectField("Safeguarding champion", blank="No champion named",
                                 validators=[Optional()])
    active_from = DayMonthYearField("Active from", description="For example, 1 4 2019")
    active_to = DayMonthYearField("Active to", description="Leave blank if it still takes part")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, groups: Iterable[Agency] = (),
                 people: Iterable[Person] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group.offer(groups)
        self.champion.offer(people, person_label)

    def values(self) -> dict[str, Any]:
        """Return the agency's fields as the model stores them."""
        return {
            "name": (self.name.data or "").strip(),
            "sector": Sector(self.sector.data) if self.sector.data else None,
            "basis": AgencyBasis(self.basis.data) if self.basis.data else None,
            "duty_from": self.duty_from.data,
            "is_group": bool(self.is_group.data),
            "group": self.group.record,
            "reason_included": (self.reason_included.data or "").strip(),
            "notes": (self.notes.data or "").strip(),
            "champion": self.champion.record,
            "active_from": self.active_from.data,
            "active_to": self.active_to.data,
        }


class AgencyFilterForm(FlaskForm):
    """Which agencies to list (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    sector = SelectField("Sector", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "All sectors")] + [(s.value, s.label) for s in Sector])
    status = SelectField("Taking part", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Active and inactive"), ("active", "Active today"),
                                  ("inactive", "Not active today")])
    submit = SubmitField("Filter", widget=GovSubmitInput())


class ContributionForm(FlaskForm):
    """An agency's financial contribution for one reporting year."""

    version = HiddenField()
    year = WholeNumberField(
        "Reporting year it starts in", description="For 2023 to 2024, enter 2023",
        not_a_number="Year must be a number, like 2023",
        validators=[InputRequired("Enter the year the reporting year starts in"),
                    NumberRange(2000, 2100, message="Year must be between 2000 and 2100")])
    amount = MoneyField("Amount", description="In pounds, for example 12500 or 12500.50")
    submit = SubmitField("Save contribution", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the contribution's fields as the model stores them."""
        return {"year": self.year.data, "amount": self.amount.data}
