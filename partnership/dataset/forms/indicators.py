"""The forms of the indicator library: an indicator, the library's filters, the dataset's
settings, and the buttons that add the starter library and raise an action from an
exception."""

from __future__ import annotations

import decimal
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
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from partnership.dataset.models import Frequency, Polarity, Unit
from partnership.dataset.services.indicators import (
    breakdown_choices,
    breakdown_key,
    breakdowns_from,
    objective_label,
)
from partnership.kernel.identifiers import NoIdentifiers
from partnership.plans.models import Objective
from partnership.register.forms import text_limit
from partnership.register.forms.agencies import (
    RecordSelectField,
    WholeNumberField,
    person_label,
)
from partnership.register.models import Agency, Body, Person

NO_IDENTIFIERS = ("The dataset counts children; it never holds a child's or family member's "
                  "details.")
LARGEST_FIGURE = decimal.Decimal("999999999999.99")  # the columns hold 12 digits, 2 after

no_identifiers = NoIdentifiers(NO_IDENTIFIERS)


class FigureField(StringField):
    """A number in the indicator's unit (up to 2 decimal places), or blank."""

    widget = GovTextInput()

    def process_data(self, value: Any) -> None:
        """Show a stored figure without trailing zeros (30, 12.5)."""
        if isinstance(value, decimal.Decimal):
            self.data = format(value.normalize(), "f")
        else:
            self.data = value

    def pre_validate(self, form: Any) -> None:
        """Turn the text into a Decimal (None when blank), or say what is wrong with it."""
        if self.data is None or isinstance(self.data, decimal.Decimal):
            return
        text = str(self.data).replace(",", "").replace("%", "").strip()
        if not text:
            self.data = None
            return
        name = str(self.label.text).removesuffix(" (optional)")
        try:
            amount = decimal.Decimal(text)
        except decimal.InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValidationError(f"{name} must be a number, like 30 or 12.5")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValidationError(f"{name} must not have more than 2 decimal places")
        if amount < 0:
            raise ValidationError(f"{name} must be 0 or more")
        if amount > LARGEST_FIGURE:
            raise ValidationError(f"{name} must be less than 1,000,000,000,000")
        self.data = amount.quantize(decimal.Decimal("0.01")).normalize()


class IndicatorForm(FlaskForm):
    """An indicator of the dataset: what is counted, by whom, how, and the band it should
    stay in."""

    version = HiddenField()
    reference = StringField(
        "Reference", widget=GovTextInput(),
        description="How the dataset numbers it, for example CP2",
        validators=[InputRequired("Enter a reference, for example CP2"),
                    Length(max=20, message="Reference must be 20 characters or fewer")])
    name = StringField(
        "Name", widget=GovTextInput(),
        description="For example, Children subject to a child protection plan",
        validators=[InputRequired("Enter the indicator's name"),
                    Length(max=200, message="Name must be 200 characters or fewer")])
    definition = TextAreaField(
        "Definition", widget=GovTextArea(),
        description="What is counted, when, and from which system",
        validators=[text_limit("Definition"), no_identifiers])
    source_agency = RecordSelectField(
        "Source agency (optional)", blank="No agency named",
        description="The agency whose records the figure comes from: its staff enter the "
                    "figures", validators=[Optional()])
    owner = RecordSelectField(
        "Owner (optional)", blank="No owner named",
        description="Who answers for the figure and writes the commentary",
        validators=[Optional()])
    unit = RadioField("What is the figure?", widget=GovRadioInput(),
                      choices=[(unit.value, unit.label) for unit in Unit],
                      validators=[InputRequired("Select what the figure is")])
    polarity = RadioField("Which way is better?", widget=GovRadioInput(),
                          choices=[(p.value, p.label) for p in Polarity],
                          validators=[InputRequired("Select which way is better")])
    frequency = RadioField("How often is it reported?", widget=GovRadioInput(),
                           choices=[(f.value, f.label) for f in Frequency],
                           validators=[InputRequired("Select how often it is reported")])
    breakdowns = SelectMultipleField(
        "Reported by (optional)", widget=GovCheckboxesInput(), choices=breakdown_choices(),
        description="The national categories are used for each. For exploitation, tick the "
                    "victims and the perpetrators separately. Figures entered by a "
                    "breakdown are kept if it is unticked later",
        validators=[Optional()])
    lower_tolerance = FigureField(
        "Lower limit of the tolerance band (optional)",
        description="In the indicator's unit: a rate as a rate per 10,000, a percentage "
                    "as a number like 80", validators=[Optional()])
    upper_tolerance = FigureField("Upper limit of the tolerance band (optional)",
                                  validators=[Optional()])
    target = FigureField("Target (optional)", validators=[Optional()])
    objective = RecordSelectField(
        "Plan priority (optional)", blank="Not linked to a plan priority",
        description="The priority it shows progress on: its dashboard lists it",
        validators=[Optional()])
    body = RecordSelectField("Group that watches it (optional)", blank="No group named",
                             validators=[Optional()])
    source_note = StringField(
        "Public source (optional)", widget=GovTextInput(),
        description="The publication its definition or benchmarks come from",
        validators=[Length(max=300, message="Public source must be 300 characters or fewer"),
                    no_identifiers])
    in_yearly_report = BooleanField(
        "Show it in the yearly report", widget=GovCheckboxInput(),
        description="With its trend, benchmarks and commentary")
    retired = BooleanField(
        "No longer collected", widget=GovCheckboxInput(),
        description="It leaves the library's lists and the dashboards; its figures are kept")
    submit = SubmitField("Save indicator", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (),
                 people: Iterable[Person] = (), objectives: Iterable[Objective] = (),
                 bodies: Iterable[Body] = (), **kwargs: Any) -> None:
        obj = kwargs.get("obj")
        if obj is not None and "breakdowns" not in kwargs:
            kwargs["breakdowns"] = [breakdown_key(b.dimension, b.subject)
                                    for b in obj.breakdowns]
        super().__init__(*args, **kwargs)
        self.source_agency.offer(agencies, lambda agency: agency.name)
        self.owner.offer(people, person_label)
        self.objective.offer(objectives, objective_label)
        self.body.offer(bodies, lambda body: body.name)

    def values(self) -> dict[str, Any]:
        """Return the indicator's fields as the service takes them."""
        return {
            "reference": (self.reference.data or "").strip(),
            "name": (self.name.data or "").strip(),
            "definition": (self.definition.data or "").strip(),
            "source_agency": self.source_agency.record,
            "owner": self.owner.record,
            "unit": Unit(self.unit.data),
            "polarity": Polarity(self.polarity.data),
            "frequency": Frequency(self.frequency.data),
            "breakdowns": breakdowns_from(self.breakdowns.data or []),
            "lower_tolerance": self.lower_tolerance.data,
            "upper_tolerance": self.upper_tolerance.data,
            "target": self.target.data,
            "objective": self.objective.record,
            "body": self.body.record,
            "source_note": (self.source_note.data or "").strip(),
            "in_yearly_report": bool(self.in_yearly_report.data),
            "retired": bool(self.retired.data),
        }


