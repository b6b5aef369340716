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
from partnership.accounts.models import SavedFilter, User
from partnership.actions.models import (
    Action,
    ActionComment,
    ImportUpload,
    ProgressUpdate,
    TargetDateRequest,
)
from partnership.arrangements.models import ArrangementsVersion, Figure, NarrativeSection
from partnership.audit.models import AuditEvent
from partnership.case_audits.models import AuditCase, AuditQuestion, AuditReturn, CaseAudit
from partnership.dataset.models import (
    BenchmarkRelease,
    DatasetSettings,
    Indicator,
    IndicatorValue,
    Population,
)
from partnership.escalations.models import Escalation
from partnership.evidence.models import EvidenceFile
from partnership.funding.models import (
    BudgetLine,
    BudgetStatement,
    ContributorPartner,
    InKind,
    Receipt,
    Spending,
)
from partnership.meetings.models import AgendaItem, Attendance, Decision, Meeting
from partnership.notices.models import DigestSchedule
from partnership.plans.models import Objective, Phase, Plan
from partnership.publishing.models import Delegation, Signature
from partnership.referrals.models import (
    Memorandum,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralRoute,
)
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
    Dissemination,
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
from partnership.scales.models import Grade, GradeScale
from partnership.scrutiny.models import ScrutinyActivity, ScrutinyPlan, ScrutinyRecommendation
from partnership.self_assessment.models import (
    AssessmentRound,
    ModerationSession,
    Standard,
    StandardSet,
)
from partnership.thresholds.models import ThresholdSection, ThresholdVersion
from partnership.training.models import (
    Course,
    Evaluation,
    FollowUp,
    SessionAttendance,
    TrainingSession,
    TrainingSettings,
)
from partnership.voice.models import Engagement

