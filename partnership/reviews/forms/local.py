"""Forms for a case's local child safeguarding practice review: the decision and what the
review is about, reviewers, milestones (one form for all of them), the publication decision
and monitoring entries. Every free-text field is checked for identifiers."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from partnership.register.forms import YES_NO, DayMonthYearField, yes_no
from partnership.reviews.forms import NoIdentifiers
from partnership.reviews.forms.rapid import case_text, stripped
from partnership.reviews.models import MilestoneKind, PublicationDecision


class LocalReviewForm(FlaskForm):
    """The decision to hold a local review, its terms of reference, methodology, and how the
    family and practitioners are involved."""

    version = HiddenField()
    decided_on = DayMonthYearField(
        "Date of the decision", required=True,
        description="The target for completion and publication is set from this date")
    terms_of_reference = case_text("Terms of reference (optional)")
    methodology = case_text("Methodology (optional)",
                            description="For example, a systems approach with practitioner "
                                        "learning events")
    family_involvement = case_text(
        "Family involvement (optional)",
        description="How and when the family are involved, and any reasons they are not. "
                    "Describe family members by their relationship, never by name")
    practitioner_involvement = case_text(
        "Practitioner involvement (optional)",
        description="How and when practitioners and their managers are involved")
    submit = SubmitField("Save the local review", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the review's fields as the model stores them."""
        return {"decided_on": self.decided_on.data,
                "terms_of_reference": stripped(self.terms_of_reference.data),
                "methodology": stripped(self.methodology.data),
                "family_involvement": stripped(self.family_involvement.data),
                "practitioner_involvement": stripped(self.practitioner_involvement.data)}


class ReviewerForm(FlaskForm):
    """A reviewer commissioned for a local review."""

    version = HiddenField()
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired("Enter the reviewer's name"),
                    Length(max=120, message="Name must be 120 characters or fewer")])
    organisation = StringField(
        "Organisation (optional)", widget=GovTextInput(),
        description="For example, an independent reviewer's company",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")])
    commissioned_on = DayMonthYearField("Date commissioned", description="For example, 3 6 2025")
    ends_on = DayMonthYearField("End date", description="When the commission ends, if known")
    submit = SubmitField("Save the reviewer", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the reviewer's fields as the model stores them."""
        return {"name": stripped(self.name.data),
                "organisation": stripped(self.organisation.data),
                "commissioned_on": self.commissioned_on.data, "ends_on": self.ends_on.data}


class MilestonesForm(FlaskForm):
    """Every milestone of a local review in one form: a due date, a date done and a note
    each (fields ``due_<kind>``, ``done_<kind>``, ``note_<kind>``, ``version_<kind>``)."""

    submit = SubmitField("Save the milestones", widget=GovSubmitInput())

    def rows(self) -> list[tuple[MilestoneKind, Any, Any, Any, Any]]:
        """Each kind of milestone with its due, done, note and version fields, in order."""
        return [(kind, self[f"due_{kind.value}"], self[f"done_{kind.value}"],
                 self[f"note_{kind.value}"], self[f"version_{kind.value}"])
                for kind in MilestoneKind]

    def values(self) -> dict[MilestoneKind, dict[str, Any]]:
        """Return ``{kind: {"due_on", "done_on", "note"}}`` for every milestone."""
        return {kind: {"due_on": due.data, "done_on": done.data, "note": stripped(note.data)}
                for kind, due, done, note, _ in self.rows()}

    def versions(self) -> dict[MilestoneKind, str]:
        """The version of each milestone the form was opened at ("" if not recorded then)."""
        return {kind: version.data or "" for kind, *_, version in self.rows()}


for _kind in MilestoneKind:
    setattr(MilestonesForm, f"due_{_kind.value}", DayMonthYearField(
        f"{_kind.label}: date due", description="For example, 1 9 2025"))
    setattr(MilestonesForm, f"done_{_kind.value}", DayMonthYearField(
        f"{_kind.label}: date done", description="Leave blank until it is done"))
    setattr(MilestonesForm, f"note_{_kind.value}", StringField(
        f"{_kind.label}: note (optional)", widget=GovTextInput(),
        validators=[Length(max=2000, message=f"{_kind.label}: note must be 2,000 characters "
                                             "or fewer"), NoIdentifiers()]))
    setattr(MilestonesForm, f"version_{_kind.value}", HiddenField())


DECISION_CHOICES = [(d.value, d.label) for d in PublicationDecision]


class PublicationForm(FlaskForm):
    """The publication decision, with the risks weighed and the reason, and the publication."""

    version = HiddenField()
    publication_decision = RadioField(
        "Is the report to be published?", widget=GovRadioInput(), choices=DECISION_CHOICES,
        validators=[InputRequired("Select whether the report is to be published")])
    publication_risks = case_text(
        "Risks to the child's or others' welfare",
        InputRequired("Enter the risks to the child's or others' welfare that were weighed"),
        description="The risks of publishing to the child, their siblings and others, and how "
                    "they were weighed")
    publication_reason = case_text(
        "Reason for the decision", InputRequired("Enter the reason for the decision"))
    published_on = DayMonthYearField(
        "Date published", description="Only for a report that is published. Leave blank "
                                      "until it is")
    published_url = StringField(
        "Address of the published report (optional)", widget=GovTextInput(),
        description="Starting https://, for example https://www.example.gov.uk/reviews/child-q",
        validators=[Length(max=500, message="Address must be 500 characters or fewer")])
    submit = SubmitField("Save the publication decision", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the publication fields as the model stores them."""
        return {"publication_decision": PublicationDecision(self.publication_decision.data),
                "publication_risks": stripped(self.publication_risks.data),
                "publication_reason": stripped(self.publication_reason.data),
                "published_on": self.published_on.data,
                "published_url": stripped(self.published_url.data)}


class MonitoringEntryForm(FlaskForm):
    """A check, at an interval, of a local review's timeliness and quality."""

    recorded_on = DayMonthYearField("Date of the check", required=True)
    on_time = RadioField(
        "Is the review on time?", widget=GovRadioInput(), choices=YES_NO, coerce=yes_no,
        validators=[InputRequired("Select yes if the review is on time")])
    timeliness = case_text("Notes on timeliness (optional)",
                           description="For example, what is late, why, and what is being "
                                       "done about it")
    progress = case_text("Progress against the terms of reference (optional)",
                         description="For example, which of the questions the review was set "
                                     "have been answered so far")
    quality = case_text("Quality concerns (optional)",
                        description="For example, how well the review addresses its terms of "
                                    "reference and involves the family and practitioners")
    requested = case_text("Information or a draft asked of the reviewer (optional)",
                          description="For example, a draft of the findings by the next "
                                      "meeting of the group")
    submit = SubmitField("Save the check", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the entry's fields as the model stores them."""
        return {"recorded_on": self.recorded_on.data, "on_time": self.on_time.data,
                "timeliness": stripped(self.timeliness.data),
                "progress": stripped(self.progress.data),
                "quality": stripped(self.quality.data),
                "requested": stripped(self.requested.data)}
