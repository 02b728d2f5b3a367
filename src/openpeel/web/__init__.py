"""The web app: FastAPI + Jinja2 + htmx, server-rendered pages (``create_app`` in ``app.py``
resolves the workspace once). Routers live one per area; routes parse the request, call the
library and render. May import: ``report``, ``assess``, ``scrutiny`` and every layer below;
never ``cli``.
"""
