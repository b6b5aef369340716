"""Configuration classes; ``APP_ENV`` picks one (production unless told otherwise)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
WEAK_SECRET_KEYS = {"dev", "changeme", "change-me", "secret", "development", "test"}


def _env_list(name: str) -> list[str] | None:
    raw = os.environ.get(name, "").strip()
    return [part.strip() for part in raw.split(",") if part.strip()] or None


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def setting_date(value: Any, name: str) -> dt.date | None:
    """Read a date setting (an ISO date such as 2027-09-01, a date, or blank for none)."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a date written as YYYY-MM-DD, not {text!r}") from None


class Config:
    """Settings shared by every environment; each can be overridden from the environment."""

    SERVICE_NAME = "Safeguarding partnership tracker"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'partnership.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}

    # Sessions: a signed cookie that only carries a server-side session token.
    SESSION_COOKIE_NAME = "session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)
    REMEMBER_COOKIE_DURATION = 0

    # Sign-in throttling: more than this many failures in the window locks the account.
    SIGN_IN_MAX_FAILURES = _env_int("SIGN_IN_MAX_FAILURES", 10)
    SIGN_IN_WINDOW_MINUTES = _env_int("SIGN_IN_WINDOW_MINUTES", 5)
    PASSWORD_MIN_LENGTH = 12
    # Words that make a weak password here, on top of the common-password list.
    PASSWORD_CONTEXT_WORDS = _env_list("PASSWORD_CONTEXT_WORDS") or []

    # The CSRF token lives as long as the (server-limited) session, so a long form
    # filled in slowly is not lost to an expired token.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True

    # Evidence files (partnership/evidence): kept outside the web root under random names,
    # each at most EVIDENCE_MAX_BYTES, and at most EVIDENCE_QUOTA_BYTES per partnership.
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR") or str(INSTANCE_DIR / "evidence")
    EVIDENCE_MAX_BYTES = _env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    EVIDENCE_QUOTA_BYTES = _env_int("EVIDENCE_QUOTA_BYTES", 2 * 1024 * 1024 * 1024)

    # A whole request: room for the largest evidence file and the form around it.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", EVIDENCE_MAX_BYTES + 1024 * 1024)
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    HSTS = False
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    PAGE_SIZE = 50
    # Published arrangements are due for review this many months after publication.
    ARRANGEMENTS_REVIEW_MONTHS = _env_int("ARRANGEMENTS_REVIEW_MONTHS", 12)
    # Background work (partnership/jobs): the worker looks for due jobs this often when idle,
    # and takes back a job held longer than this by a worker that must have died.
    JOB_POLL_SECONDS = float(os.environ.get("JOB_POLL_SECONDS", "1"))
    JOB_STALE_AFTER_SECONDS = _env_int("JOB_STALE_AFTER_SECONDS", 600)
    # Draft PDFs rendered by the worker (documents/renders.py) are kept this many days after
    # they were last asked for, and within this many bytes in all.
    RENDER_KEEP_DAYS = _env_int("RENDER_KEEP_DAYS", 14)
    RENDER_BUDGET_BYTES = _env_int("RENDER_BUDGET_BYTES", 512 * 1024 * 1024)
    # Warm render processes (documents/pool.py): each OS process that renders PDFs (the job
    # worker, a web worker, a command) keeps up to this many, started on its first render,
    # each holding about 120-160 MB; one renders this many documents, then is replaced.
    RENDER_POOL_SIZE = _env_int("RENDER_POOL_SIZE", 2)
    RENDER_POOL_RECYCLE_AFTER = _env_int("RENDER_POOL_RECYCLE_AFTER", 50)
    # Designated education and childcare agencies (Children's Wellbeing and Schools Act 2026
    # s.2) take part from a date set by regulations: None until they set it. An agency's own
    # "duty from" date wins over this one. ISO date (YYYY-MM-DD), checked when the app starts.
    EDUCATION_DUTY_FROM: str | dt.date | None = os.environ.get("EDUCATION_DUTY_FROM") or None
    # A spreadsheet of schools and settings bigger than this is refused before it is read.
    ESTABLISHMENT_FILE_MAX_BYTES = _env_int("ESTABLISHMENT_FILE_MAX_BYTES", 5 * 1024 * 1024)
    # Escalations and professional differences: the themes an escalation may be tagged with
    # (ticked on its form, counted on the log and in the yearly report). An escalation keeps
    # the words it was tagged with, so a theme taken off this list still shows on old ones.
    ESCALATION_THEMES: tuple[str, ...] = (
        "Thresholds and step-down",
        "Information sharing",
        "Strategy meeting or section 47 decisions",
        "Child protection plan",
        "Health involvement",
        "Police involvement",
        "Education and attendance",
        "Other",
    )
    # Case reviews to the national panel's guidance (partnership/reviews). The Child
    # Safeguarding Practice Review Panel reissued its guidance for safeguarding partners in
    # 2022 and again in June 2025; these lists follow it and change with it, not the code.
    # The Rapid Review document's sections, in the panel's order: (field of the Rapid Review
    # record, or "episodes" / "requests" / "decision" / "sign_off" / "case", heading).
    REVIEWS_RAPID_REVIEW_SECTIONS: tuple[tuple[str, str], ...] = (
        ("case", "The serious incident"),
        ("requests", "Information from agencies"),
        ("episodes", "Key practice episodes"),
        ("analysis", "Analysis of practice"),
        ("equality_analysis", "Race, other inequalities and disability: how they shaped the "
                              "child's experience and the practice around them"),
        ("immediate_actions", "Immediate actions taken"),
        ("learning", "Learning identified"),
        ("decision", "Decision and rationale"),
        ("sign_off", "Sign-off by the safeguarding partners"),
    )
    # Sections of the Rapid Review record that must be written before the case leaves the
    # Rapid Review (besides the outcome, the three sign-offs, the date sent to the panel and
    # every information request received or waived, which are always required).
    REVIEWS_RAPID_REVIEW_REQUIRED: tuple[str, ...] = ("outcome_reason",)
    # NHS England's Safeguarding Case Review Tracker (S-CRT, NHS Digital's guidance and the
    # 2021 directions' requirements specification): the export's columns, in order, each
    # (heading, what fills it). Rename a heading here when the tracker's form changes.
    REVIEWS_TRACKER_COLUMNS: tuple[tuple[str, str], ...] = (
        ("Local reference", "reference"),
        ("Safeguarding partnership", "partnership"),
        ("Status", "status"),
        ("Date added", "aware_on"),
        ("Type of review", "review_type"),
        ("Rapid Review converted to a local review", "converted"),
        ("Incident type", "incident_type"),
        ("Local authority where the incident happened", "incident_authority"),
        ("Local authority where the child lives", "residence_authority"),
        ("Looked-after child", "looked_after"),
        ("Abuse or vulnerability theme 1", "theme_1"),
        ("Abuse or vulnerability theme 2", "theme_2"),
        ("Abuse or vulnerability theme 3", "theme_3"),
        ("Stage", "stage"),
        ("Notified to the national panel", "notified_on"),
        ("Rapid Review sent to the national panel", "sent_to_panel_on"),
        ("Decision to hold a local review", "decided_on"),
        ("Target date for publication", "target_on"),
        ("Publication date", "published_on"),
        ("Link to the published report", "published_url"),
        ("Recommendation themes", "recommendation_themes"),
        ("Number of recommendations", "recommendations"),
        ("How the learning was shared", "dissemination"),
    )
    # Complex referrals (partnership/referrals). No national standard sets these: the hub
    # agrees them with the forces and partner organisations in its memoranda of understanding
    # (the Hydrant Programme's Partnership Hub describes the referral route, not time limits),
    # so each is a setting. Service levels run in working days (England and Wales bank
    # holidays left out) from the day the hub routes a referral to a force or partnership.
    REFERRAL_ACKNOWLEDGE_WORKING_DAYS = _env_int("REFERRAL_ACKNOWLEDGE_WORKING_DAYS", 2)
    REFERRAL_DECISION_WORKING_DAYS = _env_int("REFERRAL_DECISION_WORKING_DAYS", 10)
    # What a memorandum may cover, and the natures a referral may be complex by (the hub's
    # introduction names institutional, organised, online and non-recent abuse). A record keeps
    # the words it was given, so a word taken off these lists still shows on old ones.
    REFERRAL_TYPES: tuple[str, ...] = ("Safeguarding referral", "Report of crime")
    REFERRAL_NATURES: tuple[str, ...] = (
        "Institutional", "Organised", "Online", "Non-recent", "Familial", "Other")
    # A signed memorandum whose review date has passed is no longer in force until renewed;
    # the hub team is reminded this many days before the review date.
    REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW = os.environ.get(
        "REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW", "1") in ("1", "true", "yes")
    REFERRAL_MEMORANDUM_REMINDER_DAYS = _env_int("REFERRAL_MEMORANDUM_REMINDER_DAYS", 60)
    # Mail (partnership/notices): digests and notices go out over SMTP through an outbox.
    # SERVICE_URL is the address people reach the service at: every link in a mail starts
    # with it.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000")
    MAIL_HOST = os.environ.get("MAIL_HOST", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@localhost")
    MAIL_TIMEOUT_SECONDS = float(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
    # Refuse to start unless the settings are safe for a live service.
    STRICT_START = False


class DevelopmentConfig(Config):
    """Local use with `make run`: a generated secret kept in instance/, plain HTTP."""

    # The development mail sink (started by `make run`) writes each message to instance/mail/.
    MAIL_HOST = os.environ.get("MAIL_HOST", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    SERVICE_URL = os.environ.get("SERVICE_URL",
                                 f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")

    @staticmethod
    def init_secret_key() -> str:
        """Return the development secret, creating it once under instance/."""
        INSTANCE_DIR.mkdir(mode=0o700, exist_ok=True)
        key_file = INSTANCE_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


class TestConfig(Config):
    """The test suite: CSRF stays on; tests fetch tokens like a browser does."""

    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-the-checks"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    TRUSTED_HOSTS = None
    SERVICE_URL = "https://tracker.example.org"
    MAIL_HOST = "127.0.0.1"
    MAIL_PORT = 2  # nothing listens: a test that sends mail starts its own server
    MAIL_FROM = "tracker@example.org"
    MAIL_TIMEOUT_SECONDS = 5.0
    # Evidence files go to a temporary folder of this test process (never instance/).
    EVIDENCE_DIR = str(Path(tempfile.gettempdir()) / f"partnership-test-evidence-{os.getpid()}")


class ProductionConfig(Config):
    """Behind TLS: secure cookies with the __Host- prefix, HSTS, strict checks at start."""

    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    HSTS = True
    STRICT_START = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")


CONFIGS: dict[str, type[Config]] = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by APP_ENV (default: production)."""
    name = os.environ.get("APP_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise SystemExit(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
