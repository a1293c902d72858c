"""Entry point for `flask` commands and the WSGI server."""

from app import create_app

app = create_app()
