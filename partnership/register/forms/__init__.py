"""The register's forms, one module per area (mirrors views/), and the fields they share."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovTextInput
from wtforms import Field, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

PARTS = ("day", "month", "year")
LARGEST_AMOUNT = decimal.Decimal("9999999999.99")  # the columns hold 12 digits, 2 after the point


class DayMonthYearField(Field):
    """A date entered as day, month and year (the GOV.UK date input), blank allowed.

    Errors follow the GOV.UK pattern: "<label> must include a month", "<label> must be a
    real date". ``required`` gives "Enter <label, lower-cased>" when all three are blank.
    """

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, *,
                 required: bool = False, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.required = required

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Keep the three parts as typed; turn them into a date in pre_validate."""
        parts = [v.strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        self.raw_data = parts
        self.data = None

    def pre_validate(self, form: Any) -> None:
        """Turn day, month and year into a date, or say exactly what is wrong."""
        if not self.raw_data:
            if self.required:
                raise ValidationError(f"Enter {self.label.text.lower()}")
            return
        day, month, year = self.raw_data
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {self.label.text.lower()}")
            return
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.label.text} must include a {' and a '.join(missing)}")
        try:
            if len(year) != 4:
                raise ValueError
            self.data = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label.text} must be a real date") from None


def optional_id(value: object) -> int | None:
    """Coerce a select's value to a record id, or None for its blank "not chosen" option."""
    if value is None or value == "":
        return None
    return int(value)  # type: ignore[call-overload]


def yes_no(value: object) -> bool:
    """Coerce a yes/no radio's value ("True"/"False", or a stored bool) to a bool."""
    return value is True or value == "True"


YES_NO = [(True, "Yes"), (False, "No")]


TEXT_LIMIT = 10_000  # characters in any long text a form takes


def text_limit(label: str, limit: int = TEXT_LIMIT) -> Length:
    """Refuse a long text over the limit, saying so in the field's own words."""
    return Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")


class RecordsField(SelectMultipleField):
    """Checkboxes of records (agencies, themes, engagements...); ``records`` are the ones
    ticked, in the order offered."""

    widget = GovCheckboxesInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, coerce=int, **kwargs)
        self._offered: list[Any] = []
        self.choices = []

    def offer(self, records: Iterable[Any], describe: Callable[[Any], str] = str) -> None:
        """Offer these records, each described for the reader."""
        self._offered = list(records)
        self.choices = [(record.id, describe(record)) for record in self._offered]

    def process_data(self, value: Any) -> None:
        """Take a list of records (from ``obj=``) as their ids."""
        self.data = [getattr(item, "id", item) for item in (value or [])]

    def pre_validate(self, form: Any) -> None:
        """Refuse a record that was not offered, in words."""
        offered = {record.id for record in self._offered}
        if any(value not in offered for value in self.data or ()):
            name = self.label.text.removesuffix(" (optional)").lower()
            raise ValidationError(f"Tick only the {name} listed")

    @property
    def records(self) -> list[Any]:
        """Return the ticked records, in the order offered."""
        wanted = set(self.data or ())
        return [record for record in self._offered if record.id in wanted]


class MoneyField(StringField):
    """An amount of money in pounds, with up to 2 decimal places (a £ and commas are allowed):
    the one money input (agencies' contributions, the budget's income, lines and spending)."""

    widget = GovTextInput()

    def pre_validate(self, form: Any) -> None:
        """Turn the text into a Decimal, or say exactly what is wrong with it."""
        if isinstance(self.data, decimal.Decimal):
            return
        text = (self.data or "").replace("£", "").replace(",", "").strip()
        if not text:
            raise ValidationError(f"Enter the {self.label.text.lower()}")
        try:
            amount = decimal.Decimal(text)
        except decimal.InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValidationError(f"{self.label.text} must be a number, like 12500 or 12500.50")
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValidationError(f"{self.label.text} must not have more than 2 decimal places")
        if abs(amount) > LARGEST_AMOUNT:
            raise ValidationError(f"{self.label.text} must be less than £10,000,000,000")
        self.data = amount.quantize(decimal.Decimal("0.01"))
