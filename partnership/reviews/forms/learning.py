"""Forms for learning: a review from elsewhere, our review's details, a recommendation, a
theme, and the list's filters.

Our own reviews concern a child: every free-text field on them is checked by
:class:`partnership.reviews.forms.NoIdentifiers` (learning from elsewhere is published).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
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
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from partnership.register.forms import DayMonthYearField, RecordsField, text_limit
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.register.models import Agency, Partnership
from partnership.reviews.forms import NoIdentifiers
from partnership.reviews.models import DisseminationMethod, Recommendation, ReviewKind, Scope, Theme

KIND_CHOICES = [(kind.value, kind.label) for kind in ReviewKind if not kind.is_ours]
SCOPE_CHOICES = [(scope.value, scope.label) for scope in Scope]
THEME_HINT = "Select all that apply. The team keeps the list of themes"


def _stripped(value: Any) -> str:
    return (value or "").strip()


class ReviewForm(FlaskForm):
    """Learning from elsewhere: what it is, where it came from and how it reached us."""

    version = HiddenField()
    kind = RadioField("Where does the learning come from?", widget=GovRadioInput(),
                      choices=KIND_CHOICES,
                      validators=[InputRequired("Select where the learning comes from")])
    title = StringField(
        "Title", widget=GovTextInput(),
        description="As published, for example: Child Protection in England, national review",
        validators=[InputRequired("Enter the review's title"),
                    Length(max=300, message="Title must be 300 characters or fewer")])
    source = StringField(
        "Who carried it out or published it", widget=GovTextInput(),
        description="For example, the Child Safeguarding Practice Review Panel, or the "
                    "Independent Inquiry into Child Sexual Abuse",
        validators=[InputRequired("Enter who carried out or published the review"),
                    Length(max=300, message="Who published it must be 300 characters or "
                                            "fewer")])
    published_on = DayMonthYearField("Date published",
                                     description="For example, 1 2 2022", required=True)
    received_how = TextAreaField(
        "How and when it reached us", widget=GovTextArea(),
        description="For example, emailed by the national panel on 14 March 2022, or shared "
                    "by the NPCC lead at the regional meeting in August 2022",
        validators=[InputRequired("Enter how and when the review reached us"),
                    text_limit("How and when it reached us")])
    url = StringField(
        "Web address (optional)", widget=GovTextInput(),
        description="Where the report is published, starting with https://",
        validators=[Length(max=500, message="The web address must be 500 characters or "
                                            "fewer")])
    summary = TextAreaField("Summary (optional)", widget=GovTextArea(),
                            validators=[text_limit("Summary")])
    themes = RecordsField("Learning themes (optional)", description=THEME_HINT)
    partnership = RecordSelectField("Partnership acting on it", blank="Choose a partnership",
                                    validators=[InputRequired("Choose the partnership acting "
                                                              "on the learning")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: Iterable[Theme] = (),
                 partnerships: Iterable[Partnership] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.offer(themes)
        self.partnership.offer(partnerships)

    def values(self) -> dict[str, Any]:
        """Return the review's fields as the model stores them (the partnership apart)."""
        return {"kind": ReviewKind(self.kind.data), "title": _stripped(self.title.data),
                "source": _stripped(self.source.data), "published_on": self.published_on.data,
                "received_how": _stripped(self.received_how.data),
                "url": _stripped(self.url.data), "summary": _stripped(self.summary.data),
                "themes": self.themes.records}


class OurReviewForm(FlaskForm):
    """Our own review's recommendations record: its title, a summary and themes."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        description="Name the case by its reference only, for example Rapid Review: Child Q",
        validators=[InputRequired("Enter the review's title"),
                    Length(max=300, message="Title must be 300 characters or fewer"),
                    NoIdentifiers()])
    summary = TextAreaField(
        "Summary of the learning (optional)", widget=GovTextArea(),
        description="Do not include names, dates of birth, addresses or NHS numbers",
        validators=[text_limit("Summary"), NoIdentifiers()])
    themes = RecordsField("Learning themes (optional)", description=THEME_HINT)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: Iterable[Theme] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.themes.offer(themes)

    def values(self) -> dict[str, Any]:
        """Return the review's fields as the model stores them."""
        return {"title": _stripped(self.title.data), "summary": _stripped(self.summary.data),
                "themes": self.themes.records}


