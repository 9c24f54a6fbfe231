"""Entry point for gunicorn and the flask command."""

from forum import create_app

app = create_app()