# Which model each form writes to (or searches). Add every new form here.
FORM_MODELS: dict[str, type] = {
    "accounts.SignInForm": User,
    "accounts.UserForm": User,
    "accounts.NewUserForm": User,
    "accounts.SavedFilterForm": SavedFilter,
    "audit.AuditSearchForm": AuditEvent,
    "arrangements.NarrativeSectionForm": NarrativeSection,
    "arrangements.SignOffRoundForm": ArrangementsVersion,
    "arrangements.CompareForm": ArrangementsVersion,
    "register.AgencyForm": Agency,
    "register.AgencyFilterForm": Agency,
    "register.ContributionForm": Contribution,
    "register.BodyForm": Body,
    "register.MemberForm": BodyMember,
    "register.PartnershipForm": Partnership,
    "register.PartnerNameForm": PartnerName,
    "register.RepresentativeForm": Representative,
    "register.EndRepresentativeForm": Representative,
    "register.PersonForm": Person,
    "register.PersonSearchForm": Person,
    "register.CollaborationForm": Collaboration,
    "register.ScrutineerForm": Scrutineer,
    "plans.PlanForm": Plan,
    "plans.ObjectiveForm": Objective,
    "plans.PhaseForm": Phase,
    "actions.ActionFilterForm": Action,
    "actions.ActionForm": Action,
    "actions.ActionEditForm": Action,
    "actions.ProgressForm": ProgressUpdate,
    "actions.UploadForm": ImportUpload,
    "actions.ColumnsForm": ImportUpload,
    "actions.CommentForm": ActionComment,
    "actions.DateRequestForm": TargetDateRequest,
    "actions.DateDecisionForm": TargetDateRequest,
    "actions.BulkUpdateForm": Action,
    "actions.MyActionsFilterForm": Action,
    "meetings.MeetingForm": Meeting,
    "meetings.MeetingEditForm": Meeting,
    "meetings.GenerateForm": Meeting,
    "meetings.AgendaItemForm": AgendaItem,
    "meetings.AttendanceForm": Attendance,
    "meetings.DecisionForm": Decision,
    "meetings.ApproveMinutesForm": Meeting,
    "reviews.RapidReviewForm": RapidReview,
    "reviews.InformationRequestForm": InformationRequest,
    "reviews.PracticeEpisodeForm": PracticeEpisode,
    "reviews.LocalReviewForm": LocalReview,
    "reviews.ReviewerForm": Reviewer,
    "reviews.MilestonesForm": Milestone,
    "reviews.PublicationForm": LocalReview,
    "reviews.MonitoringEntryForm": MonitoringEntry,
    "reviews.ReviewForm": Review,
    "reviews.OurReviewForm": Review,
    "reviews.RecommendationForm": Recommendation,
    "reviews.DisseminationForm": Dissemination,
    "reviews.ThemeForm": Theme,
    "reviews.ThemeEditForm": Theme,
    "reviews.LearningFilterForm": Review,
    "reviews.CaseForm": Case,
    "reviews.StageForm": Case,
    "reviews.NotificationForm": Case,
    "reviews.ReferralForm": NationalReferral,
    "reviews.AddMemberForm": CaseMember,
    "reviews.ReviewSettingsForm": ReviewSettings,
    "reviews.ClosureForm": ClosureDay,
    "reports.StartReportForm": YearlyReport,
    "reports.ReportNarrativeForm": ReportNarrative,
    "reports.ReportSettingsForm": ReportSettings,
    "reports.CopySentForm": CopySent,
    "publishing.SignOffForm": Signature,
    "publishing.DelegationForm": Delegation,
    "thresholds.SectionForm": ThresholdSection,
    "thresholds.ThresholdRoundForm": ThresholdVersion,
    "register.AppointmentForm": Appointment,
    "register.ContactPointForm": ContactPoint,
    "register.LineForm": AccountabilityLine,
    "register.EstablishmentUploadForm": Establishment,
    "arrangements.FigureForm": Figure,
    "publishing.PaperVersionForm": Signature,
    "evidence.AttachEvidenceForm": EvidenceFile,
    "scales.ScaleForm": GradeScale,
    "scales.GradeForm": Grade,
    "case_audits.AuditForm": CaseAudit,
    "case_audits.QuestionForm": AuditQuestion,
    "case_audits.CaseForm": AuditCase,
    "case_audits.ReturnForm": AuditReturn,
    "case_audits.ModerationForm": CaseAudit,
    "scrutiny.PlanForm": ScrutinyPlan,
    "scrutiny.NewPlanForm": ScrutinyPlan,
    "scrutiny.ActivityForm": ScrutinyActivity,
    "scrutiny.FindingsForm": ScrutinyActivity,
    "scrutiny.ResponseForm": ScrutinyActivity,
    "scrutiny.RecommendationForm": ScrutinyRecommendation,
    "scrutiny.RecommendationActionForm": Action,
    "scrutiny.StatusForm": ScrutinyActivity,
    "self_assessment.StandardSetForm": StandardSet,
    "self_assessment.StandardForm": Standard,
    "self_assessment.RoundForm": AssessmentRound,
    "self_assessment.SessionForm": ModerationSession,
    "self_assessment.GapActionForm": Action,
    "voice.EngagementForm": Engagement,
    "dataset.IndicatorForm": Indicator,
    "dataset.SettingsForm": DatasetSettings,
    "dataset.ExceptionActionForm": Action,
    "dataset.ValuesForm": IndicatorValue,
    "dataset.PopulationForm": Population,
    "dataset.BenchmarkImportForm": BenchmarkRelease,
    "training.CourseForm": Course,
    "training.SessionForm": TrainingSession,
    "training.AttendanceForm": SessionAttendance,
    "training.EvaluationForm": Evaluation,
    "training.FollowUpForm": FollowUp,
    "training.SettingsForm": TrainingSettings,
    "voice.ActionFromEngagementForm": Action,
    "escalations.EscalationForm": Escalation,
    "funding.LineForm": BudgetLine,
    "funding.SpendingForm": Spending,
    "funding.ReceiptForm": Receipt,
    "funding.InKindForm": InKind,
    "funding.CountsUnderForm": ContributorPartner,
    "funding.StatementRoundForm": BudgetStatement,
    "notices.DigestTimeForm": DigestSchedule,
    "referrals.OrganisationForm": PartnerOrganisation,
    "referrals.ContactForm": PartnerContact,
    "referrals.MemorandumForm": Memorandum,
    "referrals.ReferralForm": Referral,
    "referrals.RouteForm": ReferralRoute,
    "referrals.ResponseForm": ReferralRoute,
    "referrals.CloseForm": Referral,
}
# Forms that hold no stored text (passwords are hashed; buttons carry only a CSRF token).
NO_MODEL = {"accounts.ChangePasswordForm", "accounts.SetPasswordForm", "accounts.DeleteFilterForm",
            "accounts.ConfirmForm", "register.OnDateForm", "plans.PeriodForm",
            "plans.CarryForwardForm", "actions.ImportForm", "reviews.CasePartnershipForm",
            "actions.WithdrawForm",  # a button
            "reviews.CaseFilterForm", "reviews.CaseRemoveForm", "arrangements.MoveForm",
            "thresholds.MoveForm", "scales.MoveForm",
            "register.EstablishmentConfirmForm",  # the checked rows, signed: nothing typed
            "calendar.IssueFeedForm", "calendar.RevokeFeedForm",  # buttons: a feed's secret
            # buttons, filters and choices of records: nothing typed
            "case_audits.AgenciesForm", "case_audits.StageForm", "escalations.EscalationFilterForm",
            "self_assessment.ButtonForm", "self_assessment.ChaseForm",
            "self_assessment.SchoolsForm", "self_assessment.StarterSetForm",
            "self_assessment.AgenciesForm", "voice.EngagementFilterForm",
            "dataset.LibraryFilterForm", "dataset.StarterForm", "dataset.ApproveForm",
            "dataset.ImportValuesForm", "dataset.ConfirmImportForm",
            "training.RemoveForm", "training.UptakeFilterForm", "training.ImportForm",
            "training.ConfirmImportForm",
            "notices.PreferencesForm",  # choices of how to be told: nothing typed
            "referrals.ReportForm"}  # a filter: nothing typed


def form_classes() -> dict[str, type[FlaskForm]]:
    """Every form, named by its feature and class ("scrutiny.PlanForm": features may reuse a
    class name)."""
    found: dict[str, type[FlaskForm]] = {}
    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        if "forms" not in module.name.split("."):  # forms.py, or a forms/ package's modules
            continue
        imported = importlib.import_module(module.name)
        for name, cls in inspect.getmembers(imported, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == imported.__name__:
                feature = imported.__name__.removeprefix("partnership.").split(".")[0]
                found[f"{feature}.{name}"] = cls
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