class RecommendationForm(FlaskForm):
    """A numbered recommendation: what it asks, of whom, and the agencies' response."""

    version = HiddenField()
    number = WholeNumberField(
        "Number", not_a_number="The number must be a whole number, like 3",
        validators=[InputRequired("Enter the recommendation's number"),
                    NumberRange(1, 999, message="The number must be between 1 and 999")])
    text = TextAreaField("Recommendation", widget=GovTextArea(),
                         validators=[InputRequired("Enter the recommendation"),
                                     text_limit("The recommendation")])
    scope = RadioField("Scope", widget=GovRadioInput(), choices=SCOPE_CHOICES,
                       default=Scope.LOCAL.value,
                       validators=[InputRequired("Select the recommendation's scope")])
    thematic_area = StringField(
        "Thematic area (optional)", widget=GovTextInput(),
        description="For an inquiry whose recommendation is split into thematic areas, for "
                    "example Data quality, or Disruption activity",
        validators=[Length(max=200, message="Thematic area must be 200 characters or fewer")])
    agencies = RecordsField("Agencies it is addressed to (optional)",
                            description="Select all that apply")
    themes = RecordsField("Learning themes (optional)", description=THEME_HINT)
    agency_response = TextAreaField(
        "Agency response (optional)", widget=GovTextArea(),
        description="How the agencies addressed have responded to the recommendation",
        validators=[text_limit("Agency response")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    GUARDED = ("text", "thematic_area", "agency_response")

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (),
                 themes: Iterable[Theme] = (), ours: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies.offer(agencies)
        self.themes.offer(themes)
        if ours:  # a recommendation of our own review concerns a child: no identifiers
            for name in self.GUARDED:
                self[name].validators = [*self[name].validators, NoIdentifiers()]

    def values(self) -> dict[str, Any]:
        """Return the recommendation's fields as the model stores them."""
        return {"number": self.number.data, "text": _stripped(self.text.data),
                "scope": Scope(self.scope.data),
                "thematic_area": _stripped(self.thematic_area.data),
                "agencies": self.agencies.records, "themes": self.themes.records,
                "agency_response": _stripped(self.agency_response.data)}


class ThemeForm(FlaskForm):
    """A learning theme on the managed list."""

    version = HiddenField()
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the theme's name"),
                                   Length(max=120, message="Name must be 120 characters or "
                                                           "fewer")])
    description = TextAreaField("Description (optional)", widget=GovTextArea(),
                                validators=[text_limit("Description")])
    submit = SubmitField("Add the theme", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the theme's fields as the model stores them."""
        return {"name": " ".join((self.name.data or "").split()),
                "description": _stripped(self.description.data)}


class ThemeEditForm(ThemeForm):
    """A change to a theme: rename, describe or retire it."""

    active = RadioField(
        "Is the theme still offered?", widget=GovRadioInput(),
        choices=[("yes", "Yes, offer it for reviews and recommendations"),
                 ("no", "No, retire it: it stays on the records that have it")],
        validators=[InputRequired("Select whether the theme is still offered")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the theme's fields, with whether it is still offered."""
        return {**super().values(), "active": self.active.data == "yes"}


class LearningFilterForm(FlaskForm):
    """What the list of reviews shows (a GET form: it changes nothing)."""

    class Meta:
        csrf = False  # a search reads; it never changes state

    kind = SelectField("Where it comes from", widget=GovSelect(), validators=[Optional()],
                       choices=[("", "Anywhere")] + [(k.value, k.label) for k in ReviewKind])
    theme_id = SelectField("Learning theme", widget=GovSelect(), validators=[Optional()])
    year = SelectField("Reporting year", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Show reviews", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: Iterable[Theme] = (),
                 years: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme_id.choices = [("", "Any theme")] + [
            (str(theme.id), theme.name if theme.active else f"{theme.name} (retired)")
            for theme in themes]
        self.year.choices = [("", "Any year")] + [(str(year), label) for year, label in years]


class DisseminationForm(FlaskForm):
    """How a review's learning was shared: how, when, with whom and how many, the
    recommendations it carried, and when to check whether practice changed."""

    version = HiddenField()
    method = RadioField("How was the learning shared?", widget=GovRadioInput(),
                        choices=[(m.value, m.label) for m in DisseminationMethod],
                        validators=[InputRequired("Select how the learning was shared")])
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, 7-minute briefing: missing episodes and schools",
        validators=[InputRequired("Enter a title"),
                    Length(max=200, message="Title must be 200 characters or fewer"),
                    NoIdentifiers()])
    held_on = DayMonthYearField("Date", required=True, description="For example, 12 3 2026")
    audience = StringField(
        "Who it was for (optional)", widget=GovTextInput(),
        description="For example, designated safeguarding leads in schools, GP practices",
        validators=[Length(max=300, message="Who it was for must be 300 characters or fewer"),
                    NoIdentifiers()])
    reach = WholeNumberField(
        "How many people it reached (optional)", not_a_number="Enter a whole number, like 45",
        validators=[Optional(), NumberRange(0, 1_000_000, message="Enter a number from 0")])
    recommendations = RecordsField("Recommendations it carried (optional)",
                                   description="Select all that apply")
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(),
        validators=[Length(max=10_000, message="Notes must be 10,000 characters or fewer"),
                    NoIdentifiers()])
    check_on = DayMonthYearField(
        "Check whether practice changed by (optional)",
        description="Adds an action on the first recommendation ticked, due that day, to the "
                    "action tracker: whoever leads it records what changed")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, recommendations: Iterable[Recommendation] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recommendations.offer(
            recommendations, lambda r: f"{r.number}. {r.text[:120]}"
            + ("..." if len(r.text) > 120 else ""))

    def values(self) -> dict[str, Any]:
        """Return the record's fields (the check date apart: it makes an action)."""
        return {"method": DisseminationMethod(self.method.data),
                "title": _stripped(self.title.data), "held_on": self.held_on.data,
                "audience": _stripped(self.audience.data), "reach": self.reach.data,
                "recommendations": self.recommendations.records,
                "notes": _stripped(self.notes.data)}
