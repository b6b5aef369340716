"""The forms that enter a period's figures, approve figures, import a spreadsheet of figures,
and record the child population and benchmark releases."""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from partnership.dataset.models import Indicator, Unit, ValueStatus
from partnership.dataset.services.values import Entered, field_name, split_rows
from partnership.kernel.identifiers import NoIdentifiers
from partnership.register.forms import DayMonthYearField, text_limit
from partnership.register.forms.agencies import WholeNumberField

NO_IDENTIFIERS = ("The dataset holds counts of children, never a child's or family member's "
                  "details.")
no_identifiers = NoIdentifiers(NO_IDENTIFIERS)


class FigureField(StringField):
    """A figure typed into a text box (commas allowed); blank is None."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Keep the text; it becomes a number in pre_validate."""
        self.raw_data = valuelist
        self.data = (valuelist[0] if valuelist else "") or ""

    def pre_validate(self, form: Any) -> None:
        """Turn the text into a Decimal, or say what is wrong with it."""
        if isinstance(self.data, decimal.Decimal) or self.data is None:
            return
        text = str(self.data).replace(",", "").strip()
        if not text:
            self.data = None
            return
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.data = None
            raise ValidationError(f"{self.label.text} must be a number, like 120")
        self.data = number

    def _value(self) -> str:
        if self.data is None:
            return ""
        if isinstance(self.data, decimal.Decimal):
            if self.data == self.data.to_integral_value():
                return str(int(self.data))
            return str(self.data.normalize())
        return str(self.data)


class ValuesForm(FlaskForm):
    """A period's total, its breakdowns, status, note and the owner's commentary."""

    opened_at = HiddenField()
    number = FigureField("Total")
    denominator = FigureField("Denominator", description="The number the percentage is of: "
                              "the percentage is worked out, never typed")
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=[(s.value, s.label) for s in ValueStatus],
                        default=ValueStatus.PROVISIONAL.value,
                        description="Validated: checked against the source system. Only "
                                    "validated figures can be approved for publication",
                        validators=[InputRequired("Select the status of the figures")])
    note = StringField("Note on the figure (optional)", widget=GovTextInput(),
                       description="A caveat a reader should know, such as a change of "
                                   "recording system",
                       validators=[Length(max=300, message="The note must be 300 characters "
                                                           "or fewer"), no_identifiers])
    commentary = TextAreaField(
        "Commentary (optional)", widget=GovTextArea(),
        description="What the figures show and why, in the owner's words. Never name a "
                    "child or family member",
        validators=[text_limit("The commentary"), no_identifiers])
    submit = SubmitField("Save the figures", widget=GovSubmitInput())

    def split_fields(self) -> list[tuple[str, list[Field]]]:
        """The category fields of each breakdown, with the breakdown's name."""
        return [(label, [self[name] for name in names])
                for label, names in getattr(self, "_splits", [])]

    def entered(self, indicator: Indicator) -> Entered:
        """Return what was entered, as the service takes it."""
        splits = {}
        for breakdown, known in split_rows(indicator):
            splits[(breakdown.dimension, breakdown.subject)] = {
                code: self[field_name(breakdown, code)].data for code in known}
        return Entered(
            number=self.number.data,
            denominator=self.denominator.data if indicator.unit is Unit.PERCENTAGE else None,
            status=ValueStatus(self.status.data), note=(self.note.data or "").strip(),
            splits=splits, commentary=(self.commentary.data or "").strip())


def values_form(indicator: Indicator, **kwargs: Any) -> ValuesForm:
    """A ValuesForm with a field for each category of each of the indicator's breakdowns."""
    splits: list[tuple[str, list[str]]] = []
    fields: dict[str, Any] = {}
    number_label = ("Number counted (the numerator)" if indicator.unit is Unit.PERCENTAGE
                    else "Number of children" if indicator.unit is Unit.RATE
                    else "Total")
    for breakdown, known in split_rows(indicator):
        names = []
        for code, label in known.items():
            name = field_name(breakdown, code)
            fields[name] = FigureField(label)
            names.append(name)
        splits.append((breakdown.label, names))
    form_class = type("IndicatorValuesForm", (ValuesForm,), {**fields, "_splits": splits})
    form: ValuesForm = form_class(**kwargs)
    form.number.label.text = number_label
    return form


