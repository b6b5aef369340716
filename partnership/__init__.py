"""The safeguarding partnership tracker: application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, WEAK_SECRET_KEYS, Config, DevelopmentConfig, setting_date

MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration is unsafe for the environment it was given to."""


def check_production_config(config: dict[str, Any]) -> None:
    """Refuse to start in production with debug on, a weak secret or insecure cookies."""
    key = config.get("SECRET_KEY") or ""
    if config.get("DEBUG"):
        raise ConfigurationError("DEBUG must be off in production")
    if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in WEAK_SECRET_KEYS:
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters"
        )
    if not config.get("SESSION_COOKIE_SECURE"):
        raise ConfigurationError("SESSION_COOKIE_SECURE must be on in production")
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        raise ConfigurationError("DATABASE_URL must be set in production")
    # Every link in a mail starts with it: a mail pointing at this machine helps nobody.
    service_url = str(config.get("SERVICE_URL") or "")
    if not service_url.startswith("https://") or "//localhost" in service_url or (
            "//127.0.0.1" in service_url):
        raise ConfigurationError(
            "SERVICE_URL must be set in production to the https:// address people reach the "
            "service at (every link in a mail starts with it)")


def create_app(config_class: type[Config] = Config, **overrides: Any) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_object(config_class)
    if issubclass(config_class, DevelopmentConfig) and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_class.init_secret_key()
    app.config.update(overrides)
    try:
        app.config["EDUCATION_DUTY_FROM"] = setting_date(
            app.config.get("EDUCATION_DUTY_FROM"), "EDUCATION_DUTY_FROM")
    except ValueError as problem:
        raise ConfigurationError(str(problem)) from None
    if app.config["STRICT_START"]:
        check_production_config(app.config)

    if app.config["PROXY_FIX_X_FOR"]:
        n = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    from partnership import web
    from partnership.database import prepare_sqlite_file
    from partnership.extensions import csrf, db, login_manager, migrate

    # First, so every request (even one CSRF protection refuses) has an id and a log line.
    web.init_app(app)
    prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from partnership import (
        accounts,
        actions,
        arrangements,
        audit,
        calendar,
        case_audits,
        dataset,
        demo,
        escalations,
        evidence,
        funding,
        jobs,
        meetings,
        notices,
        operations,
        pages,
        plans,
        publishing,
        reading_room,
        referrals,
        register,
        reports,
        reviews,
        scales,
        scrutiny,
        search,
        self_assessment,
        thresholds,
        training,
        voice,
    )
    from partnership.documents import renders

    # Jobs and renders first: features register their job handlers into them.
    for feature in (jobs, renders, accounts, audit, pages, register, publishing, evidence,
                    thresholds, arrangements, plans, meetings, reviews, scales, case_audits,
                    self_assessment, voice, escalations, dataset, training, funding, scrutiny,
                    referrals,
                    actions, reports, notices, calendar, search, reading_room, demo, operations):
        feature.init_app(app)
    return app
