"""A form never accepts more text than its column holds (SECURITY.md 1e).

SQLite ignores VARCHAR lengths, so a too-generous ``Length(max=...)`` only fails on PostgreSQL,
in production. The model check runs once; the migrated-schema check runs on both backends.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

import partnership
from config import TestConfig
from partnership import create_app
from partnership.accounts.models import User
from partnership.actions.models import Action, ImportUpload, ProgressUpdate
from partnership.arrangements.models import ArrangementsVersion, Figure, NarrativeSection
from partnership.audit.models import AuditEvent
from partnership.meetings.models import AgendaItem, Attendance, Decision, Meeting
from partnership.plans.models import Objective, Phase, Plan
from partnership.publishing.models import Delegation, Signature
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    Appointment,
    Body,
    BodyMember,
    Collaboration,
    ContactPoint,
    Contribution,
    Establishment,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
)
from partnership.reports.models import CopySent, ReportNarrative, ReportSettings, YearlyReport
from partnership.reviews.models import (
    Case,
    CaseMember,
    ClosureDay,
    InformationRequest,
    LocalReview,
    Milestone,
    MonitoringEntry,
    NationalReferral,
    PracticeEpisode,
    RapidReview,
    Recommendation,
    Review,
    Reviewer,
    ReviewSettings,
    Theme,
)
from partnership.thresholds.models import ThresholdSection, ThresholdVersion

# Which model each form writes to (or searches). Add every new form here.
FORM_MODELS: dict[str, type] = {
    "SignInForm": User,
    "UserForm": User,
    "NewUserForm": User,
    "AuditSearchForm": AuditEvent,
    "NarrativeSectionForm": NarrativeSection,
    "SignOffRoundForm": ArrangementsVersion,
    "CompareForm": ArrangementsVersion,
    "AgencyForm": Agency,
    "AgencyFilterForm": Agency,
    "ContributionForm": Contribution,
    "BodyForm": Body,
    "MemberForm": BodyMember,
    "PartnershipForm": Partnership,
    "PartnerNameForm": PartnerName,
    "RepresentativeForm": Representative,
    "EndRepresentativeForm": Representative,
    "PersonForm": Person,
    "PersonSearchForm": Person,
    "CollaborationForm": Collaboration,
    "ScrutineerForm": Scrutineer,
    "PlanForm": Plan,
    "ObjectiveForm": Objective,
    "PhaseForm": Phase,
    "ActionFilterForm": Action,
    "ActionForm": Action,
    "ActionEditForm": Action,
    "ProgressForm": ProgressUpdate,
    "UploadForm": ImportUpload,
    "ColumnsForm": ImportUpload,
    "MeetingForm": Meeting,
    "MeetingEditForm": Meeting,
    "GenerateForm": Meeting,
    "AgendaItemForm": AgendaItem,
    "AttendanceForm": Attendance,
    "DecisionForm": Decision,
    "ApproveMinutesForm": Meeting,
    "RapidReviewForm": RapidReview,
    "InformationRequestForm": InformationRequest,
    "PracticeEpisodeForm": PracticeEpisode,
    "LocalReviewForm": LocalReview,
    "ReviewerForm": Reviewer,
    "MilestonesForm": Milestone,
    "PublicationForm": LocalReview,
    "MonitoringEntryForm": MonitoringEntry,
    "ReviewForm": Review,
    "OurReviewForm": Review,
    "RecommendationForm": Recommendation,
    "ThemeForm": Theme,
    "ThemeEditForm": Theme,
    "LearningFilterForm": Review,
    "CaseForm": Case,
    "StageForm": Case,
    "NotificationForm": Case,
    "ReferralForm": NationalReferral,
    "AddMemberForm": CaseMember,
    "ReviewSettingsForm": ReviewSettings,
    "ClosureForm": ClosureDay,
    "StartReportForm": YearlyReport,
    "ReportNarrativeForm": ReportNarrative,
    "ReportSettingsForm": ReportSettings,
    "CopySentForm": CopySent,
    "SignOffForm": Signature,
    "DelegationForm": Delegation,
    "SectionForm": ThresholdSection,
    "ThresholdRoundForm": ThresholdVersion,
    "AppointmentForm": Appointment,
    "ContactPointForm": ContactPoint,
    "LineForm": AccountabilityLine,
    "EstablishmentUploadForm": Establishment,
    "FigureForm": Figure,
    "PaperVersionForm": Signature,
}
# Forms that hold no stored text (passwords are hashed; buttons carry only a CSRF token).
NO_MODEL = {"ChangePasswordForm", "SetPasswordForm", "ConfirmForm", "OnDateForm",
            "PeriodForm", "CarryForwardForm", "ImportForm", "CasePartnershipForm",
            "CaseFilterForm", "CaseRemoveForm", "MoveForm",
            "EstablishmentConfirmForm"}  # the checked rows, signed: nothing typed


def form_classes() -> dict[str, type[FlaskForm]]:
    found: dict[str, type[FlaskForm]] = {}
    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        if "forms" not in module.name.split("."):  # forms.py, or a forms/ package's modules
            continue
        imported = importlib.import_module(module.name)
        for name, cls in inspect.getmembers(imported, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == imported.__name__:
                found[name] = cls
    return found


@pytest.fixture(scope="module")
def plain_app() -> Flask:
    return create_app(TestConfig)  # never connects: forms need only a request context


def string_limits(app: Flask, form_class: type[FlaskForm]) -> Iterator[tuple[str, int]]:
    """Yield (field name, Length max) for each length-limited text field."""
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        for field in form:
            if not isinstance(field, StringField):
                continue
            for validator in field.validators:
                if isinstance(validator, Length) and validator.max not in (None, -1):
                    yield field.name, validator.max


def test_every_form_is_mapped_to_its_model() -> None:
    found = set(form_classes())
    assert found, "no forms found"
    assert found - set(FORM_MODELS) - NO_MODEL == set(), "map the new form in FORM_MODELS"
    assert set(FORM_MODELS) - found == set(), "FORM_MODELS names a form that no longer exists"


def test_form_lengths_fit_the_model_columns(plain_app: Flask) -> None:
    classes = form_classes()
    checked = 0
    problems = []
    for form_name, model in FORM_MODELS.items():
        columns = sa.inspect(model).columns
        for field_name, limit in string_limits(plain_app, classes[form_name]):
            if field_name not in columns:
                continue
            length = getattr(columns[field_name].type, "length", None)
            if length is None:
                continue
            checked += 1
            if limit > length:
                problems.append(f"{form_name}.{field_name}: Length(max={limit}) > {length}")
    assert problems == []
    assert checked >= 5  # email (x3), name (x2) and the audit filters


def test_form_lengths_fit_the_migrated_schema(plain_app: Flask, database_url: str) -> None:
    """The migrations, not just the models, must give the columns room."""
    classes = form_classes()
    engine = sa.create_engine(database_url)
    try:
        schema = sa.inspect(engine)
        problems = []
        for form_name, model in FORM_MODELS.items():
            table = model.__table__.name  # type: ignore[attr-defined]
            lengths = {c["name"]: getattr(c["type"], "length", None)
                       for c in schema.get_columns(table)}
            for field_name, limit in string_limits(plain_app, classes[form_name]):
                length = lengths.get(field_name)
                if length is not None and limit > length:
                    problems.append(f"{form_name}.{field_name}: Length(max={limit}) > {length}")
        assert problems == []
    finally:
        engine.dispose()