class ApproveForm(FlaskForm):
    """Choose the periods' figures to approve for publication."""

    chosen = SelectMultipleField("Figures to approve", widget=GovCheckboxesInput(),
                                 validate_choice=False)
    submit = SubmitField("Approve the selected figures", widget=GovSubmitInput())

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen.choices = list(choices)


class ImportValuesForm(FlaskForm):
    """Upload a spreadsheet of figures."""

    spreadsheet = FileField("Upload a file", widget=GovFileInput(),
                            description="A CSV or Excel (.xlsx) file, one figure a row",
                            validators=[FileRequired("Select a CSV or XLSX file")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    """Import the checked figures."""

    sealed = HiddenField()
    submit = SubmitField("Import the figures", widget=GovSubmitInput())


class PopulationForm(FlaskForm):
    """The number of children in one area for one year, and where it comes from."""

    area = StringField("Area", widget=GovTextInput(),
                       description="The local authority area, as the estimate names it",
                       validators=[InputRequired("Enter the area"),
                                   Length(max=120, message="The area must be 120 characters "
                                                           "or fewer")])
    year = WholeNumberField("Year", description="The mid-year the estimate is for, such as 2025",
                            not_a_number="The year must be a year, like 2025",
                            validators=[InputRequired("Enter the year"),
                                        NumberRange(1990, 2100,
                                                    "The year must be between 1990 and 2100")])
    children = WholeNumberField("Children aged 0 to 17",
                                not_a_number="The number of children must be a whole number, "
                                             "like 61250",
                                validators=[InputRequired("Enter the number of children"),
                                            NumberRange(1, 100_000_000, "The number of "
                                                        "children must be more than 0")])
    source = StringField("Source", widget=GovTextInput(),
                         description="The publication, such as ONS mid-year population "
                                     "estimates 2025",
                         validators=[InputRequired("Enter the source of the estimate"),
                                     Length(max=300, message="The source must be 300 "
                                                             "characters or fewer")])
    submit = SubmitField("Save the population", widget=GovSubmitInput())


class BenchmarkImportForm(FlaskForm):
    """A release of published figures and its CSV file."""

    publication = StringField("Publication", widget=GovTextInput(),
                              description="For example, Characteristics of children in need",
                              validators=[InputRequired("Enter the publication's name"),
                                          Length(max=200, message="The publication must be "
                                                                  "200 characters or fewer")])
    released_on = DayMonthYearField("Released on", required=True,
                                    description="For example, 30 10 2025")
    url = StringField("Web address (optional)", widget=GovTextInput(),
                      validators=[Optional(), URL(message="Enter a web address, starting "
                                                          "https://"),
                                  Length(max=500, message="The web address must be 500 "
                                                          "characters or fewer")])
    spreadsheet = FileField("The release's figures", widget=GovFileInput(),
                            description="A CSV or XLSX file: our layout (Indicator, Period, "
                                        "Comparator, Value) or the statistics' own data file",
                            validators=[FileRequired("Select a CSV or XLSX file")])
    indicator = SelectField("Indicator (for the statistics' own data file)", widget=GovSelect(),
                            validators=[Optional()])
    column = StringField("Column holding the indicator's figure (for the statistics' own "
                         "data file)", widget=GovTextInput(),
                         description="Its heading, exactly as in the file, such as "
                                     "cpp_rate_per_10000",
                         validators=[Optional(), Length(max=100, message="The heading must be "
                                                        "100 characters or fewer")])
    submit = SubmitField("Import the release", widget=GovSubmitInput())

    def __init__(self, *args: Any, indicators: Iterable[Indicator] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.choices = [("", "Not needed: the file names its indicators")] + [
            (str(i.id), f"{i.reference} {i.name}") for i in indicators]
