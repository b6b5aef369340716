"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""

from config import config_from_env
from partnership import create_app

app = create_app(config_from_env())
