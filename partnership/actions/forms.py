"""The action tracker's forms: the list's filters, an action, and a progress update."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from partnership.actions.models import ProgressUpdate, Rating, Status
from partnership.actions.queries import DueWindow, SortOrder, Source
from partnership.actions.rag import Rag
from partnership.actions.spreadsheets import FIELDS
from partnership.documents.spreadsheets import EXTENSIONS, extension_of
from partnership.evidence.forms import EvidenceField
from partnership.kernel.dates import year_label
from partnership.plans.models import Plan
from partnership.register.forms import DayMonthYearField, text_limit
from partnership.register.forms.agencies import (
    RecordSelectField,
    WholeNumberField,
    person_label,
)
from partnership.register.models import Agency, Body, Person

STATUS_CHOICES = [(s.value, s.label) for s in Status]
RATING_CHOICES = [(r.value, r.label) for r in Rating]


def _percent_field(label: str = "% complete (optional)") -> WholeNumberField:
    return WholeNumberField(
        label, description="A whole number from 0 to 100",
        not_a_number="% complete must be a whole number, like 50",
        validators=[Optional(), NumberRange(0, 100, message="%% complete must be between 0 "
                                                            "and 100")])  # %% for %


class FlagField(BooleanField):
    """A checkbox in a GET form, sent as ``name=1`` (as the list's links write it)."""

    widget = GovCheckboxInput()

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(label, false_values=("", "0", "false"), **kwargs)

    def _value(self) -> str:
        return "1"


class ActionFilterForm(FlaskForm):
    """What the action list shows (a GET form: it changes nothing)."""

    class Meta:
        csrf = False  # a search reads; it never changes state

    search = StringField("Search titles and detail", widget=GovTextInput(),
                         validators=[Optional(), Length(max=200)])
    partnership_id = SelectField("Partnership", widget=GovSelect(), validators=[Optional()])
    plan_id = SelectField("Business plan", widget=GovSelect(), validators=[Optional()])
    body_id = SelectField("Owning body", widget=GovSelect(), validators=[Optional()])
    agency_id = SelectField("Lead agency", widget=GovSelect(), validators=[Optional()])
    person_id = SelectField("Lead officer", widget=GovSelect(), validators=[Optional()])
    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Any status"), *STATUS_CHOICES])
    rag = SelectField("Rating", widget=GovSelect(), validators=[Optional()],
                      choices=[("", "Any rating")] + [(r.value, r.label) for r in Rag])
    due = SelectField("Target date", widget=GovSelect(), validators=[Optional()],
                      choices=[("", "Any target date")] + [(d.value, d.label)
                                                          for d in DueWindow])
    source = SelectField("Where it came from", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Anywhere")] + [(s.value, s.label) for s in Source])
    year = SelectField("Reporting year", widget=GovSelect(), validators=[Optional()])
    attention = FlagField("Only actions that need attention (red, amber or update overdue)")
    update_overdue = FlagField("Only actions waiting too long for an update")
    sort = SelectField("Sort by", widget=GovSelect(), validators=[Optional()],
                       choices=[(s.value, s.label) for s in SortOrder])
    submit = SubmitField("Show actions", widget=GovSubmitInput())

    def offer(self, name: str, blank: str, options: Iterable[tuple[int, str]]) -> None:
        """Offer these (id, label) choices for one of the record filters."""
        self[name].choices = [("", blank)] + [(str(key), label) for key, label in options]


class ActionForm(FlaskForm):
    """A new action: what must be done, who owns and leads it, and when."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        validators=[InputRequired("Enter the action's title"),
                    Length(max=300, message="Title must be 300 characters or fewer")])
    detail = TextAreaField("Detail (optional)", widget=GovTextArea(),
                           validators=[text_limit("Detail")])
    source_note = StringField(
        "Where it came from (optional)", widget=GovTextInput(),
        description="For example, the section 11 audit 2024, or a multi-agency audit on neglect",
        validators=[Length(max=300, message="Where it came from must be 300 characters or "
                                            "fewer")])
    body = RecordSelectField("Owning body", blank="No owning body", validators=[Optional()])
    lead_agency = RecordSelectField("Lead agency", blank="No lead agency",
                                    validators=[Optional()])
    lead_person = RecordSelectField("Lead officer", blank="No lead officer named",
                                    validators=[Optional()])
    start_date = DayMonthYearField("Start date", description="Optional. For example, 1 4 2025")
    target_date = DayMonthYearField("Target date",
                                    description="Optional. For example, 31 3 2026")
    status = RadioField("Status", widget=GovRadioInput(), default=Status.NOT_STARTED.value,
                        choices=STATUS_CHOICES,
                        validators=[InputRequired("Select the action's status")])
    percent_complete = _percent_field()
    year = SelectField(
        "Reporting year", widget=GovSelect(), validators=[Optional()],
        description="The year of the business plan the action belongs to")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, bodies: Iterable[Body] = (),
                 agencies: Iterable[Agency] = (), people: Iterable[Person] = (),
                 years: Iterable[tuple[int, str]] = (), year_blank: str = "Work it out from "
                 "the dates", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body.offer(bodies)
        self.lead_agency.offer(agencies)
        self.lead_person.offer(people, person_label)
        self.year.choices = [("", year_blank)] + [(str(y), label) for y, label in years]

    def values(self) -> dict[str, Any]:
        """Return the action's fields as the model stores them (year None: from the dates)."""
        return {
            "title": (self.title.data or "").strip(),
            "detail": (self.detail.data or "").strip(),
            "source_note": (self.source_note.data or "").strip(),
            "body": self.body.record,
            "lead_agency": self.lead_agency.record,
            "lead_person": self.lead_person.record,
            "start_date": self.start_date.data,
            "target_date": self.target_date.data,
            "status": Status(self.status.data),
            "percent_complete": self.percent_complete.data,
            "year": int(self.year.data) if self.year.data else None,
        }


class ActionEditForm(ActionForm):
    """A change to an action, with how it ended: completion date, outcome, evidence of impact."""

    completed_on = DayMonthYearField(
        "Completion date", description="Only for a complete action. Leave blank for today")
    outcome = TextAreaField("Outcome (optional)", widget=GovTextArea(),
                            validators=[text_limit("Outcome")])
    impact = TextAreaField(
        "Evidence of impact (optional)", widget=GovTextArea(),
        description="What difference the action has made for children and families",
        validators=[text_limit("Evidence of impact")])

    def values(self) -> dict[str, Any]:
        """Return the action's fields, with how it ended."""
        return {**super().values(),
                "completed_on": self.completed_on.data,
                "outcome": (self.outcome.data or "").strip(),
                "impact": (self.impact.data or "").strip()}


class ProgressForm(FlaskForm):
    """A dated progress update; it also brings the action's status and % complete up to date."""

    next = HiddenField()
    recorded_on = DayMonthYearField(
        "Date of the update", description="Leave blank for today. For example, 3 6 2025")
    narrative = TextAreaField(
        "Progress made", widget=GovTextArea(),
        validators=[InputRequired("Enter the progress made"), text_limit("Progress made")])
    status = SelectField("Status", widget=GovSelect(), choices=STATUS_CHOICES,
                         validators=[InputRequired("Select the action's status")])
    percent_complete = _percent_field()
    proposed_rating = SelectField(
        "Your rating (optional)", widget=GovSelect(), validators=[Optional()],
        choices=[("", "No rating"), *RATING_CHOICES],
        description="How you rate progress. The tracker's own rating also looks at the dates")
    impact = TextAreaField(
        "Evidence of impact (optional)", widget=GovTextArea(),
        validators=[text_limit("Evidence of impact")])
    evidence = EvidenceField("Attach evidence (optional)")
    children_and_families = BooleanField(
        "This update shows feedback from children and families", widget=GovCheckboxInput())
    corrects = RecordSelectField(
        "Corrects an earlier update (optional)", blank="Not a correction",
        validators=[Optional()],
        description="Updates are never changed: a correction is a new update naming the old one")
    submit = SubmitField("Save update", widget=GovSubmitInput())

    def __init__(self, *args: Any, earlier: Iterable[ProgressUpdate] = (),
                 describe: Callable[[ProgressUpdate], str] = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.corrects.offer(earlier, describe)

    def values(self) -> dict[str, Any]:
        """Return the update's fields as the model stores them."""
        return {
            "recorded_on": self.recorded_on.data,
            "narrative": (self.narrative.data or "").strip(),
            "status": Status(self.status.data) if self.status.data else None,
            "percent_complete": self.percent_complete.data,
            "proposed_rating": Rating(self.proposed_rating.data)
            if self.proposed_rating.data else None,
            "impact": (self.impact.data or "").strip(),
            "children_and_families": bool(self.children_and_families.data),
            "corrects": self.corrects.record,
        }


# Importing a tracker spreadsheet: upload, map the columns, import.

NOT_IN_FILE = "Not in the spreadsheet"


def plan_label(plan: Plan) -> str:
    """Name a plan with its partnership and period, for a select."""
    start_month = plan.partnership.year_start_month
    period = (f"{year_label(plan.first_year, start_month)} to "
              f"{year_label(plan.last_year, start_month)}")
    return f"{plan.title} ({plan.partnership.name}, {period})"


class UploadForm(FlaskForm):
    """Choose the plan the actions belong to, and the spreadsheet to read them from."""

    plan = RecordSelectField("Plan", blank="Choose a plan",
                             description="The imported actions are added to this plan's "
                                         "partnership; objectives are matched in this plan")
    spreadsheet = FileField("Tracker spreadsheet", widget=GovFileInput())
    submit = SubmitField("Upload and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, plans: Iterable[Plan] = (), limit_mb: int = 10,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan.offer(plans, plan_label)
        self.spreadsheet.description = (f"A CSV file or an Excel workbook (.xlsx), up to "
                                        f"{limit_mb} MB. Only its first sheet is read, with "
                                        "one action per row below a row of headings")

    def validate_plan(self, field: RecordSelectField) -> None:
        """A plan must be chosen."""
        if field.record is None:
            raise ValidationError("Choose the plan the actions belong to")

    def validate_spreadsheet(self, field: FileField) -> None:
        """A file must be chosen, and be named .csv or .xlsx (the content is read later)."""
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Choose a spreadsheet to upload")
        if extension_of(upload.filename) not in EXTENSIONS:
            raise ValidationError("The file must be a spreadsheet saved as .csv or .xlsx")


class ColumnsForm(FlaskForm):
    """One select per field of ours, offering the spreadsheet's headings (built per file)."""

    submit = SubmitField("Save and check the rows", widget=GovSubmitInput())

    @property
    def mapping(self) -> dict[str, str]:
        """Our field name -> the chosen heading, for the fields given a column."""
        return {each.name: self[each.name].data for each in FIELDS if self[each.name].data}

    @property
    def field_selects(self) -> list[Any]:
        """The selects, in our fields' order."""
        return [self[each.name] for each in FIELDS]


def columns_form(headings: Sequence[str], mapping: dict[str, str] | None = None,
                 **kwargs: Any) -> ColumnsForm:
    """Build the columns form for a spreadsheet's headings, pre-selecting ``mapping``."""
    choices = [("", NOT_IN_FILE), *[(heading, heading) for heading in headings]]
    attributes = {
        each.name: SelectField(each.label, choices=choices, description=each.hint,
                               default=(mapping or {}).get(each.name, ""), widget=GovSelect())
        for each in FIELDS}
    form_class = type("ColumnsFormFor", (ColumnsForm,), attributes)
    return form_class(**kwargs)  # type: ignore[no-any-return]


class ImportForm(FlaskForm):
    """The import button on the preview page (a POST with nothing but the token)."""

    submit = SubmitField("Import the actions", widget=GovSubmitInput())


# Working on actions together: comments, new target dates, changes in bulk, My actions' filter.

LEAVE = ""
CLEAR = "none"


class CommentForm(FlaskForm):
    """A comment on an action."""

    body = TextAreaField("Add a comment", widget=GovTextArea(),
                         validators=[InputRequired("Enter your comment"), text_limit("Comment")])
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class DateRequestForm(FlaskForm):
    """A request for a new target date, with the reason."""

    requested_due = DayMonthYearField("New target date", required=True,
                                      description="For example, 30 6 2027")
    reason = TextAreaField(
        "Why should the target date change?", widget=GovTextArea(),
        validators=[InputRequired("Say why the target date should change"),
                    text_limit("The reason")])
    submit = SubmitField("Send the request", widget=GovSubmitInput())


class DateDecisionForm(FlaskForm):
    """The owning body's chair or the team approves or declines a request, with why."""

    request = HiddenField()
    decision = RadioField("Your decision", widget=GovRadioInput(),
                          choices=[("approve", "Approve: the target date changes"),
                                   ("decline", "Decline: the target date stays")],
                          validators=[InputRequired("Choose whether to approve or decline "
                                                    "the request")])
    decision_reason = TextAreaField(
        "Your reasons", widget=GovTextArea(),
        validators=[InputRequired("Say why you approve or decline the request"),
                    text_limit("Your reasons")])
    submit = SubmitField("Save the decision", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    """The button that withdraws a pending request (nothing typed)."""

    submit = SubmitField("Withdraw the request", widget=GovSubmitInput())


class ChangeSelectField(RecordSelectField):
    """A record to change many actions to: leave as it is, set none, or one record."""

    def __init__(self, label: str | None = None, *, none: str, **kwargs: Any) -> None:
        super().__init__(label, [Optional()], blank="Leave as it is", **kwargs)
        self.none = none

    def offer(self, records: Iterable[Any], describe: Callable[[Any], str] = str) -> None:
        """Offer leaving it, clearing it, or these records."""
        super().offer(records, describe)
        self.choices = [self.choices[0], (CLEAR, self.none), *self.choices[1:]]

    def pre_validate(self, form: Any) -> None:
        """Accept only the choices offered."""
        if self.data not in {key for key, _ in self.choices}:
            raise ValidationError("Choose one of the options")


class BulkUpdateForm(FlaskForm):
    """What to change on every selected action (anything left blank stays as it is)."""

    body = ChangeSelectField("Owning body", none="No owning body")
    lead_agency = ChangeSelectField("Lead agency", none="No lead agency")
    lead_person = ChangeSelectField("Lead officer", none="No lead officer named")
    target_date = DayMonthYearField("Target date",
                                    description="Leave blank to keep each action's own date")
    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[(LEAVE, "Leave as it is"), *STATUS_CHOICES])
    submit = SubmitField("Change the selected actions", widget=GovSubmitInput())

    def __init__(self, *args: Any, bodies: Iterable[Body] = (), agencies: Iterable[Agency] = (),
                 people: Iterable[Person] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body.offer(bodies)
        self.lead_agency.offer(agencies)
        self.lead_person.offer(people, person_label)

    def changes(self) -> dict[str, Any]:
        """Return only what is to change, as the model stores it."""
        found: dict[str, Any] = {}
        for name in ("body", "lead_agency", "lead_person"):
            field = self[name]
            if field.data == CLEAR:
                found[name] = None
            elif field.data:
                found[name] = field.record
        if self.target_date.data is not None:
            found["target_date"] = self.target_date.data
        if self.status.data:
            found["status"] = Status(self.status.data)
        return found


class MyActionsFilterForm(FlaskForm):
    """What My actions shows (a GET form: it changes nothing)."""

    class Meta:
        csrf = False  # a search reads; it never changes state

    search = StringField("Search titles and detail", widget=GovTextInput(),
                         validators=[Optional(), Length(max=200)])
    rag = SelectField("Rating", widget=GovSelect(), validators=[Optional()],
                      choices=[("", "Any rating")] + [(r.value, r.label) for r in Rag])
    due = SelectField("Target date", widget=GovSelect(), validators=[Optional()],
                      choices=[("", "Any target date")] + [(d.value, d.label)
                                                          for d in DueWindow])
    submit = SubmitField("Show my actions", widget=GovSubmitInput())
