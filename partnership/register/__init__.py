"""The partnership register: the partnership's structure as data."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register every area's blueprint found in register/views/."""
    from partnership import policy
    from partnership.accounts import services as accounts
    from partnership.register import models, views  # noqa: F401 - the models must be mapped
    from partnership.register.services.accounts import RegisterDirectory, account_scope

    policy.read_scopes_with(account_scope)
    accounts.use_directory(RegisterDirectory())

    for module_info in sorted(pkgutil.iter_modules(views.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{views.__name__}.{module_info.name}")
        app.register_blueprint(module.bp)
    from partnership.register.cli import register_cli

    app.cli.add_command(register_cli)
