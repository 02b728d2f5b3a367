"""The web app: FastAPI + Jinja2 + htmx, server-rendered pages (``create_app`` in ``app.py``)."""
