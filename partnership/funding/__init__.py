"""The partnership's shared budget: agreed contributions (the register's) and income
received, budget lines and spending, help in kind, the year-end position, and the yearly
budget statement signed off by the three safeguarding partners (Working Together 2023)
through the one publishing workflow."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and join the publishing workflow."""
    from partnership.funding.adapter import BudgetDocument
    from partnership.funding.models import BudgetStatement
    from partnership.funding.views import bp, bp_all
    from partnership.publishing import documents, guards

    app.register_blueprint(bp)
    app.register_blueprint(bp_all)
    documents.register(BudgetDocument())
    guards.guard("budget", BudgetStatement)