class LibraryFilterForm(FlaskForm):
    """Which indicators the library lists (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    objective = SelectField("Plan priority", widget=GovSelect(), validators=[Optional()])
    body = SelectField("Group", widget=GovSelect(), validators=[Optional()])
    agency = SelectField("Source agency", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, *args: Any, objectives: Iterable[Objective] = (),
                 bodies: Iterable[Body] = (), agencies: Iterable[Agency] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective.choices = [("", "Every priority")] + [
            (str(o.id), objective_label(o)) for o in objectives]
        self.body.choices = [("", "Every group")] + [(str(b.id), b.name) for b in bodies]
        self.agency.choices = [("", "Every agency")] + [(str(a.id), a.name) for a in agencies]

    def chosen(self, name: str) -> int | None:
        """The id chosen in one filter, or None."""
        value = self[name].data
        return int(value) if value and str(value).isdigit() and len(value) < 10 else None


class SettingsForm(FlaskForm):
    """How the partnership publishes and compares its figures."""

    version = HiddenField()
    suppress_below = WholeNumberField(
        "Small-number threshold",
        description="In anything published, counts from 1 up to this are shown as “fewer "
                    "than” it and their rates are not shown. The usual threshold is 5",
        validators=[InputRequired("Enter the small-number threshold, for example 5")],
        not_a_number="The small-number threshold must be a whole number, like 5")
    region = StringField(
        "Region", widget=GovTextInput(),
        description="As the Department for Education's statistics name it, for example "
                    "North West", validators=[Optional(), Length(
                        max=120, message="Region must be 120 characters or fewer")])
    neighbours = TextAreaField(
        "Statistical neighbours", widget=GovTextArea(),
        description="The local authorities, one a line, as the statistics name them",
        validators=[Optional(), text_limit("Statistical neighbours", 3000)])
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the settings as the service takes them."""
        return {"suppress_below": self.suppress_below.data,
                "region": (self.region.data or "").strip(),
                "neighbours": (self.neighbours.data or "").strip()}


class ExceptionActionForm(FlaskForm):
    """The one button that turns an exception into an action on the tracker."""

    submit = SubmitField("Raise an action", widget=GovSubmitInput())


class StarterForm(FlaskForm):
    """The button that adds the starter library of indicators."""

    add_starter = SubmitField("Add the starter library", widget=GovSubmitInput())
