"""The yearly report, generated from the records, drafted, signed off and published."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and ``flask report``."""
    from partnership.publishing import documents, guards
    from partnership.reports import services
    from partnership.reports.adapter import YearlyReportDocument
    from partnership.reports.cli import report_cli
    from partnership.reports.models import YearlyReport
    from partnership.reports.views import bp

    app.cli.add_command(report_cli)
    app.register_blueprint(bp)
    documents.register(YearlyReportDocument())
    guards.guard("yearly_report", YearlyReport)
    services.guard_published_reports()
    # The home page's dashboard panel asks the services directly (templates/reports/_panels.html).
    app.jinja_env.globals.update(report_deadlines=services.report_deadlines)
    app.jinja_env.filters["report_date"] = services.report_date
